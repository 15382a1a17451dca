// checkRequestTime: clock skew for header auth, expiry window for presigned URLs.
import { checkRequestTime, type ParsedAuth } from './index';

const SIGNED_AT = Date.UTC(2024, 0, 10, 12, 0, 0);
const MIN = 60_000;

function auth(kind: 'header' | 'presigned', expiresSeconds?: number): ParsedAuth {
  return {
    kind,
    accessKeyId: 'AK',
    date: '20240110',
    region: 'us-east-1',
    service: 's3',
    amzDate: '20240110T120000Z',
    signedHeaders: ['host'],
    signature: '0'.repeat(64),
    payloadHash: 'UNSIGNED-PAYLOAD',
    payloadMode: 'UNSIGNED-PAYLOAD',
    expiresSeconds,
  };
}

const at = (offsetMs: number) => new Date(SIGNED_AT + offsetMs);

describe('header auth clock skew', () => {
  it.each([0, 15 * MIN, -15 * MIN])('accepts %d ms of skew', (offset) => {
    expect(() => checkRequestTime(auth('header'), at(offset))).not.toThrow();
  });

  it.each([15 * MIN + 1000, -15 * MIN - 1000, 24 * 60 * MIN])('rejects %d ms of skew as RequestTimeTooSkewed', (offset) => {
    expect(() => checkRequestTime(auth('header'), at(offset))).toThrow(
      expect.objectContaining({
        code: 'RequestTimeTooSkewed',
        details: expect.objectContaining({ RequestTime: '20240110T120000Z', MaxAllowedSkewMilliseconds: '900000' }),
      }),
    );
  });
});

describe('presigned expiry', () => {
  it('is valid from (signing - 15 min) until signing + X-Amz-Expires, inclusive', () => {
    for (const offset of [-15 * MIN, 0, 3600_000]) {
      expect(() => checkRequestTime(auth('presigned', 3600), at(offset))).not.toThrow();
    }
  });

  it('expired -> AccessDenied "Request has expired"', () => {
    expect(() => checkRequestTime(auth('presigned', 3600), at(3601_000))).toThrow(
      expect.objectContaining({ code: 'AccessDenied', message: 'Request has expired' }),
    );
    expect(() => checkRequestTime(auth('presigned', 1), at(2000))).toThrow('Request has expired');
  });

  it('dated more than 15 minutes in the future -> AccessDenied', () => {
    expect(() => checkRequestTime(auth('presigned', 604800), at(-16 * MIN))).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
  });

  it('X-Amz-Expires must be 1..604800', () => {
    expect(() => checkRequestTime(auth('presigned', 604800), at(0))).not.toThrow();
    for (const bad of [0, 604801, undefined, 1.5]) {
      expect(() => checkRequestTime(auth('presigned', bad), at(0))).toThrow(
        expect.objectContaining({ code: 'AuthorizationQueryParametersError' }),
      );
    }
  });

  it('a week-long URL is still valid at the last second', () => {
    expect(() => checkRequestTime(auth('presigned', 604800), at(604800_000))).not.toThrow();
    expect(() => checkRequestTime(auth('presigned', 604800), at(604801_000))).toThrow('Request has expired');
  });
});
