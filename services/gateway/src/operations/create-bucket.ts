import { S3Error, parseXml } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';
import { assertValidBucketName } from '../validation';
import { readSmallBody } from '../upload-body';
import { cannedAclHeader } from '../acl';

export async function createBucket(ctx: OperationContext<'CreateBucket'>): Promise<S3Result> {
  const { bucket } = ctx.operation;
  assertValidBucketName(bucket);
  const acl = cannedAclHeader(ctx.req) ?? 'private';
  // The body may carry a CreateBucketConfiguration; any location constraint is accepted
  // (there is one region), but a body that is not XML is refused as AWS does.
  const body = (await readSmallBody(ctx.req, ctx.caller)).toString('utf8');
  if (body.trim() !== '') {
    try {
      parseXml(body);
    } catch {
      throw new S3Error('MalformedXML');
    }
  }
  await ctx.services.metadata.createBucket(ctx.caller.token, bucket, { acl }, ctx.requestId);
  return { headers: { location: `/${bucket}` } };
}
