import type { NextFunction, Request, Response } from 'express';
import { isS3Error, type S3Error } from '@excloud/s3-protocol';
import type { Logger } from '@excloud/service-kit';

/**
 * The control API's error table: `{ error: { code, message } }` with these codes and statuses.
 * Codes are a public contract (`exc` and customers' scripts branch on them): add, never rename.
 */
export const CONTROL_ERRORS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  org_suspended: 403,
  quota_exceeded: 403,
  not_found: 404,
  conflict: 409,
  bucket_not_empty: 409,
  not_implemented: 501,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

export class ControlError extends Error {
  readonly status: number;
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.status = CONTROL_ERRORS[code];
  }
}

/** What metadata's S3 errors mean to a control API caller. */
const FROM_S3: Partial<Record<string, ControlErrorCode>> = {
  NoSuchBucket: 'not_found',
  BucketAlreadyOwnedByYou: 'conflict',
  BucketAlreadyExists: 'conflict',
  BucketNotEmpty: 'bucket_not_empty',
  InvalidBucketName: 'invalid_request',
  InvalidArgument: 'invalid_request',
  QuotaExceeded: 'quota_exceeded',
  ServiceUnavailable: 'unavailable',
  SlowDown: 'unavailable',
};

/** S3's wording speaks of requests and XML; these speak of the resource. */
const S3_MESSAGES: Partial<Record<string, (bucket: string) => string>> = {
  NoSuchBucket: (b) => `no bucket ${b} in this org`,
  BucketAlreadyOwnedByYou: (b) => `bucket ${b} already exists in this org`,
  BucketNotEmpty: (b) => `bucket ${b} is not empty: delete its objects (and versions) first`,
};

function toControlError(err: unknown, log: Logger): ControlError {
  if (err instanceof ControlError) return err;
  if (isS3Error(err)) {
    const code = FROM_S3[(err as S3Error).code];
    if (code) return new ControlError(code, S3_MESSAGES[(err as S3Error).code]?.((err as S3Error).fields.BucketName ?? '') ?? err.message);
  }
  // express.json's parse failures carry a 4xx status and a type.
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return new ControlError('invalid_request', 'the body is not valid JSON');
  if (e?.type === 'entity.too.large') return new ControlError('invalid_request', 'the body is too large');
  log.error('control API error', { err: err instanceof Error ? err : new Error(String(err)) });
  return new ControlError('internal', 'internal error');
}

/** The one place control API errors are rendered. */
export function controlErrorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = toControlError(err, (res.locals.log as Logger | undefined) ?? logger);
    if (res.headersSent) return void res.destroy();
    res.status(e.status).json({ error: { code: e.code, message: e.message } });
  };
}
