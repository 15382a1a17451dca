import type { OrgId } from './tenant';

/**
 * The internal API between our services, spelled once: clients build these paths and headers,
 * servers route on them. Who may call what is part of the contract:
 *
 * - a **service credential** (`Authorization: Bearer <INTERNAL_SERVICE_SECRET>`) says which
 *   service calls auth: only the gateway may verify signatures or ask for anonymous tokens, only
 *   the janitor may obtain a system token;
 * - an **org token** (ES256 JWT from auth, bound to one org) opens metadata's org routes; auth
 *   issues one only to an authenticated service;
 * - a **system token** (ES256 JWT, janitor only) opens the cross-org maintenance routes;
 * - a **blob capability** (HMAC, seconds-long, minted by the gateway for one request) names the
 *   blob ids and the one operation it allows: an org token alone opens no blob.
 */

/** Services that call others and so hold a service credential of their own. */
export const CALLING_SERVICES = ['gateway', 'janitor'] as const;
export type CallingService = (typeof CALLING_SERVICES)[number];

export const INTERNAL_HEADERS = {
  requestId: 'x-request-id',
  /** The blob capability; a separate header so an org token in `authorization` can never stand in for it. */
  capability: 'x-blob-capability',
  checksums: 'x-blob-checksums',
  maxSize: 'x-blob-max-size',
  contentLength: 'x-blob-content-length',
  key: 'x-blob-key',
  size: 'x-blob-size',
  range: 'x-blob-range',
  /** `1` on a blob read the gateway started before metadata confirmed the blob (read-ahead): a missing blob is then no fault. */
  readAhead: 'x-blob-read-ahead',
} as const;

export const AUTH_ROUTES = {
  jwks: '/.well-known/jwks.json',
  /** Gateway only: check a SigV4 string-to-sign, answer the day's signing key and an org token. */
  verify: '/v1/verify',
  /** Gateway only: a token for unsigned requests on an org's host (public reads). */
  anonymousToken: '/v1/anonymous-token',
  /** Janitor only: the system token for cross-org maintenance. */
  systemToken: '/v1/service/system-token',
  /** Gateway only: a server-sent event stream of revoked keys and suspended orgs. */
  revocations: '/v1/revocations',
} as const;

export const BLOB_ROUTES = {
  /** PUT, GET and DELETE `/v1/blobs/<id>`, each allowed only by a capability naming that id. */
  blob: (blobId: string) => `/v1/blobs/${encodeBlobId(blobId)}`,
  blobPrefix: '/v1/blobs/',
  systemList: '/v1/system/blobs',
  systemBlob: (blobId: string) => `/v1/system/blobs/${encodeBlobId(blobId)}`,
  /** Janitor, system token: POST `?minDeadFraction=`, rewrite mostly-dead pack segments (filesystem backend). */
  systemCompact: '/v1/system/pack/compact',
} as const;

/** Ids use [A-Za-z0-9_-] segments; encoding each segment anyway keeps a bad id from bending the path. */
function encodeBlobId(blobId: string): string {
  return blobId.split('/').map(encodeURIComponent).join('/');
}

/** What a blob capability allows: one operation on the one blob it names. */
export type BlobCapabilityOp = 'put' | 'get' | 'delete';

export interface BlobCapability {
  orgId: OrgId;
  op: BlobCapabilityOp;
  blobId: string;
}

/** Mints the capability token for one blob call (the gateway's, over BLOB_CAPABILITY_KEYS). */
export type CapabilityMinter = (capability: BlobCapability) => string;

/** Usage metering on metadata (services/metadata/src/routes/usage.ts). */
export const METADATA_USAGE_ROUTES = {
  /** Gateway, org token (signed or anonymous): one org's batched counters, a `UsageReport`. */
  report: '/v1/usage',
  /** Janitor, system token: move byte-seconds into hourly rows, one page of orgs per call. */
  rollup: '/v1/system/usage/rollup',
  /** Janitor, system token: recount usage from stored data, report and optionally correct drift. */
  reconcile: '/v1/system/usage/reconcile',
  /** Auth's control API, org token (never anonymous): GET, an `OrgUsageReport`. */
  read: '/v1/usage',
  /** Auth's control API, org token: GET `?from=&to=` (ISO 8601), `{ hours }` from usage_hourly. */
  hourly: '/v1/usage/hourly',
  /** Auth's control API, system token: GET or PUT `/v1/system/usage/quotas/<org>` (`OrgQuotaLimits`). */
  quotas: '/v1/system/usage/quotas',
} as const;

/** A gateway's counters for one org, per UTC hour (`hour` = the hour's start, ISO 8601). */
export interface UsageReport {
  $version: 1;
  hours: Array<{ hour: string; classA: number; classB: number; ingressBytes: number; egressBytes: number }>;
}
