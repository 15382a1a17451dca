import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { signedRequest as rawRequest } from './support/raw';

describe('DeleteObjects', () => {
  const client = s3();
  const bucket = uniqueBucket('delobjs');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  const putKeys = (keys: string[]) => Promise.all(keys.map((Key) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))));
  const listKeys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((c) => c.Key);

  it('deletes several keys (the SDK sends a checksum header, no Content-MD5) and reports missing keys as deleted', async () => {
    await putKeys(['a', 'b', 'dir/c']);
    const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'a' }, { Key: 'dir/c' }, { Key: 'never-existed' }] } }));
    expect((out.Deleted ?? []).map((d) => d.Key).sort()).toEqual(['a', 'dir/c', 'never-existed']);
    expect(out.Errors ?? []).toEqual([]);
    expect(await listKeys()).toEqual(['b']);
  });

  it('quiet mode reports only errors', async () => {
    await putKeys(['q1', 'q2']);
    const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [{ Key: 'q1' }, { Key: 'q2' }] } }));
    expect(out.Deleted ?? []).toEqual([]);
    expect(await listKeys()).not.toContain('q1');
  });

  it('reports a per-key error for a key that is too long, deleting the others', async () => {
    await putKeys(['ok-key']);
    const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'ok-key' }, { Key: 'x'.repeat(1025) }] } }));
    expect(out.Deleted?.map((d) => d.Key)).toEqual(['ok-key']);
    expect(out.Errors?.[0]).toMatchObject({ Code: 'KeyTooLongError' });
  });

  it('refuses malformed XML, more than 1000 keys, and a body without an integrity header', async () => {
    const bad = await rawRequest({ method: 'POST', path: `/${bucket}?delete`, body: '<Delete><Object><Key>a</Key></Delete>', contentMd5: true });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<Code>MalformedXML</Code>');

    const many = '<Delete>' + Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('') + '</Delete>';
    const tooMany = await rawRequest({ method: 'POST', path: `/${bucket}?delete`, body: many, contentMd5: true });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toContain('<Code>MalformedXML</Code>');

    const noMd5 = await rawRequest({ method: 'POST', path: `/${bucket}?delete`, body: '<Delete><Object><Key>b</Key></Object></Delete>' });
    expect(noMd5.status).toBe(400);
    expect(noMd5.body).toContain('<Code>InvalidRequest</Code>');
    expect(await listKeys()).toContain('b');
  });
});
