import { S3Error, isS3Error } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { corsHeaders, matchRule, requestedHeaders } from '../cors';
import { header } from '@excloud/contracts';

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'];

/**
 * OPTIONS on a bucket or object, answered as S3 answers a browser preflight: 400 without an
 * Origin or with a method S3 does not serve, 403 AccessForbidden (CORSResponse) when the bucket
 * has no CORS rules or none allows this origin, method and headers, else 200 with the
 * Access-Control-* headers of the first matching rule. It reads only the bucket's rules.
 */
export async function corsPreflight(ctx: OperationContext<'CorsPreflight'>): Promise<S3Result> {
  const { bucket, key } = ctx.operation;
  const origin = header(ctx.req, 'origin');
  if (origin === undefined) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
  const method = header(ctx.req, 'access-control-request-method');
  if (method === undefined || !METHODS.includes(method)) throw new S3Error('BadRequest', `Invalid Access-Control-Request-Method: ${method ?? 'null'}`);
  const forbidden = (message: string) => new S3Error('AccessForbidden', message, { Method: method, ResourceType: key === undefined ? 'BUCKET' : 'OBJECT' });
  let rules;
  try {
    rules = await ctx.services.metadata.getBucketCors(ctx.caller.token, bucket, ctx.requestId);
  } catch (err) {
    if (isS3Error(err) && err.code === 'NoSuchBucket') throw forbidden('CORSResponse: Bucket not found');
    throw err;
  }
  if (!rules) throw forbidden('CORSResponse: CORS is not enabled for this bucket.');
  const request = { origin, method, headers: requestedHeaders(header(ctx.req, 'access-control-request-headers')) };
  const rule = matchRule(rules, request);
  if (!rule) throw forbidden(new S3Error('AccessForbidden').message);
  return { headers: corsHeaders(rule, request, true) };
}
