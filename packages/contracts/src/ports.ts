/** Default ports of each service; every one can be overridden by its PORT variable. */
export const DEFAULT_PORTS = {
  gateway: 9000,
  auth: 9101,
  metadata: 9102,
  blob: 9103,
  janitor: 9104,
} as const;

/** Audience and issuer of internal tokens: a token is only valid between our own services. */
export const INTERNAL_TOKEN_AUDIENCE = 'excloud-internal';
export const INTERNAL_TOKEN_ISSUER = 'excloud-auth';
