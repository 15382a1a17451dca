import { envReader } from '@excloud/service-kit';
import { parseGatewayConfig } from './config';

describe('GATEWAY_DEFAULT_ORG', () => {
  it('is off unless set, and must be an org id', () => {
    expect(parseGatewayConfig(envReader({})).defaultOrg).toBeUndefined();
    expect(parseGatewayConfig(envReader({ GATEWAY_DEFAULT_ORG: 'local' })).defaultOrg).toBe('local');
    expect(() => parseGatewayConfig(envReader({ GATEWAY_DEFAULT_ORG: 'Not An Org' }))).toThrow(/GATEWAY_DEFAULT_ORG/);
  });
});
