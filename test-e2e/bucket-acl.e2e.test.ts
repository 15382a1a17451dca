import { CreateBucketCommand, GetBucketAclCommand, PutBucketAclCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { anonymous, rawRequest, signedRequest } from './support/raw';
import { stack } from './support/stack';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

describe('Get/PutBucketAcl and anonymous access', () => {
  const client = s3();
  const bucket = uniqueBucket('bucket-acl');

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: '<h1>hi</h1>', ContentType: 'text/html' }));
  });

  it('starts private: the owner has FULL_CONTROL, anonymous callers get AccessDenied', async () => {
    const acl = await client.send(new GetBucketAclCommand({ Bucket: bucket }));
    expect(acl.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(acl.Grants).toEqual([{ Grantee: expect.objectContaining({ ID: acl.Owner!.ID, Type: 'CanonicalUser' }), Permission: 'FULL_CONTROL' }]);
    const res = await anonymous('GET', `/${bucket}/index.html`);
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>AccessDenied</Code>');
    // A missing key in a private bucket reveals nothing either.
    expect((await anonymous('GET', `/${bucket}/missing`)).status).toBe(403);
  });

  it('public-read serves anonymous GET and HEAD, and nothing else', async () => {
    await client.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
    const acl = await client.send(new GetBucketAclCommand({ Bucket: bucket }));
    expect(acl.Grants).toContainEqual({ Grantee: expect.objectContaining({ Type: 'Group', URI: ALL_USERS }), Permission: 'READ' });
    const get = await anonymous('GET', `/${bucket}/index.html`);
    expect(get.status).toBe(200);
    expect(get.body).toBe('<h1>hi</h1>');
    expect((await anonymous('HEAD', `/${bucket}/index.html`)).status).toBe(200);
    expect((await anonymous('GET', `/${bucket}/missing`)).status).toBe(404);
    expect((await anonymous('PUT', `/${bucket}/intruder`)).status).toBe(403);
    expect((await anonymous('DELETE', `/${bucket}/index.html`)).status).toBe(403);
    expect((await anonymous('GET', `/${bucket}?acl`)).status).toBe(403);
    // Another org's host name does not reach this org's public bucket.
    expect((await anonymous('GET', `/${bucket}/index.html`, stack().other.orgId)).status).not.toBe(200);
    // Without an org host, the org is GATEWAY_DEFAULT_ORG: local mode sets it to its own org.
    const s = stack();
    expect((await rawRequest({ port: s.port, method: 'GET', path: `/${bucket}/index.html`, headers: { host: `127.0.0.1:${s.port}` } })).status).toBe(200);
  });

  it('accepts an AccessControlPolicy body and refuses grants to other tenants', async () => {
    const owner = (await client.send(new GetBucketAclCommand({ Bucket: bucket }))).Owner!;
    await client.send(
      new PutBucketAclCommand({
        Bucket: bucket,
        AccessControlPolicy: { Owner: owner, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner.ID }, Permission: 'FULL_CONTROL' }] },
      }),
    );
    expect((await anonymous('GET', `/${bucket}/index.html`)).status).toBe(403);
    await expect(
      client.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: owner, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'f'.repeat(64) }, Permission: 'READ' }] } })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    const bad = await signedRequest({ method: 'PUT', path: `/${bucket}?acl`, body: '<AccessControlPolicy><oops>' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('<Code>MalformedACLError</Code>');
  });
});
