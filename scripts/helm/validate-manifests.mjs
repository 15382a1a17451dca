// Validates rendered Kubernetes manifests (multi-document YAML on stdin or in the files given)
// against the OpenAPI schemas that the npm packages `kubernetes-models` (core API, v1.3x) and
// `@kubernetes-models/prometheus-operator` (ServiceMonitor, PrometheusRule) ship as compiled
// validators. Exit 1 with one line per problem; exit 0 and a summary when every object is valid.
//
// The shipped validators check types, enums, formats and required fields but, like the OpenAPI
// documents they come from, ignore unknown fields. An API server with strict field validation
// (kubectl's default since 1.27) rejects those, so we detect them too: each object is wrapped in a
// Proxy that records which properties the validator looked at; a key the validator inspected its
// object for but never read is a field the schema does not know (e.g. `runAsNonroot`). Objects the
// validator enumerates (maps such as labels) or never looks into (free-form fields) are skipped.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const core = (name) => () => import(`kubernetes-models/_schemas/${name}`);
// This package does not export its _schemas directory: reach it next to an exported module.
const promOp = (kind) => () => {
  const model = import.meta.resolve(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`);
  return import(new URL(`../../_schemas/ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1${kind}.js`, model).href);
};

/** The kinds this chart may render, by `apiVersion/kind`. Anything else is an error: no silent pass. */
const SCHEMAS = {
  'v1/ConfigMap': core('IoK8sApiCoreV1ConfigMap'),
  'v1/PersistentVolumeClaim': core('IoK8sApiCoreV1PersistentVolumeClaim'),
  'v1/Pod': core('IoK8sApiCoreV1Pod'),
  'v1/Secret': core('IoK8sApiCoreV1Secret'),
  'v1/Service': core('IoK8sApiCoreV1Service'),
  'v1/ServiceAccount': core('IoK8sApiCoreV1ServiceAccount'),
  'apps/v1/Deployment': core('IoK8sApiAppsV1Deployment'),
  'batch/v1/Job': core('IoK8sApiBatchV1Job'),
  'autoscaling/v2/HorizontalPodAutoscaler': core('IoK8sApiAutoscalingV2HorizontalPodAutoscaler'),
  'policy/v1/PodDisruptionBudget': core('IoK8sApiPolicyV1PodDisruptionBudget'),
  'networking.k8s.io/v1/Ingress': core('IoK8sApiNetworkingV1Ingress'),
  'networking.k8s.io/v1/NetworkPolicy': core('IoK8sApiNetworkingV1NetworkPolicy'),
  'monitoring.coreos.com/v1/ServiceMonitor': promOp('ServiceMonitor'),
  'monitoring.coreos.com/v1/PrometheusRule': promOp('PrometheusRule'),
};

/** Wraps `value` so reads are recorded; returns the proxy and a function listing unread keys. */
function track(value, path, nodes) {
  if (value === null || typeof value !== 'object') return value;
  const node = { path, target: value, read: new Set(), looked: false, enumerated: false };
  nodes.push(node);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string') {
        node.looked = true;
        node.read.add(key);
        if (Object.hasOwn(target, key)) {
          if (!children.has(key)) children.set(key, track(target[key], `${path}/${key}`, nodes));
          return children.get(key);
        }
      }
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') {
        node.looked = true;
        node.read.add(key);
      }
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      node.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(nodes) {
  const found = [];
  for (const node of nodes) {
    if (Array.isArray(node.target) || !node.looked || node.enumerated) continue;
    for (const key of Object.keys(node.target)) if (!node.read.has(key)) found.push(`${node.path}/${key}`);
  }
  return found;
}

export async function validateDocuments(docs) {
  const problems = [];
  let count = 0;
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    count++;
    const where = `${doc.kind ?? '?'} ${doc.metadata?.name ?? '?'}`;
    const load = SCHEMAS[`${doc.apiVersion}/${doc.kind}`];
    if (!load) {
      problems.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    const { validate } = await load();
    const nodes = [];
    const ok = validate(track(doc, '', nodes));
    for (const err of ok ? [] : validate.errors ?? []) {
      problems.push(`${where}: ${err.instancePath || '/'} ${err.message ?? err.keyword} ${JSON.stringify(err.params)}`);
    }
    for (const path of unknownFields(nodes)) problems.push(`${where}: ${path} is not a field of ${doc.kind}`);
    if (!doc.metadata?.name) problems.push(`${where}: metadata.name is missing`);
  }
  return { count, problems };
}

async function main() {
  const files = process.argv.slice(2);
  const text = files.length ? files.map((f) => readFileSync(f, 'utf8')).join('\n---\n') : readFileSync(0, 'utf8');
  const { count, problems } = await validateDocuments(yaml.loadAll(text));
  for (const p of problems) console.error(`invalid: ${p}`);
  if (count === 0) problems.push('no objects');
  console.log(`${count} objects, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
