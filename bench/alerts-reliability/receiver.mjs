// A webhook receiver for the reliability check: verifies X-Signature (HMAC-SHA256 over "<timestamp>." + body with
// the shared key), answers after a short delay (so deliveries are in flight when the app is killed), and appends one
// JSON line per delivery to the log. GET /stats returns the counts.
// usage: node receiver.mjs <key> <log-file> <port-file> [delay-ms=150] [max-seconds=900]   (127.0.0.1 only)
import { createServer } from 'node:http';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createHmac, timingSafeEqual } from 'node:crypto';

const [key, logFile, portFile, delayMs = '150', maxSeconds = '900'] = process.argv.slice(2);
const seen = new Map();
let deliveries = 0, badSignatures = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const critical = [...seen.values()].filter((a) => a.severity === 'critical').length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ deliveries, distinct: seen.size, critical, badSignatures, duplicates: deliveries - seen.size }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const ts = req.headers['x-signature-timestamp'] ?? '';
    const expected = 'sha256=' + createHmac('sha256', key).update(`${ts}.`).update(body).digest('hex');
    const got = String(req.headers['x-signature'] ?? '');
    const valid = got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
    setTimeout(() => {
      if (!valid) { badSignatures++; res.writeHead(401); res.end(); return; }
      const alert = JSON.parse(body.toString('utf8'));
      const idem = String(req.headers['idempotency-key'] ?? '');
      deliveries++;
      if (!seen.has(idem)) seen.set(idem, { severity: alert.severity, kind: alert.kind, package: alert.package, version: alert.version });
      appendFileSync(logFile, JSON.stringify({ idem, kind: alert.kind, severity: alert.severity, package: alert.package, version: alert.version }) + '\n');
      res.writeHead(204); res.end();
    }, Number(delayMs));
  });
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, String(server.address().port)));
setTimeout(() => process.exit(0), Number(maxSeconds) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
