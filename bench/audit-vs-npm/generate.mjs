// Generates N realistic npm packuments (plus attestation documents) for the audit benchmark.
// Sizes are spread like real ones: most 5-100 KB, a few several MB. Shapes follow shared/REGISTRY-FACTS.md.
// usage: node generate.mjs <out-dir> [count=1000] [seed=42]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
const count = Number(process.argv[3] ?? 1000);
let seed = Number(process.argv[4] ?? 42);
if (!out) { console.error('usage: node generate.mjs <out-dir> [count] [seed]'); process.exit(2); }
const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const normal = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

mkdirSync(join(out, 'packuments'), { recursive: true });
mkdirSync(join(out, 'attestations'), { recursive: true });
const escape = (name) => name.replace('/', '%2f');
const t0 = Date.UTC(2020, 0, 1);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64');

function attestation(name, version, repo) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `pkg:npm/${name}@${version}`, digest: { sha512: 'ab'.repeat(64) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
        externalParameters: { workflow: { ref: `refs/tags/v${version}`, repository: `https://github.com/${repo}`, path: '.github/workflows/release.yml' } },
        internalParameters: { github: { event_name: 'push', repository_id: '1', repository_owner_id: '2' } },
        resolvedDependencies: [{ uri: `git+https://github.com/${repo}@refs/tags/v${version}`, digest: { gitCommit: 'c0ffee'.repeat(6) + 'abcd' } }],
      },
      runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' }, metadata: { invocationId: `https://github.com/${repo}/actions/runs/1/attempts/1` } },
    },
  };
  const entry = (type, payload) => ({ predicateType: type, bundle: { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { x509CertificateChain: { certificates: [{ rawBytes: 'MII'.padEnd(1800, 'A') }] } },
    dsseEnvelope: { payload, payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'MEUC'.padEnd(96, 'x'), keyid: '' }] } } });
  return { attestations: [
    entry('https://github.com/npm/attestation/tree/main/specs/publish/v0.1', b64({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1', predicate: { name, version, registry: 'bench' } })),
    entry('https://slsa.dev/provenance/v1', b64(statement)),
  ] };
}

const sizes = [];
let attestationDocs = 0;
for (let i = 0; i < count; i++) {
  const name = i % 7 === 3 ? `@bench/pkg-${String(i).padStart(4, '0')}` : `bench-pkg-${String(i).padStart(4, '0')}`;
  // log-normal around 20 KB (most 5-100 KB); 1% are several MB
  const target = i % 100 === 50 ? 2_000_000 + rand() * 6_000_000 : Math.min(400_000, Math.max(3_000, Math.exp(Math.log(20_000) + 0.8 * normal())));
  const perVersion = 1400;
  const versionCount = Math.max(1, Math.round(target / perVersion));
  const kind = ['token', 'trusted', 'trusted', 'token-then-trusted', 'trusted-then-token', 'stripped', 'token-prov'][i % 7];
  const repo = `bench-org/repo-${i}`;
  const versions = {}; const time = { created: new Date(t0).toISOString() };
  for (let v = 0; v < versionCount; v++) {
    const version = `${Math.floor(v / 100)}.${Math.floor(v / 10) % 10}.${v % 10}`;
    const recent = v >= versionCount - 10;
    let user = { name: 'maintainer', email: 'maintainer@example.test' };
    let trusted = kind === 'trusted' || (kind === 'token-then-trusted' && v > 0) || (kind === 'trusted-then-token' && v < versionCount - 1);
    if (trusted) user = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github', oidcConfigId: `oidc:${i}-0000` } };
    const provenance = (trusted || kind === 'token-prov') && recent;
    const dist = { shasum: 'f'.repeat(40), tarball: `http://bench.invalid/${name}/-/x-${version}.tgz`, integrity: 'sha512-' + 'A'.repeat(86) + '==', fileCount: 12, unpackedSize: 40000 };
    if (provenance) {
      dist.attestations = { url: `ATTESTATIONS_BASE/-/npm/v1/attestations/${escape(name)}@${version}`, provenance: { predicateType: 'https://slsa.dev/provenance/v1' } };
      writeFileSync(join(out, 'attestations', `${escape(name)}@${version}.json`), JSON.stringify(attestation(name, version, repo)));
      attestationDocs++;
    }
    const entry = { name, version, description: 'benchmark fixture package', main: 'index.js', license: 'MIT',
      repository: { type: 'git', url: `git+https://github.com/${repo}.git` },
      scripts: { test: 'node --test', build: 'tsc -p .' },
      dependencies: { 'left-pad': '^1.3.0', 'is-number': '^7.0.0', tslib: '^2.6.0' },
      devDependencies: { typescript: '^5.4.0', eslint: '^9.0.0' },
      engines: { node: '>=18' }, gitHead: 'c0ffee'.repeat(6) + 'abcd', dist,
      maintainers: [{ name: 'maintainer', email: 'maintainer@example.test' }],
      _nodeVersion: '22.14.0', _npmVersion: '11.5.1' };
    if (kind !== 'stripped') entry._npmUser = user;
    versions[version] = entry;
    time[version] = new Date(t0 + v * 86_400_000).toISOString();
  }
  const latest = Object.keys(versions).at(-1);
  time.modified = time[latest];
  const doc = { _id: name, name, 'dist-tags': { latest }, versions, time,
    maintainers: [{ name: 'maintainer', email: 'maintainer@example.test' }], readme: '# ' + name + '\n' + 'Documentation. '.repeat(200), readmeFilename: 'README.md' };
  const text = JSON.stringify(doc);
  writeFileSync(join(out, 'packuments', escape(name) + '.json'), text);
  sizes.push([name, text.length]);
}
writeFileSync(join(out, 'names.txt'), sizes.map(([n]) => n).join('\n') + '\n');
sizes.sort((a, b) => a[1] - b[1]);
const total = sizes.reduce((s, [, n]) => s + n, 0);
const pct = (p) => sizes[Math.floor(p * (sizes.length - 1))][1];
writeFileSync(join(out, 'largest.txt'), sizes.at(-1)[0] + '\n');
writeFileSync(join(out, 'smallest.txt'), sizes[0][0] + '\n');
console.log(`generated ${count} packuments, ${(total / 1e6).toFixed(1)} MB; p10 ${(pct(0.1) / 1e3).toFixed(0)} KB, median ${(pct(0.5) / 1e3).toFixed(0)} KB, p90 ${(pct(0.9) / 1e3).toFixed(0)} KB, max ${(sizes.at(-1)[1] / 1e6).toFixed(1)} MB; ${attestationDocs} attestation documents`);
