// What this chart promises beyond schema validity, checked on a rendered release:
// - every selector names the release instance (two releases in one namespace never share pods);
// - every container runs as a numeric non-root uid, read-only root fs, no capabilities, seccomp;
// - every pod sees only the secret keys its service needs (the gateway never gets BLOB_MASTER_KEYS);
// - every Deployment has startup, liveness and readiness probes.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const ALLOWED_SECRET_ENV = {
  gateway: ['INTERNAL_SERVICE_SECRET', 'BLOB_CAPABILITY_KEYS'],
  janitor: ['INTERNAL_SERVICE_SECRET', 'REDIS_URL'],
  blob: ['BLOB_CAPABILITY_KEYS', 'BLOB_MASTER_KEYS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
  auth: ['DATABASE_URL', 'AUTH_SERVICE_CREDENTIALS', 'AUTH_SECRET_KEY', 'AUTH_TOKEN_PRIVATE_JWK', 'AUTH_ADMIN_TOKEN'],
  metadata: ['DATABASE_URL'],
  migrate: ['DATABASE_URL'],
  test: ['AUTH_ADMIN_TOKEN'],
};

const docs = yaml.loadAll(readFileSync(process.argv[2], 'utf8')).filter(Boolean);
const problems = [];
const fail = (doc, msg) => problems.push(`${doc.kind} ${doc.metadata?.name}: ${msg}`);
const instance = (labels) => labels?.['app.kubernetes.io/instance'];

for (const doc of docs) {
  const selector = {
    Deployment: doc.spec?.selector?.matchLabels,
    Service: doc.spec?.selector,
    PodDisruptionBudget: doc.spec?.selector?.matchLabels,
    NetworkPolicy: doc.spec?.podSelector?.matchLabels,
    ServiceMonitor: doc.spec?.selector?.matchLabels,
  }[doc.kind];
  if (doc.kind in { Deployment: 1, Service: 1, PodDisruptionBudget: 1, NetworkPolicy: 1, ServiceMonitor: 1 } && !instance(selector)) {
    fail(doc, 'selector lacks app.kubernetes.io/instance');
  }
  for (const peer of doc.kind === 'NetworkPolicy' ? doc.spec.ingress.flatMap((r) => r.from ?? []) : []) {
    if (peer.podSelector && !instance(peer.podSelector.matchLabels)) fail(doc, 'ingress peer selects pods of any release');
  }
  const pod = doc.kind === 'Pod' ? doc.spec : doc.spec?.template?.spec;
  if (!pod) continue;
  const component = (doc.kind === 'Pod' ? doc.metadata : doc.spec.template.metadata).labels?.['app.kubernetes.io/component'];
  const allowed = ALLOWED_SECRET_ENV[component];
  if (!allowed) fail(doc, `unknown component ${component}`);
  if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') fail(doc, 'pod seccomp is not RuntimeDefault');
  if (pod.automountServiceAccountToken !== false) fail(doc, 'mounts a service account token it does not need');
  if (pod.volumes?.some((v) => v.secret)) fail(doc, 'mounts a whole Secret as a volume');
  for (const c of pod.containers) {
    const sc = { ...pod.securityContext, ...c.securityContext };
    if (sc.runAsNonRoot !== true || !Number.isInteger(sc.runAsUser) || sc.runAsUser === 0) fail(doc, `${c.name}: not a numeric non-root uid`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) fail(doc, `${c.name}: root filesystem is writable`);
    if (c.securityContext?.allowPrivilegeEscalation !== false) fail(doc, `${c.name}: privilege escalation allowed`);
    if (!c.securityContext?.capabilities?.drop?.includes('ALL')) fail(doc, `${c.name}: capabilities not dropped`);
    if (c.envFrom?.length) fail(doc, `${c.name}: envFrom hands over every key of a Secret`);
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef && !allowed?.includes(e.name)) fail(doc, `${c.name}: gets secret ${e.name}`);
      if (/^(DATABASE_URL|REDIS_URL)$/.test(e.name) && e.value) fail(doc, `${c.name}: ${e.name} in plain text`);
    }
    if (doc.kind === 'Deployment' && !(c.startupProbe && c.livenessProbe && c.readinessProbe)) fail(doc, `${c.name}: missing a probe`);
  }
}
for (const p of problems) console.error(`policy: ${p}`);
console.log(`chart policy: ${docs.length} objects, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
