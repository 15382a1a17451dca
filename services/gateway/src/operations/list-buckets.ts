import { renderDocument } from '@excloud/s3-protocol';
import type { OperationContext, S3Result } from '../context';

export async function listBuckets(ctx: OperationContext<'ListBuckets'>): Promise<S3Result> {
  const [buckets, owner] = await Promise.all([ctx.services.metadata.listBuckets(ctx.caller.token, ctx.requestId), ctx.owner()]);
  return {
    xml: renderDocument('ListAllMyBucketsResult', {
      Owner: { ID: owner.id, DisplayName: owner.displayName },
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: ctx.config.region })) },
    }),
  };
}
