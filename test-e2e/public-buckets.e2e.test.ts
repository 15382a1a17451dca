import { PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { control, freshOrg, operator } from './support/control';
import { anonymous, rawRequest } from './support/raw';
import { stack } from './support/stack';

/**
 * is_public buckets (the customer docs' `is_public=true`): anonymous GET, HEAD and listing on the
 * org's host name, and in local mode on 127.0.0.1 for the local org (GATEWAY_DEFAULT_ORG).
 */
describe('is_public buckets', () => {
  const local = (method: string, path: string) => rawRequest({ port: stack().port, method, path, headers: { host: `127.0.0.1:${stack().port}` } });

  async function publicBucketWithObject(org: { token: string }, key: { access_key_id: string; secret_access_key: string }) {
    const name = uniqueBucket('pub');
    expect((await control('POST', '/v1/orgs/me/buckets', org.token, { name, is_public: true })).status).toBe(201);
    await s3({ accessKeyId: key.access_key_id, secret: key.secret_access_key }).send(new PutObjectCommand({ Bucket: name, Key: 'docs/readme.txt', Body: 'public bytes' }));
    return name;
  }

  it("serves anonymous GET, HEAD and ListObjects on the org's host, and stops when made private", async () => {
    const org = await freshOrg('pub');
    const key = (await control('POST', '/v1/orgs/me/keys', org.token, {})).body;
    const name = await publicBucketWithObject(org, key);

    const get = await anonymous('GET', `/${name}/docs/readme.txt`, org.orgId);
    expect(get).toMatchObject({ status: 200, body: 'public bytes' });
    const head = await anonymous('HEAD', `/${name}/docs/readme.txt`, org.orgId);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('12');
    const list = await anonymous('GET', `/${name}?list-type=2&prefix=docs/`, org.orgId);
    expect(list.status).toBe(200);
    expect(list.body).toContain('<Key>docs/readme.txt</Key>');
    expect((await anonymous('GET', `/${name}?list-type=2`, org.orgId)).body).toContain('<KeyCount>1</KeyCount>');
    // Reads only: no anonymous writes, deletes or ACL reads, even on a public bucket.
    expect((await anonymous('PUT', `/${name}/intruder.txt`, org.orgId)).status).toBe(403);
    expect((await anonymous('DELETE', `/${name}/docs/readme.txt`, org.orgId)).status).toBe(403);
    expect((await anonymous('GET', `/${name}?acl`, org.orgId)).status).toBe(403);
    // Another org's host does not reach it.
    expect((await anonymous('GET', `/${name}/docs/readme.txt`, stack().other.orgId)).status).toBe(403);

    expect((await control('PATCH', `/v1/orgs/me/buckets/${name}`, org.token, { is_public: false })).body.is_public).toBe(false);
    expect((await anonymous('GET', `/${name}/docs/readme.txt`, org.orgId)).status).toBe(403);
    expect((await anonymous('GET', `/${name}?list-type=2`, org.orgId)).status).toBe(403);
  });

  it("local mode: anonymous reads on 127.0.0.1 reach the local org's public buckets only", async () => {
    const s = stack();
    const token = (await operator('POST', `/orgs/${s.orgId}/tokens`, { name: 'e2e-public' })).body.token as string;
    const name = await publicBucketWithObject({ token }, { access_key_id: s.accessKeyId, secret_access_key: s.secretAccessKey });
    expect(await local('GET', `/${name}/docs/readme.txt`)).toMatchObject({ status: 200, body: 'public bytes' });
    expect((await local('HEAD', `/${name}/docs/readme.txt`)).status).toBe(200);
    expect((await local('GET', `/${name}?list-type=2`)).body).toContain('<Key>docs/readme.txt</Key>');
    expect((await local('GET', '/')).status).toBe(403);

    const priv = uniqueBucket('priv');
    expect((await control('POST', '/v1/orgs/me/buckets', token, { name: priv })).status).toBe(201);
    expect((await local('GET', `/${priv}?list-type=2`)).status).toBe(403);

    // Another org's public bucket is not served on the local host: that host is the local org's.
    const other = await freshOrg('pub-other');
    const otherKey = (await control('POST', '/v1/orgs/me/keys', other.token, {})).body;
    const theirs = await publicBucketWithObject(other, otherKey);
    expect((await anonymous('GET', `/${theirs}/docs/readme.txt`, other.orgId)).status).toBe(200);
    expect((await local('GET', `/${theirs}/docs/readme.txt`)).status).toBe(403);
  });
});
