/**
 * Host → org and bucket. `<org>.<base>` is path-style, `<bucket>.<org>.<base>` is virtual-hosted
 * style (bucket names may contain dots). A Host outside the base domain (127.0.0.1:9000 in local
 * use) carries no org: the org is then the one owning the access key, if local hosts are allowed.
 */
export type HostTarget =
  | { kind: 'org'; orgId: string; bucket?: string } // bucket set for virtual-hosted style
  | { kind: 'local' }
  | { kind: 'unknown' };

export function resolveHost(hostHeader: string | undefined, baseDomain: string): HostTarget {
  if (!hostHeader) return { kind: 'local' };
  const host = stripPort(hostHeader.trim().toLowerCase()).replace(/\.$/, '');
  const base = baseDomain.toLowerCase();
  if (host === base) return { kind: 'unknown' };
  if (!host.endsWith('.' + base)) return { kind: 'local' };
  const labels = host.slice(0, -(base.length + 1));
  const lastDot = labels.lastIndexOf('.');
  if (lastDot === -1) return { kind: 'org', orgId: labels };
  return { kind: 'org', orgId: labels.slice(lastDot + 1), bucket: labels.slice(0, lastDot) };
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export interface ResourcePath {
  bucket?: string;
  key?: string;
}

/**
 * Split the raw (still percent-encoded) path into bucket and key. With a virtual-hosted bucket the
 * whole path is the key. A key keeps every character as sent after one decoding: S3 does not
 * normalise '.', '..' or repeated slashes in keys.
 */
export function resolvePath(rawPath: string, hostBucket: string | undefined): ResourcePath {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  if (hostBucket !== undefined) {
    return { bucket: hostBucket, key: path === '' ? undefined : decodeKey(path) };
  }
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash === -1) return { bucket: decodeKey(path) };
  const key = path.slice(slash + 1);
  return { bucket: decodeKey(path.slice(0, slash)), key: key === '' ? undefined : decodeKey(key) };
}

export class MalformedPathError extends Error {
  readonly s3Code = 'InvalidRequest';
}

function decodeKey(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPathError('path is not valid percent-encoded UTF-8');
  }
}
