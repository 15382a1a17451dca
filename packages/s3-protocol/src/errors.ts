import { S3_ERRORS, type S3ErrorCode } from './error-codes';
import { escapeXml } from './xml';

export { S3_ERRORS, type S3ErrorCode } from './error-codes';

/** Optional fields S3 adds to an error body (BucketName, Key, UploadId, Condition, …). */
export type S3ErrorFields = Record<string, string>;

/** Errors are data: a code from the table, an optional message override and extra fields. */
export class S3Error extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** AWS answers a few malformed requests with a bare status and no XML body. */
  readonly bodiless: boolean;

  constructor(
    readonly code: S3ErrorCode,
    message?: string,
    readonly fields: S3ErrorFields = {},
    opts: { status?: number; headers?: Record<string, string>; bodiless?: boolean } = {},
  ) {
    super(message ?? S3_ERRORS[code][1]);
    this.name = 'S3Error';
    this.status = opts.status ?? S3_ERRORS[code][0];
    this.headers = opts.headers ?? {};
    this.bodiless = opts.bodiless ?? false;
  }

  toWire(): { error: { code: string; message: string; status: number; fields: S3ErrorFields; headers?: Record<string, string> } } {
    const headers = Object.keys(this.headers).length > 0 ? this.headers : undefined;
    return { error: { code: this.code, message: this.message, status: this.status, fields: this.fields, headers } };
  }

  static fromWire(body: unknown, fallbackStatus: number): S3Error {
    const e = (body as { error?: { code?: string; message?: string; status?: number; fields?: S3ErrorFields; headers?: Record<string, string> } })?.error;
    if (e && typeof e.code === 'string' && e.code in S3_ERRORS) {
      return new S3Error(e.code as S3ErrorCode, e.message, e.fields ?? {}, { status: e.status ?? fallbackStatus, headers: e.headers });
    }
    return new S3Error('InternalError', undefined, {}, { status: 500 });
  }
}

export function isS3Error(err: unknown): err is S3Error {
  return err instanceof S3Error;
}

/**
 * Lower layers (SigV4 verification, blob backends, the gateway's router) do not depend on this
 * package; an error of theirs that has an S3 meaning names it in `s3Code`.
 */
export interface S3CodedError extends Error {
  readonly s3Code: string;
  /** What the S3 error says, when the error's own message is for logs (it may name internals). */
  readonly s3Message?: string;
  /** Extra elements of the S3 error XML (RequestTime, HeadersNotSigned, …). */
  readonly s3Fields?: Readonly<Record<string, string>>;
}

function isS3Coded(err: unknown): err is S3CodedError {
  return err instanceof Error && typeof (err as Partial<S3CodedError>).s3Code === 'string';
}

/**
 * The one translation into S3 errors. An S3Error stays as it is; an error naming an S3 code
 * becomes that S3Error with its message (a code missing from our table is still the client's
 * fault, so InvalidRequest). Anything else is returned unchanged: it is a bug, which the
 * service's error handler renders once as InternalError and logs.
 */
export function toS3Error(err: unknown): unknown {
  if (isS3Error(err)) return err;
  if (isS3Coded(err)) {
    const code = (err.s3Code in S3_ERRORS ? err.s3Code : 'InvalidRequest') as S3ErrorCode;
    return new S3Error(code, err.s3Message ?? err.message, { ...err.s3Fields });
  }
  return err;
}

/** The XML body of an S3 error response. */
export function renderErrorXml(err: S3Error, requestId: string, resource?: string): string {
  const extra = Object.entries(err.fields)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>${extra}` +
    (resource !== undefined ? `<Resource>${escapeXml(resource)}</Resource>` : '') +
    `<RequestId>${escapeXml(requestId)}</RequestId><HostId>${escapeXml(requestId)}</HostId></Error>`
  );
}
