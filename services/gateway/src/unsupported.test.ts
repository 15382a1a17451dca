import { refuseUnsupportedHeaders, refuseUnsupportedSubresource } from './unsupported';

const refusal = (op: Parameters<typeof refuseUnsupportedHeaders>[0], headers: Record<string, string>) => {
  try {
    refuseUnsupportedHeaders(op, headers);
    return undefined;
  } catch (err) {
    return err as { code: string; status: number };
  }
};

describe('unsupported features are refused', () => {
  it('passes what we do implement', () => {
    expect(refusal('PutObject', { 'x-amz-server-side-encryption': 'AES256', 'x-amz-storage-class': 'STANDARD' })).toBeUndefined();
    expect(refusal('CreateBucket', { 'x-amz-bucket-object-lock-enabled': 'false' })).toBeUndefined();
    expect(refusal('PutObject', { 'x-amz-server-side-encryption-bucket-key-enabled': 'false' })).toBeUndefined();
    // A rule applies only to the operations it names: If-Match is a real condition on PUT.
    expect(refusal('PutObject', { 'if-match': '"abc"' })).toBeUndefined();
    expect(() => refuseUnsupportedSubresource(new URLSearchParams('list-type=2&prefix=a'), 'bucket')).not.toThrow();
    // Implemented on their own level: bucket CORS, object tagging.
    expect(() => refuseUnsupportedSubresource(new URLSearchParams('cors'), 'bucket')).not.toThrow();
    expect(() => refuseUnsupportedSubresource(new URLSearchParams('tagging'), 'object')).not.toThrow();
  });

  it('answers each unsupported header with the code S3 uses', () => {
    expect(refusal('PutObject', { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' })).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(refusal('GetObject', { 'x-amz-server-side-encryption-customer-key': 'k' })).toMatchObject({ code: 'InvalidRequest', status: 400 });
    expect(refusal('PutObject', { 'x-amz-server-side-encryption': 'aws:kms' })).toMatchObject({ code: 'NotImplemented', status: 501 });
    expect(refusal('PutObject', { 'x-amz-server-side-encryption': 'rot13' })).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(refusal('CopyObject', { 'x-amz-object-lock-mode': 'COMPLIANCE' })).toMatchObject({ code: 'InvalidRequest' });
    expect(refusal('CreateMultipartUpload', { 'x-amz-storage-class': 'GLACIER' })).toMatchObject({ code: 'InvalidStorageClass' });
    expect(refusal('DeleteObject', { 'if-match': '"abc"' })).toMatchObject({ code: 'NotImplemented' });
    expect(refusal('ListObjectsV2', { 'x-amz-request-payer': 'requester' })).toMatchObject({ code: 'NotImplemented' });
    // A POST upload is a write like a PUT (its form fields are checked as headers).
    expect(refusal('PostObject', { 'x-amz-storage-class': 'GLACIER' })).toMatchObject({ code: 'InvalidStorageClass' });
    expect(refusal('PostObject', { 'x-amz-server-side-encryption-customer-algorithm': 'AES256' })).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('refuses a sub-resource on the level where it is not served', () => {
    expect(() => refuseUnsupportedSubresource(new URLSearchParams('tagging'), 'bucket')).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
    expect(() => refuseUnsupportedSubresource(new URLSearchParams('cors'), 'object')).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
    expect(() => refuseUnsupportedSubresource(new URLSearchParams('lifecycle'), 'bucket')).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
  });
});
