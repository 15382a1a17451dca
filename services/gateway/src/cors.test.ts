import type { CorsRule } from '@excloud/contracts';
import { corsHeaders, matchRule, parseCorsXml, renderCorsXml, requestedHeaders } from './cors';
import { codeOfCall } from './testing/fake-context';

const xml = (rules: string) => `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules}</CORSConfiguration>`;

describe('parseCorsXml', () => {
  it('reads the AWS documentation example and renders it back', () => {
    const rules = parseCorsXml(
      xml(
        '<CORSRule><AllowedOrigin>http://www.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>' +
          '<AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds><ExposeHeader>x-amz-server-side-encryption</ExposeHeader></CORSRule>' +
          '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>',
      ),
    );
    expect(rules).toEqual([
      { id: undefined, allowedOrigins: ['http://www.example.com'], allowedMethods: ['PUT', 'POST', 'DELETE'], allowedHeaders: ['*'], exposeHeaders: ['x-amz-server-side-encryption'], maxAgeSeconds: 3000 },
      { id: undefined, allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [], maxAgeSeconds: undefined },
    ]);
    expect(parseCorsXml(renderCorsXml(rules))).toEqual(rules);
  });

  it('refuses what S3 refuses', () => {
    expect(codeOfCall(() => parseCorsXml('<nope'))).toBe('MalformedXML');
    expect(codeOfCall(() => parseCorsXml(xml('')))).toBe('MalformedXML');
    expect(codeOfCall(() => parseCorsXml(xml('<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>')))).toBe('MalformedXML');
    expect(codeOfCall(() => parseCorsXml(xml('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>')))).toBe('InvalidRequest');
    expect(codeOfCall(() => parseCorsXml(xml('<CORSRule><AllowedOrigin>*.*.x</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>')))).toBe('InvalidRequest');
    expect(codeOfCall(() => parseCorsXml(xml('<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule>')))).toBe('MalformedXML');
    const many = '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(101);
    expect(codeOfCall(() => parseCorsXml(xml(many)))).toBe('InvalidRequest');
  });
});

describe('matchRule', () => {
  const rule = (over: Partial<CorsRule>): CorsRule => ({ allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [], ...over });
  const rules = [
    rule({ id: 'one', allowedOrigins: ['https://*.example.com'], allowedMethods: ['PUT'], allowedHeaders: ['x-amz-*', 'Content-Type'] }),
    rule({ id: 'two' }),
  ];

  it('takes the first rule matching origin (one wildcard), method and every requested header', () => {
    expect(matchRule(rules, { origin: 'https://app.example.com', method: 'PUT', headers: ['content-type', 'x-amz-date'] })?.id).toBe('one');
    expect(matchRule(rules, { origin: 'https://app.example.com', method: 'GET', headers: [] })?.id).toBe('two');
    expect(matchRule(rules, { origin: 'https://app.example.com', method: 'PUT', headers: ['authorization'] })).toBeUndefined();
    expect(matchRule(rules, { origin: 'https://example.com', method: 'PUT', headers: [] })).toBeUndefined();
    // Origins compare case-sensitively, header names do not.
    expect(matchRule(rules, { origin: 'HTTPS://app.example.com', method: 'PUT', headers: [] })).toBeUndefined();
    expect(matchRule(rules, { origin: 'https://a.example.com', method: 'PUT', headers: requestedHeaders('X-AMZ-DATE, Content-Type') })?.id).toBe('one');
  });

  it('answers a wildcard origin with *, and a named one with itself and credentials', () => {
    const request = { origin: 'https://a.example.com', method: 'PUT', headers: ['content-type'] };
    expect(corsHeaders(rules[0]!, request, true)).toMatchObject({
      'access-control-allow-origin': 'https://a.example.com',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'content-type',
    });
    const any = corsHeaders(rules[1]!, { origin: 'https://x', method: 'GET', headers: [] }, false);
    expect(any['access-control-allow-origin']).toBe('*');
    expect(any['access-control-allow-credentials']).toBeUndefined();
  });
});
