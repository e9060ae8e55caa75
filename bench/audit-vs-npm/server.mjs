// A local replay registry for the benchmark: serves generated packuments (with ETag / If-None-Match -> 304)
// and attestation documents on 127.0.0.1 only. Stops by itself after --max-seconds (default 2400).
// usage: node server.mjs <data-dir> <port-file> [max-seconds]
import { createServer } from 'node:http';
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, portFile, maxSeconds = '2400'] = process.argv.slice(2);
let requests = 0;
const server = createServer((req, res) => {
  requests++;
  const path = req.url.split('?')[0];
  let file;
  if (path.startsWith('/-/npm/v1/attestations/')) {
    file = join(dir, 'attestations', decodeURIComponent(path.slice('/-/npm/v1/attestations/'.length)).replace('/', '%2f') + '.json');
  } else {
    file = join(dir, 'packuments', decodeURIComponent(path.slice(1)).replace('/', '%2f') + '.json');
  }
  let st;
  try { st = statSync(file); } catch { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"not found"}'); return; }
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  if (req.headers['if-none-match'] === etag) { res.writeHead(304, { etag }); res.end(); return; }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': st.size, etag });
  createReadStream(file).pipe(res);
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
setTimeout(() => { console.error(`bench registry: stopping after ${maxSeconds} s`); process.exit(0); }, Number(maxSeconds) * 1000).unref();
process.on('SIGTERM', () => { console.error(`bench registry: ${requests} requests served`); process.exit(0); });
