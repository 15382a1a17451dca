/**
 * A request that fails SigV4 verification. `code` is the S3 error code the server should answer
 * with; `details` carries the extra elements S3 puts in its error XML (e.g. RequestTime/ServerTime
 * for RequestTimeTooSkewed, HeadersNotSigned) so the caller can echo them if it wants to.
 */
export class SigV4Error extends Error {
  override readonly name = 'SigV4Error';
  constructor(
    public readonly code: string,
    message: string,
    public readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The S3 error this becomes (s3-protocol's toS3Error reads it). */
  get s3Code(): string {
    return this.code;
  }

  get s3Fields(): Readonly<Record<string, string>> {
    return this.details;
  }
}
