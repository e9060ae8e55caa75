// A local npm-like registry for the alert reliability check: N packages, each with one trusted-publisher version.
// POST /-/bench/gain makes every 10th package gain a token-published version (published "now").
// Shapes follow shared/REGISTRY-FACTS.md (_npmUser.trustedPublisher for OIDC publishes, a bare _npmUser for tokens).
// usage: node registry.mjs <count> <port-file> [max-seconds=900]   (127.0.0.1 only; stops by itself)
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';

const [count = '1000', portFile, maxSeconds = '900'] = process.argv.slice(2);
const n = Number(count);
const published = new Date(Date.now() - 2 * 3600 * 1000).toISOString();
let gainedAt = null;
const name = (i) => `rel-${String(i).padStart(4, '0')}`;
const gains = (i) => i % 10 === 0;

function packument(i) {
  const pkg = name(i);
  const versions = {
    '1.0.0': { name: pkg, version: '1.0.0', dist: { tarball: `http://127.0.0.1/${pkg}/-/${pkg}-1.0.0.tgz` },
      _npmUser: { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github', oidcConfigId: `oidc:${i}` } } },
  };
  const time = { created: published, modified: published, '1.0.0': published };
  let latest = '1.0.0';
  if (gainedAt && gains(i)) {
    versions['1.0.1'] = { name: pkg, version: '1.0.1', dist: { tarball: `http://127.0.0.1/${pkg}/-/${pkg}-1.0.1.tgz` }, _npmUser: { name: 'mallory', email: 'mallory@example.test' } };
    time['1.0.1'] = gainedAt; time.modified = gainedAt; latest = '1.0.1';
  }
  return JSON.stringify({ _id: pkg, name: pkg, 'dist-tags': { latest }, versions, time, maintainers: [{ name: 'alice', email: 'alice@example.test' }] });
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/-/bench/gain') {
    gainedAt = new Date().toISOString();
    res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ gainedAt, packages: Math.ceil(n / 10) })); return;
  }
  const m = /^\/(rel-\d{4})$/.exec(req.url.split('?')[0]);
  const i = m ? Number(m[1].slice(4)) : -1;
  if (i < 0 || i >= n) { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"not found"}'); return; }
  const body = packument(i);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
setTimeout(() => process.exit(0), Number(maxSeconds) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
