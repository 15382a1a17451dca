import type { OperationContext, S3Result } from '../context';
import { readObject } from './get-object';

export async function headObject(ctx: OperationContext<'HeadObject'>): Promise<S3Result> {
  return readObject(ctx, false);
}
