import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { s3, uniqueBucket } from './support/clients';
import { rawRequest } from './support/raw';
import { stack } from './support/stack';

type PresignedPost = Awaited<ReturnType<typeof createPresignedPost>>;

/**
 * What a browser's <form enctype="multipart/form-data"> sends: the fields in order, then the file,
 * encoded by the platform's FormData. `host` overrides the Host header (an org's host name, which
 * does not resolve here).
 */
async function submit(
  post: PresignedPost,
  file: { name: string; body: string | Buffer; type?: string },
  opts: { extra?: Record<string, string>; headers?: Record<string, string>; host?: string } = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...post.fields, ...opts.extra })) form.append(name, value);
  form.append('file', new Blob([file.body], { type: file.type ?? 'application/octet-stream' }), file.name);
  return postForm(post.url, form, opts);
}

/**
 * Sends an encoded form in one write, as a browser's small form goes out. (fetch streams the
 * body and reports EPIPE when a refusal closes the connection first, hiding the answer.)
 */
async function postForm(target: string, form: FormData, opts: { headers?: Record<string, string>; host?: string } = {}) {
  const encoded = new Response(form);
  const bytes = Buffer.from(await encoded.arrayBuffer());
  const url = new URL(target);
  const res = await rawRequest({
    port: stack().port,
    method: 'POST',
    path: url.pathname + url.search,
    headers: { host: opts.host ?? url.host, 'content-type': encoded.headers.get('content-type')!, 'content-length': String(bytes.length), ...opts.headers },
    body: bytes,
  });
  return { status: res.status, headers: new Headers(res.headers as Record<string, string>), body: res.body };
}

describe('PostObject: browser form uploads with a POST policy', () => {
  const client = s3();
  const bucket = uniqueBucket('post');
  const body = async (Key: string) => (await client.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToString();

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  /** createPresignedPost as a web backend calls it: a key prefix, a size range, metadata and a content type. */
  const presign = (over: Partial<Parameters<typeof createPresignedPost>[1]> = {}) =>
    createPresignedPost(client, {
      Bucket: bucket,
      Key: 'uploads/${filename}',
      Conditions: [['content-length-range', 1, 1024], ['starts-with', '$Content-Type', 'text/']],
      Fields: { 'Content-Type': 'text/plain', 'x-amz-meta-owner': 'alice' },
      Expires: 300,
      ...over,
    });

  it('stores the file under the key with ${filename}, its Content-Type and metadata, and answers 204', async () => {
    const res = await submit(await presign(), { name: 'notes.txt', body: 'hello from a form' });
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get('location')).toContain(`/${bucket}/uploads/notes.txt`);
    expect(await body('uploads/notes.txt')).toBe('hello from a form');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'uploads/notes.txt' }));
    expect(head).toMatchObject({ ContentType: 'text/plain', Metadata: { owner: 'alice' }, ETag: res.headers.get('etag') });
  });

  it('answers success_action_status 201 with a PostResponse document, and 200 with an empty body', async () => {
    const post = await presign({ Key: 'created.txt', Conditions: [{ success_action_status: '201' }], Fields: { success_action_status: '201' } });
    const res = await submit(post, { name: 'x.txt', body: 'created' });
    expect(res.status).toBe(201);
    expect(res.body).toMatch(/<PostResponse><Location>http:\/\/[^<]+\/created\.txt<\/Location><Bucket>[^<]+<\/Bucket><Key>created\.txt<\/Key><ETag>(&quot;|")[0-9a-f]{32}(&quot;|")<\/ETag><\/PostResponse>/);
    const ok = await submit(await presign({ Key: 'ok.txt', Conditions: [{ success_action_status: '200' }], Fields: { success_action_status: '200' } }), { name: 'x', body: 'ok' });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('');
  });

  it('redirects with 303 to success_action_redirect with bucket, key and etag', async () => {
    const redirect = 'https://app.example.com/done?upload=1';
    const post = await presign({ Key: 'redirected.txt', Conditions: [{ success_action_redirect: redirect }], Fields: { success_action_redirect: redirect } });
    const res = await submit(post, { name: 'x', body: 'redirected' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://app.example.com/done');
    expect(Object.fromEntries(location.searchParams)).toEqual({ upload: '1', bucket, key: 'redirected.txt', etag: res.headers.get('etag') });
  });

  it('stores x-amz-tagging from the tagging field', async () => {
    const tagging = '<Tagging><TagSet><Tag><Key>source</Key><Value>form</Value></Tag></TagSet></Tagging>';
    const res = await submit(await presign({ Key: 'tagged.txt', Conditions: [{ tagging }], Fields: { tagging } }), { name: 'x', body: 'tagged' });
    expect(res.status).toBe(204);
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged.txt' }))).TagSet).toEqual([{ Key: 'source', Value: 'form' }]);
  });

  it('enforces content-length-range while the file streams', async () => {
    const big = await submit(await presign({ Key: 'big.txt' }), { name: 'x', body: Buffer.alloc(2048, 97) });
    expect(big.status).toBe(400);
    expect(big.body).toContain('<Code>EntityTooLarge</Code>');
    const empty = await submit(await presign({ Key: 'empty.txt' }), { name: 'x', body: '' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('<Code>EntityTooSmall</Code>');
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.txt' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('refuses what the policy does not allow, as S3 does', async () => {
    const expired = await submit(await presign({ Key: 'late.txt', Expires: -60 }), { name: 'x', body: 'late' });
    expect(expired.status).toBe(403);
    expect(expired.body).toContain('<Message>Invalid according to Policy: Policy expired.</Message>');

    const post = await presign();
    const wrongKey = await submit(post, { name: 'x', body: 'y' }, { extra: { key: 'elsewhere/x' } });
    expect(wrongKey.status).toBe(403);
    expect(wrongKey.body).toContain('Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;,&quot;$key&quot;,&quot;uploads/&quot;]');

    const wrongType = await submit(post, { name: 'x', body: 'y' }, { extra: { 'Content-Type': 'image/png' } });
    expect(wrongType.status).toBe(403);

    const extra = await submit(post, { name: 'x', body: 'y' }, { extra: { 'x-amz-meta-sneaky': '1' } });
    expect(extra.status).toBe(403);
    expect(extra.body).toContain('Invalid according to Policy: Extra input fields: x-amz-meta-sneaky');

    const tampered = await submit(post, { name: 'x', body: 'y' }, { extra: { 'X-Amz-Signature': '0'.repeat(64) } });
    expect(tampered.status).toBe(403);
    expect(tampered.body).toContain('<Code>SignatureDoesNotMatch</Code>');

    // A policy signed for one bucket cannot be posted to another.
    const otherBucket = uniqueBucket('post-other');
    await client.send(new CreateBucketCommand({ Bucket: otherBucket }));
    const moved = await submit({ ...post, url: post.url.replace(`/${bucket}`, `/${otherBucket}`) }, { name: 'x', body: 'y' });
    expect(moved.status).toBe(403);
    expect(moved.body).toContain('Policy Condition failed: [&quot;eq&quot;,&quot;$bucket&quot;');
  });

  it('never accepts an anonymous form, a form without a file, or a body that is not a form', async () => {
    const post = await presign();
    const anonymous = new FormData();
    anonymous.append('key', 'uploads/anon.txt');
    anonymous.append('file', new Blob(['x']), 'anon.txt');
    const anon = await postForm(post.url, anonymous);
    expect(anon.status).toBe(403);
    expect(anon.body).toContain('<Code>AccessDenied</Code>');

    const noFile = new FormData();
    for (const [name, value] of Object.entries(post.fields)) noFile.append(name, value);
    const missing = await postForm(post.url, noFile);
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('<Code>IncorrectNumberOfFilesInPostRequest</Code>');

    const s = stack();
    const notForm = await rawRequest({ port: s.port, method: 'POST', path: `/${bucket}`, headers: { host: `127.0.0.1:${s.port}`, 'content-type': 'text/plain', 'content-length': '1' }, body: 'x' });
    expect(notForm.status).toBe(412);
  });

  it("is per org: another tenant's policy does not reach this org's bucket", async () => {
    const other = s3({ who: 'other' });
    const post = await createPresignedPost(other, { Bucket: bucket, Key: 'intruder.txt', Expires: 300 });
    const res = await submit(post, { name: 'x', body: 'intruder' });
    expect(res.status).toBe(404);
    expect(res.body).toContain('<Code>NoSuchBucket</Code>');
    // On this org's own host name the other org's key does not exist at all.
    const s = stack();
    const onHost = await submit(post, { name: 'x', body: 'intruder' }, { host: `${s.orgId}.${s.baseDomain}:${s.port}` });
    expect(onHost.status).toBe(403);
    expect(onHost.body).toContain('<Code>InvalidAccessKeyId</Code>');
  });

  it('answers a browser form POST with the bucket CORS headers', async () => {
    await client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['POST'], ExposeHeaders: ['ETag'] }] } }));
    const res = await submit(await presign({ Key: 'cors.txt' }), { name: 'x', body: 'from a page' }, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag');
  });
});
