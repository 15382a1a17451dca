import { parseS3Request } from './router';

// Request lines taken from the AWS S3 API Reference examples of each operation.
function parse(line: string, headers: Record<string, string> = {}) {
  const [method, target] = line.split(' ');
  const url = new URL(target!, 'http://x');
  const parts = url.pathname.slice(1).split('/');
  const bucket = parts[0] || undefined;
  const key = parts.length > 1 && parts.slice(1).join('/') ? parts.slice(1).join('/') : undefined;
  return parseS3Request({ method: method!, bucket, key, query: url.searchParams, headers });
}

describe('parseS3Request', () => {
  it.each([
    ['GET /', 'ListBuckets'],
    ['PUT /b', 'CreateBucket'],
    ['HEAD /b', 'HeadBucket'],
    ['DELETE /b', 'DeleteBucket'],
    ['GET /b?location', 'GetBucketLocation'],
    ['GET /b?versioning', 'GetBucketVersioning'],
    ['PUT /b?versioning', 'PutBucketVersioning'],
    ['GET /b?acl', 'GetBucketAcl'],
    ['PUT /b?acl', 'PutBucketAcl'],
    ['GET /b', 'ListObjects'],
    ['GET /b?list-type=2&prefix=photos', 'ListObjectsV2'],
    ['GET /b?versions&prefix=x', 'ListObjectVersions'],
    ['GET /b?uploads&max-uploads=3', 'ListMultipartUploads'],
    ['POST /b?delete', 'DeleteObjects'],
    ['PUT /b/my-image.jpg', 'PutObject'],
    ['GET /b/my-image.jpg', 'GetObject'],
    ['HEAD /b/my-image.jpg', 'HeadObject'],
    ['DELETE /b/my-image.jpg', 'DeleteObject'],
    ['DELETE /b/my-image.jpg?versionId=UIORUnfnd89493jJFJ', 'DeleteObject'],
    ['GET /b/my-image.jpg?acl', 'GetObjectAcl'],
    ['PUT /b/my-image.jpg?acl', 'PutObjectAcl'],
    ['POST /b/example-object?uploads', 'CreateMultipartUpload'],
    ['PUT /b/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR', 'UploadPart'],
    ['POST /b/example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyWeeS1tb3ZpZS5tMnRzIRRwbG9hZA', 'CompleteMultipartUpload'],
    ['DELETE /b/example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ', 'AbortMultipartUpload'],
    ['GET /b/example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA&max-parts=2', 'ListParts'],
    ['GET /b/k?x-id=GetObject', 'GetObject'],
  ])('%s -> %s', (line, op) => {
    expect(parse(line).op).toBe(op);
  });

  it('routes copy-source before plain PUT', () => {
    expect(parse('PUT /b/k', { 'x-amz-copy-source': '/src/k' }).op).toBe('CopyObject');
    expect(parse('PUT /b/k?partNumber=2&uploadId=u', { 'x-amz-copy-source': '/src/k' }).op).toBe('UploadPartCopy');
  });

  it('answers NotImplemented for unsupported sub-resources and MethodNotAllowed for unknown verbs', () => {
    expect(() => parse('GET /b?lifecycle')).toThrow(expect.objectContaining({ code: 'NotImplemented' }));
    expect(() => parse('PUT /b/k?retention')).toThrow(expect.objectContaining({ code: 'InvalidRequest' }));
    expect(() => parse('POST /b')).toThrow(expect.objectContaining({ kind: 'MethodNotAllowed' }));
    expect(() => parse('PUT /')).toThrow(expect.objectContaining({ kind: 'MethodNotAllowed' }));
  });

  it('carries bucket and key', () => {
    expect(parse('GET /b/dir/file.txt')).toEqual({ op: 'GetObject', bucket: 'b', key: 'dir/file.txt' });
  });
});
