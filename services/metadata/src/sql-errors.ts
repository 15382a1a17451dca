import { S3Error, type S3ErrorCode } from '@excloud/s3-protocol';
import { quotaRefusal } from './usage-store';

/** SQLSTATE of a refusal raised by the write functions (migration 006): message = S3 code, detail = fields. */
const S3_REFUSAL = 'S3ERR';

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
}

/**
 * The S3 error a write function refused with, as the service threw it before the write moved into
 * SQL; any other error passes through unchanged.
 */
export function fromSqlRefusal(err: unknown): unknown {
  const e = err as PgError | null;
  if (e?.code === S3_REFUSAL) return new S3Error(e.message as S3ErrorCode, undefined, JSON.parse(e.detail ?? '{}'));
  return quotaRefusal(err) ?? err;
}

export async function refusable<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    throw fromSqlRefusal(err);
  }
}
