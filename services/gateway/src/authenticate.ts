import type { IncomingMessage } from 'node:http';
import { asOrgId, type OrgId } from '@excloud/contracts';
import { S3Error, toS3Error } from '@excloud/s3-protocol';
import type { AuthClient } from '@excloud/internal-client';
import { TtlCache } from '@excloud/service-kit';
import {
  canonicalRequest,
  checkRequestTime,
  parseAuth,
  parsePostPolicyAuth,
  postPolicyStringToSign,
  stringToSign,
  verifySignature,
  type HttpRequestLike,
  type ParsedAuth,
  type PostPolicyFields,
} from '@excloud/sigv4';

/** An authenticated caller: the org comes from auth's answer, never from the request. */
export interface Caller {
  anonymous?: false;
  orgId: OrgId;
  accessKeyId: string;
  token: string;
  signingKey: Buffer;
  auth: ParsedAuth;
}

/** An unsigned request on an org's host: its token reads only what public ACLs open. */
export interface AnonymousCaller {
  anonymous: true;
  orgId: OrgId;
  token: string;
  accessKeyId?: undefined;
}

export type AnyCaller = Caller | AnonymousCaller;

/**
 * Anonymous tokens per org, from auth, reused until a minute before they expire. Only the
 * read operations public ACLs can open are ever attempted with one.
 */
export class AnonymousTokens {
  // Entries expire a minute before their token does (see set below); the TTL is only a ceiling.
  private readonly cache = new TtlCache<string, string>({ ttlMs: 3_600_000, maxEntries: 10_000 });
  constructor(private readonly auth: AuthClient) {}

  async callerFor(orgId: OrgId, requestId: string): Promise<AnonymousCaller> {
    let token = this.cache.get(orgId);
    if (token === undefined) {
      const fresh = await this.auth.anonymousToken(orgId, requestId);
      token = fresh.token;
      this.cache.set(orgId, token, fresh.expiresAt - 60_000);
    }
    return { anonymous: true, orgId, token };
  }

  /** A suspended org's anonymous token is dropped at once (auth refuses to mint another). */
  revoke(r: { accessKeyId: string } | { orgId: string }): void {
    if ('orgId' in r) this.cache.delete(r.orgId);
  }

  clear(): void {
    this.cache.clear();
  }
}

interface CachedKey {
  orgId: OrgId;
  signingKey: Buffer;
  token: string;
  tokenExpiresAt: number;
}

/**
 * Verifies SigV4. A signing key proven once is cached per (key id, scope) for a short TTL so
 * steady traffic needs no call to auth. Revocations pushed by auth (revocation-feed.ts) drop
 * entries at once; the TTL bounds revocation delay only while that feed is down.
 */
export class Authenticator {
  private readonly cache: TtlCache<string, CachedKey>;
  private readonly inflight = new Map<string, Promise<CachedKey>>();
  /**
   * Bumped by every revocation: an answer from auth that was in flight across one is used for
   * its own request but not cached, since it may predate the revocation.
   */
  private generation = 0;

  constructor(
    private readonly auth: AuthClient,
    ttlMs: number,
  ) {
    this.cache = new TtlCache({ ttlMs, maxEntries: 50_000 });
  }

  async authenticate(req: IncomingMessage, requestId: string): Promise<Caller | null> {
    const like = toRequestLike(req);
    const parsed = sigv4(() => parseAuth(like));
    if (!parsed) return null;
    sigv4(() => checkRequestTime(parsed, new Date()));
    const creq = canonicalRequest(like, parsed);
    const sts = stringToSign(parsed, creq);
    return this.verified(parsed, sts, requestId, () => signatureMismatch(parsed, sts, creq));
  }

  /**
   * A browser form upload: the signature covers the base64 policy document (the policy's own
   * expiration bounds its lifetime, not the request time), verified with the same cached keys.
   */
  async authenticatePostPolicy(fields: PostPolicyFields & { policy: string }, requestId: string): Promise<Caller> {
    const parsed = sigv4(() => parsePostPolicyAuth(fields));
    const sts = postPolicyStringToSign(fields.policy);
    return this.verified(parsed, sts, requestId, () =>
      new S3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: parsed.accessKeyId, StringToSign: sts, SignatureProvided: parsed.signature }),
    );
  }

  private async verified(parsed: ParsedAuth, sts: string, requestId: string, mismatch: () => S3Error): Promise<Caller> {
    const cacheKey = `${parsed.accessKeyId}/${parsed.date}/${parsed.region}/${parsed.service}`;
    const hit = this.cache.get(cacheKey);
    if (hit) {
      if (!verifySignature(hit.signingKey, sts, parsed.signature)) throw mismatch();
      return { orgId: hit.orgId, accessKeyId: parsed.accessKeyId, token: hit.token, signingKey: hit.signingKey, auth: parsed };
    }
    // One request per scope asks auth; the others wait for its signing key and check their own
    // signature locally, so a cache expiry under load costs one auth call, not one per request.
    const pending = this.inflight.get(cacheKey);
    if (pending) {
      const shared = await pending.catch(() => undefined);
      if (shared) {
        if (!verifySignature(shared.signingKey, sts, parsed.signature)) throw mismatch();
        return { orgId: shared.orgId, accessKeyId: parsed.accessKeyId, token: shared.token, signingKey: shared.signingKey, auth: parsed };
      }
    }
    const generation = this.generation;
    const fetching = this.fetchKey(parsed, sts, requestId);
    this.inflight.set(cacheKey, fetching);
    let entry: CachedKey;
    try {
      entry = await fetching;
    } catch (err) {
      this.cache.delete(cacheKey);
      if (err instanceof S3Error && err.code === 'SignatureDoesNotMatch') throw mismatch();
      throw err;
    } finally {
      if (this.inflight.get(cacheKey) === fetching) this.inflight.delete(cacheKey);
    }
    // Tokens are refreshed a minute before they expire so downstream never sees a stale one.
    if (generation === this.generation) this.cache.set(cacheKey, entry, entry.tokenExpiresAt - 60_000);
    return { orgId: entry.orgId, accessKeyId: parsed.accessKeyId, token: entry.token, signingKey: entry.signingKey, auth: parsed };
  }

  /** Drops every cached verification of one access key, or of every key of one org. */
  revoke(r: { accessKeyId: string } | { orgId: string }): void {
    this.generation += 1;
    this.inflight.clear();
    if ('accessKeyId' in r) {
      const prefix = `${r.accessKeyId}/`;
      this.cache.deleteWhere((k) => k.startsWith(prefix));
    } else {
      this.cache.deleteWhere((_k, v) => v.orgId === r.orgId);
    }
  }

  /** After the feed reconnects: anything may have been revoked while it was down. */
  clear(): void {
    this.generation += 1;
    this.inflight.clear();
    this.cache.clear();
  }

  private async fetchKey(parsed: ParsedAuth, sts: string, requestId: string): Promise<CachedKey> {
    const verified = await this.auth.verify(
      { accessKeyId: parsed.accessKeyId, date: parsed.date, region: parsed.region, service: parsed.service, stringToSign: sts, signature: parsed.signature },
      requestId,
    );
    return {
      orgId: asOrgId(verified.orgId),
      signingKey: Buffer.from(verified.signingKey, 'hex'),
      token: verified.token,
      tokenExpiresAt: verified.tokenExpiresAt,
    };
  }
}

export function toRequestLike(req: IncomingMessage): HttpRequestLike {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
  };
}

/** Run a sigv4 step, turning its errors into the S3 error of the same code. */
export function sigv4<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw toS3Error(err);
  }
}


function signatureMismatch(parsed: ParsedAuth, sts: string, creq: string): S3Error {
  return new S3Error('SignatureDoesNotMatch', undefined, {
    AWSAccessKeyId: parsed.accessKeyId,
    StringToSign: sts,
    SignatureProvided: parsed.signature,
    CanonicalRequest: creq,
  });
}
