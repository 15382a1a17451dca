/** The parts of an incoming request that SigV4 covers, exactly as they came off the wire. */
export interface HttpRequestLike {
  method: string;
  /** Path exactly as received, still percent-encoded, without the query. */
  rawPath: string;
  /** Query string as received, without the '?'; may be ''. */
  rawQuery: string;
  /**
   * Lower-case header names as node gives them. Node joins repeated headers with ', ' while SigV4
   * joins them with ','; pass `req.headersDistinct` to get repeated signed headers exactly right.
   */
  headers: Record<string, string | string[] | undefined>;
}

export type PayloadMode =
  | 'signed'
  | 'UNSIGNED-PAYLOAD'
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'
  | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
  | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

export interface ParsedAuth {
  /** `post-policy`: a browser form upload, whose string to sign is the base64 policy itself. */
  kind: 'header' | 'presigned' | 'post-policy';
  accessKeyId: string;
  /** Credential scope: yyyymmdd. */
  date: string;
  region: string;
  service: string;
  /** yyyymmddThhmmssZ, from x-amz-date / Date / X-Amz-Date. */
  amzDate: string;
  /** As listed by the client (lower-case, ';'-separated on the wire). */
  signedHeaders: string[];
  /** Lower-case hex. */
  signature: string;
  /** The x-amz-content-sha256 value as sent, or 'UNSIGNED-PAYLOAD' for presigned URLs without one. */
  payloadHash: string;
  payloadMode: PayloadMode;
  /** Presigned only: X-Amz-Expires. */
  expiresSeconds?: number;
}
