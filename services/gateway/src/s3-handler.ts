import type { IncomingMessage, ServerResponse } from 'node:http';
import { asOrgId, isValidOrgId, pooledRandomBytes } from '@excloud/contracts';
import { S3Error, isS3Error, toS3Error } from '@excloud/s3-protocol';
import { TtlCache, type Logger } from '@excloud/service-kit';
import { resolveHost, resolvePath } from './addressing';
import type { AnonymousTokens, AnyCaller, Authenticator, Caller } from './authenticate';
import type { GatewayConfig } from './config';
import type { OperationContext, Services } from './context';
import { actualRequestCorsHeaders } from './cors';
import { ACCESS, isAnonymousOperation } from './operation-types';
import { readPostForm, type PostForm } from './post-form';
import { dispatch } from './operations';
import { BrokenBodyError, sendError, sendResult } from './respond';
import { wireCounter, type GatewayMetrics } from './metrics';
import { parseOperation, routeS3Request, type OperationName, type RequestLine } from './router';
import { takeConnectionBytes, type UsageMeter } from './usage-meter';
import { assertSingleHeaders } from './validation';

export interface S3HandlerDeps {
  config: GatewayConfig;
  services: Services;
  authenticator: Authenticator;
  anonymousTokens: AnonymousTokens;
  meter: UsageMeter;
  logger: Logger;
  metrics: GatewayMetrics;
}

/** The S3 request pipeline: address → parse → authenticate → dispatch → render. */
export function createS3Handler(deps: S3HandlerDeps) {
  // An org's canonical id never changes; five minutes bounds the cost of a renamed display name.
  const owners = new TtlCache<string, { id: string; displayName: string }>({ ttlMs: 300_000, maxEntries: 10_000 });

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Same form as service-kit's newRequestId (16 upper-case hex digits), from the pooled CSPRNG.
    const requestId = pooledRandomBytes(8).toString('hex').toUpperCase();
    const started = process.hrtime.bigint();
    const log = deps.logger.child({ requestId });
    const isHead = req.method === 'HEAD';
    let opName = 'Unknown';
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('x-amz-id-2', pooledRandomBytes(16).toString('base64'));
    res.setHeader('server', 'excloud');
    let line: RequestLine | undefined;
    let cors: Promise<Record<string, string>> | undefined;
    let name: OperationName | undefined;
    let caller: AnyCaller | undefined;
    // Set when a response body broke off after its status was sent: such a request failed even
    // though its status code says 200, so it is counted under its own status label.
    let brokenBody: 'truncated' | 'client_aborted' | undefined;
    const countWire = wireCounter(req, res);
    try {
      // Before the Host header names the org and the Authorization header the signer.
      assertSingleHeaders(req.rawHeaders);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
      const host = resolveHost(req.headers.host, deps.config.baseDomain);
      const path = resolvePath(q === -1 ? url : url.slice(0, q), host.kind === 'org' ? host.bucket : undefined);
      line = { method: req.method ?? 'GET', bucket: path.bucket, key: path.key, query, headers: req.headers };
      name = routeS3Request(line);
      opName = name;
      const access = ACCESS[name];
      // A form upload is signed inside its body (the POST policy), never by a header.
      const signed = access === 'form-signed' ? null : await deps.authenticator.authenticate(req, requestId);
      let form: PostForm | undefined;
      if (signed) {
        assertOrgMatchesHost(signed, host, deps.config);
        caller = signed;
      } else if (access === 'form-signed') {
        if (expectsContinue(req)) res.writeContinue();
        form = await readPostForm(req);
        const policy = form.fields.get('policy');
        // Without a policy the form is anonymous, and anonymous callers never write.
        if (policy === undefined) throw new S3Error('AccessDenied');
        caller = await deps.authenticator.authenticatePostPolicy({ ...Object.fromEntries(form.fields), policy }, requestId);
        assertOrgMatchesHost(caller, host, deps.config);
      } else {
        // Unsigned: only public reads, and only on an org's own host (the org cannot come from a key),
        // or on a local host when GATEWAY_DEFAULT_ORG names the org those belong to.
        const anonOrg = host.kind === 'org' ? host.orgId : host.kind === 'local' ? deps.config.defaultOrg : undefined;
        if (anonOrg === undefined || !isAnonymousOperation(name) || !isValidOrgId(anonOrg)) throw new S3Error('AccessDenied');
        // Auth refuses (AccessDenied) an org that does not exist.
        caller = await deps.anonymousTokens.callerFor(asOrgId(anonOrg), requestId);
      }
      // Parameters are validated only once the caller is known (authentication errors come first).
      const operation = parseOperation(name, line);
      const known: AnyCaller = caller;
      // Expect: 100-continue is answered only once the caller is known to be allowed to send.
      if (expectsContinue(req) && !form) res.writeContinue();
      // A browser's actual request: S3 adds the matching CORS rule's headers, errors included.
      const origin = req.headers.origin;
      if (origin !== undefined && access !== 'preflight' && line.bucket !== undefined) {
        cors = actualRequestCorsHeaders(deps.services.metadata, known.token, line.bucket, origin, line.method.toUpperCase(), requestId);
      }
      const ctx: OperationContext = {
        req,
        requestId,
        log,
        operation,
        caller: known,
        services: deps.services,
        config: deps.config,
        owner: () => ownerOf(known),
        form,
      };
      const result = await dispatch(ctx);
      const corsHeaders = cors ? await cors : undefined;
      await sendResult(res, corsHeaders ? { ...result, headers: { ...result.headers, ...corsHeaders } } : result, isHead);
    } catch (err) {
      if (err instanceof BrokenBodyError) {
        brokenBody = err.side === 'client' ? 'client_aborted' : 'truncated';
        if (err.side === 'client') log.debug('client went away mid-body', { operation: opName });
        else log.warn('response body truncated', { operation: opName, err });
        res.destroy();
        return;
      }
      const s3err = renderable(err, log);
      sendError(res, s3err, requestId, isHead, resourceOf(line), cors ? await cors : {});
      if (s3err.status >= 500) log.warn('request failed', { operation: opName, code: s3err.code });
    } finally {
      const status = brokenBody ?? String(res.statusCode);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.httpDuration.observe({ operation: opName, status }, seconds);
      deps.metrics.httpRequests.inc({ operation: opName, status });
      // Billed to the org whose request it was, once it is known; our own failures are not billed.
      const transfer = takeConnectionBytes(req.socket);
      if (caller && name && res.statusCode < 500) deps.meter.record(caller.orgId, caller.token, name, transfer);
      countWire(deps.metrics, opName);
      log.debug('request', { operation: opName, status: res.statusCode, ms: Math.round(seconds * 1000) });
    }
  };

  async function ownerOf(caller: AnyCaller) {
    const hit = owners.get(caller.orgId);
    if (hit) return hit;
    const org = await deps.services.auth.getOrg(caller.orgId, caller.token);
    const owner = { id: org.canonicalId, displayName: org.id };
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

function expectsContinue(req: IncomingMessage): boolean {
  return /100-continue/i.test(String(req.headers.expect ?? ''));
}

/** Known errors become their S3 error; anything else is a bug: logged with its stack, never echoed. */
function renderable(err: unknown, log: Logger): S3Error {
  const mapped = toS3Error(err);
  if (isS3Error(mapped)) return mapped;
  log.error('unhandled error', { err: err instanceof Error ? err : new Error(String(err)) });
  return new S3Error('InternalError');
}

function resourceOf(op: RequestLine | undefined): string | undefined {
  if (!op?.bucket) return undefined;
  return op.key !== undefined ? `/${op.bucket}/${op.key}` : `/${op.bucket}`;
}
