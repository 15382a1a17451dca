import { checkPostPolicy, parsePostPolicy } from './post-policy';

const encode = (doc: unknown) => Buffer.from(JSON.stringify(doc)).toString('base64');
const NOW = new Date('2026-12-01T12:00:00Z');
const codeAndMessage = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
};

describe('POST policy', () => {
  // The example policy of the S3 documentation (browser-based uploads, SigV4).
  const policy = parsePostPolicy(
    encode({
      expiration: '2026-12-30T12:00:00.000Z',
      conditions: [
        { bucket: 'sigv4examplebucket' },
        ['starts-with', '$key', 'user/user1/'],
        { acl: 'public-read' },
        { success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html' },
        ['starts-with', '$Content-Type', 'image/'],
        { 'x-amz-meta-uuid': '14365123651274' },
        { 'x-amz-server-side-encryption': 'AES256' },
        ['starts-with', '$x-amz-meta-tag', ''],
        { 'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request' },
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-date': '20151229T000000Z' },
        ['content-length-range', 1, 10485760],
      ],
    }),
  );
  const fields = () =>
    new Map(
      Object.entries({
        key: 'user/user1/photo.jpg',
        acl: 'public-read',
        success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
        'content-type': 'image/jpeg',
        'x-amz-meta-uuid': '14365123651274',
        'x-amz-server-side-encryption': 'AES256',
        'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-date': '20151229T000000Z',
        'x-amz-meta-tag': '',
        policy: 'ignored',
        'x-amz-signature': 'ignored',
      }),
    );

  it('accepts the documented form and returns its content-length-range', () => {
    expect(checkPostPolicy(policy, fields(), 'sigv4examplebucket', NOW)).toEqual({ min: 1, max: 10485760 });
  });

  it('refuses a wrong bucket, a failed condition, an extra field and an expired policy', () => {
    expect(codeAndMessage(() => checkPostPolicy(policy, fields(), 'other', NOW))).toBe('AccessDenied: Invalid according to Policy: Policy Condition failed: ["eq","$bucket","sigv4examplebucket"]');
    const wrongKey = fields().set('key', 'user/user2/photo.jpg');
    expect(codeAndMessage(() => checkPostPolicy(policy, wrongKey, 'sigv4examplebucket', NOW))).toBe('AccessDenied: Invalid according to Policy: Policy Condition failed: ["starts-with","$key","user/user1/"]');
    const twoTypes = fields().set('content-type', 'image/jpeg, text/html');
    expect(codeAndMessage(() => checkPostPolicy(policy, twoTypes, 'sigv4examplebucket', NOW))).toMatch(/Content-Type/);
    const extra = fields().set('x-amz-meta-more', '1').set('x-ignore-me', '1');
    expect(codeAndMessage(() => checkPostPolicy(policy, extra, 'sigv4examplebucket', NOW))).toBe('AccessDenied: Invalid according to Policy: Extra input fields: x-amz-meta-more');
    expect(codeAndMessage(() => checkPostPolicy(policy, fields(), 'sigv4examplebucket', new Date('2027-01-01T00:00:00Z')))).toBe('AccessDenied: Invalid according to Policy: Policy expired.');
  });

  it('answers InvalidPolicyDocument for a document it cannot read', () => {
    expect(codeAndMessage(() => parsePostPolicy('not base64 json'))).toBe('InvalidPolicyDocument: Invalid Policy: Invalid JSON.');
    expect(codeAndMessage(() => parsePostPolicy(encode({ conditions: [] })))).toBe('InvalidPolicyDocument: Invalid Policy: Policy missing expiration.');
    expect(codeAndMessage(() => parsePostPolicy(encode({ expiration: 'tomorrow', conditions: [] })))).toMatch(/Invalid 'expiration' value/);
    expect(codeAndMessage(() => parsePostPolicy(encode({ expiration: '2026-12-30T12:00:00Z', conditions: [['between', '$key', 'a']] })))).toMatch(/^InvalidPolicyDocument/);
    expect(codeAndMessage(() => parsePostPolicy(encode({ expiration: '2026-12-30T12:00:00Z', conditions: [['content-length-range', 10, 1]] })))).toMatch(/^InvalidPolicyDocument/);
  });
});
