import { amzDateToMillis, toAmzDate } from './dates';
import { SigV4Error } from './errors';
import type { ParsedAuth } from './types';

/** S3 allows 15 minutes of clock difference between client and server. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most 7 days. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604800;

/**
 * Header auth: the request time must be within 15 minutes of `now`. Presigned: X-Amz-Expires must
 * be 1..604800, the URL must not have expired, and may not be dated more than 15 minutes ahead
 * (otherwise a client with a skewed clock could mint URLs that outlive their stated lifetime).
 */
export function checkRequestTime(auth: ParsedAuth, now: Date): void {
  const signedAt = amzDateToMillis(auth.amzDate);
  if (signedAt === null) {
    throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  }
  const nowMs = now.getTime();
  if (auth.kind === 'header') {
    if (Math.abs(nowMs - signedAt) > MAX_SKEW_MS) {
      throw new SigV4Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
        RequestTime: auth.amzDate,
        ServerTime: toAmzDate(now),
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      });
    }
    return;
  }
  const expires = auth.expiresSeconds;
  if (expires === undefined || !Number.isInteger(expires)) {
    throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
  }
  if (expires < 1) {
    throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be greater than 0');
  }
  if (expires > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new SigV4Error(
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  }
  if (signedAt - nowMs > MAX_SKEW_MS) {
    throw new SigV4Error('AccessDenied', 'Request is not valid yet', { ServerTime: isoSeconds(nowMs) });
  }
  if (nowMs > signedAt + expires * 1000) {
    throw new SigV4Error('AccessDenied', 'Request has expired', {
      'X-Amz-Expires': String(expires),
      Expires: isoSeconds(signedAt + expires * 1000),
      ServerTime: isoSeconds(nowMs),
    });
  }
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
