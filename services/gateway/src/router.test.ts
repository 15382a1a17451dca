import { OPERATIONS } from './operations';
import { ACCESS, ANONYMOUS_OPERATIONS, type OperationName } from './operation-types';
import { parseS3Request, routeS3Request } from './router';

// Request lines taken from the AWS S3 API Reference examples of each operation.
function line(text: string, headers: Record<string, string> = {}) {
  const [method, target] = text.split(' ');
  const url = new URL(target ?? '/', 'http://x');
  const parts = url.pathname.slice(1).split('/');
  const bucket = parts[0] || undefined;
  const key = parts.length > 1 && parts.slice(1).join('/') ? decodeURIComponent(parts.slice(1).join('/')) : undefined;
  return { method: method ?? 'GET', bucket, key, query: url.searchParams, headers };
}
const parse = (text: string, headers?: Record<string, string>) => parseS3Request(line(text, headers));
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string; kind?: string }).code ?? (err as { kind?: string }).kind;
  }
};

describe('routeS3Request', () => {
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
    ['GET /b/doc.pdf?tagging', 'GetObjectTagging'],
    ['PUT /b/doc.pdf?tagging&versionId=null', 'PutObjectTagging'],
    ['DELETE /b/doc.pdf?tagging', 'DeleteObjectTagging'],
    ['GET /b?cors', 'GetBucketCors'],
    ['PUT /b?cors', 'PutBucketCors'],
    ['DELETE /b?cors', 'DeleteBucketCors'],
    ['OPTIONS /b/my-image.jpg', 'CorsPreflight'],
    ['OPTIONS /b', 'CorsPreflight'],
    ['POST /b', 'PostObject'],
  ])('%s -> %s', (text, op) => {
    expect(routeS3Request(line(text))).toBe(op);
    expect(parse(text).op).toBe(op);
  });

  it('routes copy-source before plain PUT', () => {
    expect(parse('PUT /b/k', { 'x-amz-copy-source': '/src/k' }).op).toBe('CopyObject');
    expect(parse('PUT /b/k?partNumber=2&uploadId=u', { 'x-amz-copy-source': '/src/k' }).op).toBe('UploadPartCopy');
  });

  it('answers NotImplemented for unsupported sub-resources and MethodNotAllowed for unknown verbs', () => {
    expect(() => parse('GET /b?lifecycle')).toThrow(expect.objectContaining({ kind: 'NotImplemented' }));
    // Bucket tagging and object-level CORS are not offered; they must not fall through to ListObjects / GetObject.
    expect(() => parse('GET /b?tagging')).toThrow(expect.objectContaining({ kind: 'NotImplemented' }));
    expect(() => parse('GET /b/k?cors')).toThrow(expect.objectContaining({ kind: 'NotImplemented' }));
    expect(() => parse('OPTIONS /')).toThrow(expect.objectContaining({ kind: 'MethodNotAllowed' }));
    expect(() => parse('PUT /')).toThrow(expect.objectContaining({ kind: 'MethodNotAllowed' }));
  });
});

describe('parseS3Request: validated parameters', () => {
  it('carries bucket and key, and the access class', () => {
    expect(parse('PUT /b/dir/file.txt')).toEqual({ op: 'PutObject', access: 'owner-only', bucket: 'b', key: 'dir/file.txt' });
    expect(parse('GET /')).toEqual({ op: 'ListBuckets', access: 'owner-only' });
  });

  it('UploadPart (AWS example): part number as a number, upload id as given', () => {
    expect(parse('PUT /b/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR')).toEqual({
      op: 'UploadPart',
      access: 'owner-only',
      bucket: 'b',
      key: 'my-movie.m2ts',
      uploadId: 'VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR',
      partNumber: 1,
    });
  });

  it('UploadPartCopy carries the decoded copy source', () => {
    const op = parse('PUT /b/k?partNumber=2&uploadId=u1', { 'x-amz-copy-source': '/src/dir%2Fa%20b?versionId=v7' });
    expect(op).toMatchObject({ op: 'UploadPartCopy', partNumber: 2, uploadId: 'u1', source: { bucket: 'src', key: 'dir/a b', versionId: 'v7' } });
  });

  it('GetObject: versionId, partNumber and response-* overrides', () => {
    const op = parse('GET /b/my-image.jpg?versionId=3HL4kqtJlcpXroDTDmJ&partNumber=2&response-content-type=text/plain&response-cache-control=no-cache');
    expect(op).toEqual({
      op: 'GetObject',
      access: 'anonymous-readable',
      bucket: 'b',
      key: 'my-image.jpg',
      versionId: '3HL4kqtJlcpXroDTDmJ',
      partNumber: 2,
      responseHeaders: { 'content-type': 'text/plain', 'cache-control': 'no-cache' },
    });
    expect(parse('HEAD /b/my-image.jpg')).toMatchObject({ op: 'HeadObject', partNumber: undefined, versionId: undefined, responseHeaders: {} });
  });

  it('ListObjectsV2 (AWS example): defaults, continuation token decoded, raw kept for the echo', () => {
    expect(parse('GET /b?list-type=2')).toMatchObject({ prefix: '', maxKeys: 1000, fetchOwner: false, continuationToken: undefined, encodingType: undefined });
    const token = Buffer.from('v1:photos/2006/', 'utf8').toString('base64url');
    expect(parse(`GET /b?list-type=2&max-keys=3&prefix=E&start-after=ExampleGuide.pdf&continuation-token=${token}&fetch-owner=true&delimiter=/&encoding-type=url`)).toMatchObject({
      maxKeys: 3,
      prefix: 'E',
      startAfter: 'ExampleGuide.pdf',
      continuationToken: { raw: token, after: 'photos/2006/' },
      fetchOwner: true,
      delimiter: '/',
      encodingType: 'url',
    });
    expect(parse('GET /b?list-type=2&max-keys=5000')).toMatchObject({ maxKeys: 1000 });
  });

  it('an empty delimiter means none', () => {
    expect(parse('GET /b?delimiter=')).toMatchObject({ op: 'ListObjects', delimiter: undefined, marker: '' });
  });

  it('ListParts and ListMultipartUploads: numeric limits', () => {
    expect(parse('GET /b/example-object?uploadId=XXBsb2FkIElE&max-parts=2&part-number-marker=1')).toMatchObject({ op: 'ListParts', maxParts: 2, partNumberMarker: 1 });
    expect(parse('GET /b?uploads&max-uploads=3&key-marker=my-movie.m2ts&upload-id-marker=YW55IGlk')).toMatchObject({
      op: 'ListMultipartUploads',
      maxUploads: 3,
      keyMarker: 'my-movie.m2ts',
      uploadIdMarker: 'YW55IGlk',
    });
    expect(parse('GET /b?uploads&max-uploads=5000')).toMatchObject({ maxUploads: 1000 });
  });

  it('refuses bad values with the S3 error a client expects', () => {
    expect(codeOf(() => parse('PUT /b/k?partNumber=0&uploadId=u'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('PUT /b/k?partNumber=10001&uploadId=u'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('PUT /b/k?partNumber=1&uploadId=not%20ours'))).toBe('NoSuchUpload');
    expect(codeOf(() => parse('GET /b/k?partNumber=x'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('GET /b?list-type=2&max-keys=-1'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('GET /b?list-type=2&continuation-token=bm9wZQ'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('GET /b?encoding-type=base64'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('GET /b/k?uploadId=u&max-parts=lots'))).toBe('InvalidArgument');
    expect(codeOf(() => parse('PUT /b/k', { 'x-amz-copy-source': 'bucket-only' }))).toBe('InvalidArgument');
  });

  it('validates the part number before the upload id, as before the typed model', () => {
    expect(codeOf(() => parse('PUT /b/k?partNumber=0&uploadId=not%20ours'))).toBe('InvalidArgument');
  });
});

describe('access classes', () => {
  it('lets unsigned requests attempt only public reads and the CORS preflight', () => {
    expect([...ANONYMOUS_OPERATIONS].sort()).toEqual(['CorsPreflight', 'GetObject', 'HeadBucket', 'HeadObject', 'ListObjects', 'ListObjectsV2']);
    // A form upload is never anonymous: it is authenticated by its policy signature.
    expect(ANONYMOUS_OPERATIONS.has('PostObject')).toBe(false);
  });

  it('every operation has an access class and a handler', () => {
    const names = Object.keys(ACCESS) as OperationName[];
    expect(Object.keys(OPERATIONS).sort()).toEqual([...names].sort());
    for (const name of names) expect(typeof OPERATIONS[name]).toBe('function');
  });

  it('a missing handler is a compile error (checked by tsc)', () => {
    const { ListBuckets: _dropped, ...rest } = OPERATIONS;
    // @ts-expect-error ListBuckets has no handler: the map must be total.
    const partial: typeof OPERATIONS = rest;
    expect(Object.keys(partial)).not.toContain('ListBuckets');
  });
});
