import { S3Error, parseXml, renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { readSmallBody } from '../upload-body';

/** A bucket that never had versioning configured answers an empty VersioningConfiguration, as S3 does. */
export async function getBucketVersioning(ctx: OperationContext<'GetBucketVersioning'>): Promise<S3Result> {
  const info = await ctx.services.metadata.getBucket(ctx.caller.token, ctx.operation.bucket, ctx.requestId);
  return { xml: renderDocument('VersioningConfiguration', { Status: info.versioning === 'Unversioned' ? undefined : info.versioning }) };
}

export async function putBucketVersioning(ctx: OperationContext<'PutBucketVersioning'>): Promise<S3Result> {
  const body = (await readSmallBody(ctx.req, ctx.caller)).toString('utf8');
  let status: unknown;
  let mfaDelete: unknown;
  try {
    const doc = parseXml(body).VersioningConfiguration as Record<string, unknown> | undefined;
    if (!doc || typeof doc !== 'object') throw new Error('no VersioningConfiguration');
    status = doc.Status;
    mfaDelete = doc.MfaDelete;
  } catch {
    throw new S3Error('MalformedXML');
  }
  if (status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  // Asking for MFA delete is asking for a protection we do not give.
  if (mfaDelete === 'Enabled') throw new S3Error('NotImplemented', 'MFA delete is not implemented');
  await ctx.services.metadata.putBucketVersioning(ctx.caller.token, ctx.operation.bucket, status, ctx.requestId);
  return {};
}
