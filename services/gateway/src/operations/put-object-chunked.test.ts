import type { OrgId } from '@excloud/contracts';
import { fakeContext, objectVersion } from '../testing/fake-context';
import { putObject } from './put-object';

describe('putObject with Transfer-Encoding: chunked and no Content-Length', () => {
  it('streams the body with the PUT limit as its bound instead of a declared length', async () => {
    let limits: { maxSize?: number; contentLength?: number } | undefined;
    const ctx = fakeContext('PutObject', 'PUT /b/streamed', {
      headers: { 'transfer-encoding': 'chunked' },
      metadata: {
        getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
        putObject: async (_t, _b, c) => objectVersion({ etag: c.etag, size: c.size }),
      },
    });
    const put = ctx.blobs.client.put;
    ctx.services.blob = Object.assign(Object.create(ctx.blobs.client), {
      put: (orgId: OrgId, body: NodeJS.ReadableStream, opts: { maxSize?: number; contentLength?: number }) => {
        limits = opts;
        return put(orgId, body as never, opts);
      },
    });
    await putObject(ctx);
    expect(limits).toMatchObject({ maxSize: ctx.config.maxPutBytes, contentLength: undefined });
  });

  it('still needs a length without chunked framing', async () => {
    const ctx = fakeContext('PutObject', 'PUT /b/k', { metadata: {} });
    await expect(putObject(ctx)).rejects.toMatchObject({ code: 'MissingContentLength' });
  });
});
