import { randomBytes } from 'node:crypto';
import { envReader } from '@excloud/service-kit';
import { parseGatewayConfig } from './config';

// The settings every gateway needs; the test varies only GATEWAY_DEFAULT_ORG.
const base = { INTERNAL_SERVICE_SECRET: 'x'.repeat(40), BLOB_CAPABILITY_KEYS: `k1:${randomBytes(32).toString('base64')}` };

describe('GATEWAY_DEFAULT_ORG', () => {
  it('is off unless set, and must be an org id', () => {
    expect(parseGatewayConfig(envReader(base)).defaultOrg).toBeUndefined();
    expect(parseGatewayConfig(envReader({ ...base, GATEWAY_DEFAULT_ORG: 'local' })).defaultOrg).toBe('local');
    expect(() => parseGatewayConfig(envReader({ ...base, GATEWAY_DEFAULT_ORG: 'Not An Org' }))).toThrow(/GATEWAY_DEFAULT_ORG/);
  });
});
