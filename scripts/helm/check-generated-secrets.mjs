// Checks the key material the chart generates on first install: every value must parse the way
// the services parse it (a JWK that is a real P-256 key pair, 32-byte keys, matching hashes).
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const docs = yaml.loadAll(readFileSync(process.argv[2], 'utf8')).filter((d) => d?.kind === 'Secret');
const data = (suffix) => {
  const s = docs.find((d) => d.metadata.name.endsWith(`-${suffix}`));
  if (!s) throw new Error(`no Secret *-${suffix}`);
  return Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
};
const problems = [];
const check = (ok, what) => { if (!ok) problems.push(what); };
const key32 = (v) => Buffer.from(v, 'base64').length === 32;
const ring = (v) => v.split(',').every((e) => /^[A-Za-z0-9_-]+:/.test(e) && key32(e.slice(e.indexOf(':') + 1)));
const sha = (v) => createHash('sha256').update(v).digest('hex');

const auth = data('auth'), gateway = data('gateway'), janitor = data('janitor'), blob = data('blob');
const jwk = JSON.parse(auth.AUTH_TOKEN_PRIVATE_JWK);
check(jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.kid && jwk.d, 'AUTH_TOKEN_PRIVATE_JWK is not an EC P-256 private JWK with kid');
const pub = createPublicKey(createPrivateKey({ key: jwk, format: 'jwk' })).export({ format: 'jwk' });
check(pub.x === jwk.x && pub.y === jwk.y, 'AUTH_TOKEN_PRIVATE_JWK: x/y are not the public half of d');
check(key32(auth.AUTH_SECRET_KEY), 'AUTH_SECRET_KEY is not 32 bytes base64');
check(auth.AUTH_ADMIN_TOKEN.length >= 16, 'AUTH_ADMIN_TOKEN shorter than 16');
const creds = auth.AUTH_SERVICE_CREDENTIALS.split(',');
check(creds.includes(`gateway:${sha(gateway.INTERNAL_SERVICE_SECRET)}`), 'auth does not accept the gateway secret');
check(creds.includes(`janitor:${sha(janitor.INTERNAL_SERVICE_SECRET)}`), 'auth does not accept the janitor secret');
check(gateway.INTERNAL_SERVICE_SECRET !== janitor.INTERNAL_SERVICE_SECRET, 'gateway and janitor share a secret');
check(ring(blob.BLOB_MASTER_KEYS), 'BLOB_MASTER_KEYS is not a key ring of 32-byte keys');
check(ring(blob.BLOB_CAPABILITY_KEYS) && blob.BLOB_CAPABILITY_KEYS === gateway.BLOB_CAPABILITY_KEYS, 'BLOB_CAPABILITY_KEYS differ between gateway and blob');
for (const p of problems) console.error(`generated secrets: ${p}`);
console.log(`generated secrets: ${problems.length ? 'INVALID' : 'ok'}`);
process.exit(problems.length ? 1 : 0);
