import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asOrgId, isValidOrgId } from '@excloud/contracts';
import { S3Error, isS3Error } from '@excloud/s3-protocol';
import { newRequestId, type Logger, type ServiceMetrics } from '@excloud/service-kit';
import { MalformedPathError, resolveHost, resolvePath } from './addressing';
import type { AnonymousTokens, AnyCaller, Authenticator, Caller } from './authenticate';
import type { GatewayConfig } from './config';
import type { OperationContext, Services } from './context';
import { OPERATIONS } from './operations';
import { sendError, sendResult } from './respond';
import { UnsupportedOperationError, parseS3Request, type S3Operation } from './router';
import { refuseUnsupportedHeaders } from './unsupported';
import { assertNoNul, assertSingleHeaders } from './validation';

export interface S3HandlerDeps {
  config: GatewayConfig;
  services: Services;
  authenticator: Authenticator;
  anonymousTokens: AnonymousTokens;
  logger: Logger;
  metrics: ServiceMetrics;
}

/** What an unsigned request may attempt; metadata then allows it only where an ACL is public. */
const ANONYMOUS_OPERATIONS = new Set<string>(['GetObject', 'HeadObject', 'HeadBucket', 'ListObjects', 'ListObjectsV2']);

/** The S3 request pipeline: address → parse → authenticate → dispatch → render. */
export function createS3Handler(deps: S3HandlerDeps) {
  const owners = new Map<string, { id: string; displayName: string; at: number }>();

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const started = process.hrtime.bigint();
    const log = deps.logger.child({ requestId });
    const isHead = req.method === 'HEAD';
    let opName = 'Unknown';
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', randomBytes(16).toString('base64'));
    res.setHeader('server', 'excloud');
    let operation: S3Operation | undefined;
    let query: URLSearchParams | undefined;
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
      const host = resolveHost(req.headers.host, deps.config.baseDomain);
      const path = resolvePath(q === -1 ? url : url.slice(0, q), host.kind === 'org' ? host.bucket : undefined);
      operation = parseS3Request({ method: req.method ?? 'GET', bucket: path.bucket, key: path.key, query, headers: req.headers });
      opName = operation.op;
      refuseUnsupportedHeaders(operation.op, req.headers);
      assertSingleHeaders(req.rawHeaders);
      assertNoNul(query, operation.key);
      const signed = await deps.authenticator.authenticate(req, requestId);
      let caller: AnyCaller;
      if (signed) {
        assertOrgMatchesHost(signed, host, deps.config);
        caller = signed;
      } else {
        // Unsigned: only public reads, and only on an org's own host (the org cannot come from a key).
        if (host.kind !== 'org' || !ANONYMOUS_OPERATIONS.has(operation.op) || !isValidOrgId(host.orgId)) throw new S3Error('AccessDenied');
        // Auth refuses (AccessDenied) an org that does not exist.
        caller = await deps.anonymousTokens.callerFor(asOrgId(host.orgId), requestId);
      }
      const handler = OPERATIONS[operation.op];
      if (!handler) throw new S3Error('NotImplemented', `${operation.op} is not implemented yet`);
      // Expect: 100-continue is answered only once the caller is known to be allowed to send.
      if (/100-continue/i.test(String(req.headers.expect ?? ''))) res.writeContinue();
      const ctx: OperationContext = {
        req,
        requestId,
        log,
        operation,
        query,
        caller,
        services: deps.services,
        config: deps.config,
        owner: () => ownerOf(caller),
      };
      const result = await handler(ctx);
      await sendResult(res, result, isHead);
    } catch (err) {
      const s3err = toS3Error(err, log);
      sendError(res, s3err, requestId, isHead, resourceOf(operation));
      if (s3err.status >= 500) log.warn('request failed', { operation: opName, code: s3err.code });
    } finally {
      const status = String(res.statusCode);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.httpDuration.observe({ operation: opName, status }, seconds);
      deps.metrics.httpRequests.inc({ operation: opName, status });
      log.debug('request', { operation: opName, status: res.statusCode, ms: Math.round(seconds * 1000) });
    }
  };

  async function ownerOf(caller: AnyCaller) {
    const hit = owners.get(caller.orgId);
    if (hit && Date.now() - hit.at < 300_000) return hit;
    const org = await deps.services.auth.getOrg(caller.orgId, caller.token);
    const owner = { id: org.canonicalId, displayName: org.id, at: Date.now() };
    owners.set(caller.orgId, owner);
    return owner;
  }
}

/**
 * Tenants never see each other: on an org's own host only that org's keys are valid. From the
 * point of view of org B's endpoint, org A's key does not exist.
 */
function assertOrgMatchesHost(caller: Caller, host: ReturnType<typeof resolveHost>, config: GatewayConfig): void {
  if (host.kind === 'org') {
    if (host.orgId !== caller.orgId) throw new S3Error('InvalidAccessKeyId', undefined, { AWSAccessKeyId: caller.accessKeyId });
    return;
  }
  if (!config.localHostsUseKeyOrg) throw new S3Error('AccessDenied', 'address the endpoint through your org host name');
}

function toS3Error(err: unknown, log: Logger): S3Error {
  if (isS3Error(err)) return err;
  if (err instanceof UnsupportedOperationError) return new S3Error(err.kind, err.message);
  if (err instanceof MalformedPathError) return new S3Error('InvalidRequest', err.message);
  log.error('unhandled error', { err: err instanceof Error ? err : new Error(String(err)) });
  return new S3Error('InternalError');
}

function resourceOf(op: S3Operation | undefined): string | undefined {
  if (!op?.bucket) return undefined;
  return op.key !== undefined ? `/${op.bucket}/${op.key}` : `/${op.bucket}`;
}
