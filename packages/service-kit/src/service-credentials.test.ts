import { randomBytes } from 'node:crypto';
import { ConfigError } from './config';
import { generateInternalCredentials, hashServiceSecret, internalCredentialEnv, parseServiceCredentials, readServiceSecret, requireService } from './service-credentials';

const secret = () => randomBytes(32).toString('base64url');

describe('service credentials', () => {
  const gateway = secret();
  const gatewayNext = secret();
  const janitor = secret();
  const creds = parseServiceCredentials(`gateway:${hashServiceSecret(gateway)}, gateway:${hashServiceSecret(gatewayNext)},janitor:${hashServiceSecret(janitor)}`);

  it('identifies each service by its secret, several secrets per service while rotating', () => {
    expect(creds.identify(gateway)).toBe('gateway');
    expect(creds.identify(gatewayNext)).toBe('gateway');
    expect(creds.identify(janitor)).toBe('janitor');
    expect(creds.identify(secret())).toBeUndefined();
    // The hash itself is not a credential.
    expect(creds.identify(hashServiceSecret(gateway))).toBeUndefined();
  });

  it('requireService admits only the listed services', () => {
    expect(requireService(creds, { authorization: `Bearer ${gateway}` }, ['gateway'])).toBe('gateway');
    for (const headers of [{}, { authorization: gateway }, { authorization: `Bearer ${secret()}` }, { authorization: `Bearer ${janitor}` }]) {
      expect(() => requireService(creds, headers, ['gateway'])).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    }
  });

  it.each(['', 'gateway', `proxy:${hashServiceSecret('x')}`, 'gateway:abc', `gateway:${hashServiceSecret('x')}:x`])('config %p is a ConfigError', (raw) => {
    expect(() => parseServiceCredentials(raw)).toThrow(ConfigError);
  });

  it('a caller’s own secret must be long enough', () => {
    expect(() => readServiceSecret(undefined)).toThrow(ConfigError);
    expect(() => readServiceSecret('short')).toThrow(ConfigError);
    expect(readServiceSecret(gateway)).toBe(gateway);
  });

  it('generated credentials give each service only its own share', () => {
    const c = generateInternalCredentials();
    const env = internalCredentialEnv(c);
    expect(parseServiceCredentials(env.auth.AUTH_SERVICE_CREDENTIALS!).identify(c.janitorSecret)).toBe('janitor');
    expect(JSON.stringify(env.auth)).not.toContain(c.gatewaySecret);
    expect(JSON.stringify(env.blob)).not.toContain(c.gatewaySecret);
    expect(JSON.stringify(env.janitor)).not.toContain(c.gatewaySecret);
    expect(JSON.stringify(env.gateway)).not.toContain(c.janitorSecret);
  });
});
