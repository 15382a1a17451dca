import { ListBucketsCommand, GetBucketAclCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { control, eventually, freshOrg, operator } from './support/control';
import { anonymous } from './support/raw';

/** The control API over HTTP: operator scope, org scope, validation, and tenant isolation. */
describe('control API', () => {
  let a: { orgId: string; token: string };
  let b: { orgId: string; token: string };
  const me = (org: { token: string }, method: string, route: string, body?: unknown) => control(method, `/v1/orgs/me${route}`, org.token, body);
  const s3For = (key: { access_key_id: string; secret_access_key: string }) => s3({ accessKeyId: key.access_key_id, secret: key.secret_access_key });
  const canList = (key: { access_key_id: string; secret_access_key: string }) =>
    s3For(key)
      .send(new ListBucketsCommand({}))
      .then(
        () => true,
        () => false,
      );

  beforeAll(async () => {
    a = await freshOrg('ctl-a');
    b = await freshOrg('ctl-b');
  });

  it('refuses missing, wrong and cross-scope tokens with stable JSON errors', async () => {
    expect(await me({ token: '' }, 'GET', '')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await me({ token: 'exc_notarealtokennotarealtoken' }, 'GET', '')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    // An org token is not an operator token.
    expect(await control('GET', '/v1/admin/orgs', a.token)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await me(a, 'GET', '/nope')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await me(a, 'POST', '/keys', '{not json')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await me(a, 'POST', '/keys', { name: 'x', admin: true })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it('shows the org, its S3 endpoint and usage to its own token', async () => {
    const res = await me(a, 'GET', '');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: a.orgId, status: 'active', usage: { buckets: 0, objects: 0, bytes: 0 } });
    expect(typeof res.body.s3_endpoint).toBe('string');
  });

  it('manages org API tokens: created by another token, shown once, revocable', async () => {
    const created = await me(a, 'POST', '/tokens', { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^exc_/);
    const second = { token: created.body.token as string };
    expect((await me(second, 'GET', '')).body.id).toBe(a.orgId);
    const listed = await me(a, 'GET', '/tokens');
    expect(listed.body.tokens.map((t: { id: string }) => t.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    // Org B cannot revoke org A's token.
    expect((await me(b, 'DELETE', `/tokens/${created.body.id}`)).status).toBe(404);
    expect((await me(a, 'DELETE', `/tokens/${created.body.id}`)).status).toBe(204);
    expect((await me(second, 'GET', '')).status).toBe(401);
  });

  it('creates AKIA keys whose secret is shown once, and disables, enables and deletes them', async () => {
    const created = await me(a, 'POST', '/keys', { name: 'laptop' });
    expect(created.status).toBe(201);
    expect(created.body.access_key_id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(created.body.secret_access_key).toMatch(/^[A-Za-z0-9+/]{40}$/);
    const key = created.body;
    const listed = await me(a, 'GET', '/keys');
    expect(listed.body.keys).toEqual([expect.objectContaining({ access_key_id: key.access_key_id, name: 'laptop', status: 'active' })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.secret_access_key);
    expect(await canList(key)).toBe(true);

    expect((await me(a, 'PATCH', `/keys/${key.access_key_id}`, { status: 'inactive' })).body.status).toBe('inactive');
    expect(await eventually(async () => !(await canList(key)), 5000)).toBe(true);
    expect((await me(a, 'PATCH', `/keys/${key.access_key_id}`, { status: 'active' })).body.status).toBe('active');
    expect(await eventually(() => canList(key), 5000)).toBe(true);

    // Another org's token sees no such key and cannot touch it.
    expect(await me(b, 'DELETE', `/keys/${key.access_key_id}`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(await me(b, 'PATCH', `/keys/${key.access_key_id}`, { status: 'inactive' })).toMatchObject({ status: 404 });
    expect(await canList(key)).toBe(true);
    expect(await me(a, 'PATCH', `/keys/${key.access_key_id}`, { status: 'off' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await me(a, 'DELETE', '/keys/AKIA123')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });

    expect((await me(a, 'DELETE', `/keys/${key.access_key_id}`)).status).toBe(204);
    expect(await eventually(async () => !(await canList(key)), 5000)).toBe(true);
    expect((await me(a, 'DELETE', `/keys/${key.access_key_id}`)).status).toBe(404);
  });

  it('manages buckets through metadata: is_public is the public-read ACL', async () => {
    const name = uniqueBucket('ctl');
    expect(await me(a, 'POST', '/buckets', { name: 'Bad_Name' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await me(a, 'POST', '/buckets', { name, is_public: 'yes' })).toMatchObject({ status: 400 });
    expect(await me(a, 'POST', '/buckets', { name, is_public: true })).toMatchObject({ status: 201, body: { name, is_public: true } });
    expect(await me(a, 'POST', '/buckets', { name })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await me(b, 'GET', `/buckets/${name}`)).status).toBe(404);
    expect((await me(b, 'DELETE', `/buckets/${name}`)).status).toBe(404);

    const key = (await me(a, 'POST', '/keys', {})).body;
    const acl = await s3For(key).send(new GetBucketAclCommand({ Bucket: name }));
    expect(acl.Grants).toEqual(expect.arrayContaining([expect.objectContaining({ Permission: 'READ', Grantee: expect.objectContaining({ URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }) })]));
    await s3For(key).send(new PutObjectCommand({ Bucket: name, Key: 'hello.txt', Body: 'hello world' }));
    expect((await anonymous('GET', `/${name}/hello.txt`, a.orgId)).body).toBe('hello world');

    expect(await me(a, 'PATCH', `/buckets/${name}`, { is_public: false })).toMatchObject({ status: 200, body: { is_public: false } });
    expect((await anonymous('GET', `/${name}/hello.txt`, a.orgId)).status).toBe(403);

    const usage = await me(a, 'GET', '/usage');
    expect(usage.body).toMatchObject({ org_id: a.orgId, total: { buckets: 1, objects: 1, bytes: 11 }, buckets: [{ name, objects: 1, bytes: 11 }] });
    expect(await me(a, 'DELETE', `/buckets/${name}`)).toMatchObject({ status: 409, body: { error: { code: 'bucket_not_empty' } } });
    const list = await me(a, 'GET', '/buckets');
    expect(list.body.buckets.map((x: { name: string }) => x.name)).toEqual([name]);
    expect((await me(b, 'GET', '/buckets')).body.buckets).toEqual([]);
  });

  it('sets quotas (enforced by metadata) and shows them with usage; meters usage per hour', async () => {
    const q = await freshOrg('ctl-q');
    const key = (await me(q, 'POST', '/keys', {})).body;
    const name = uniqueBucket('quota');
    expect((await me(q, 'POST', '/buckets', { name })).status).toBe(201);
    expect(await operator('PUT', `/orgs/${q.orgId}/quotas`, { max_bytes: -1 })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await operator('PUT', `/orgs/${q.orgId}/quotas`, { max_gigs: 1 })).toMatchObject({ status: 400 });
    expect(await control('PUT', `/v1/admin/orgs/${q.orgId}/quotas`, q.token, { max_bytes: 1 })).toMatchObject({ status: 401 });
    const set = await operator('PUT', `/orgs/${q.orgId}/quotas`, { max_bytes: 1024 * 1024, max_buckets: 1 });
    expect(set.body).toEqual({ org_id: q.orgId, quotas: { max_bytes: 1048576, max_objects: null, max_buckets: 1, max_object_bytes: null } });
    expect((await me(q, 'GET', '')).body.quotas).toMatchObject({ max_bytes: 1048576, max_buckets: 1 });

    await s3For(key).send(new PutObjectCommand({ Bucket: name, Key: 'a', Body: Buffer.alloc(1000 * 1000) }));
    await expect(s3For(key).send(new PutObjectCommand({ Bucket: name, Key: 'b', Body: Buffer.alloc(100 * 1000) }))).rejects.toMatchObject({
      name: 'QuotaExceeded',
      $metadata: { httpStatusCode: 403 },
    });
    expect(await me(q, 'POST', '/buckets', { name: uniqueBucket('quota') })).toMatchObject({ status: 403, body: { error: { code: 'quota_exceeded' } } });
    expect((await me(q, 'GET', '/usage')).body).toMatchObject({ total: { buckets: 1, objects: 1, bytes: 1000 * 1000 }, quotas: { max_bytes: 1048576 } });
    // Lifting the limit lets the same PUT through.
    await operator('PUT', `/orgs/${q.orgId}/quotas`, { max_bytes: null });
    await s3For(key).send(new PutObjectCommand({ Bucket: name, Key: 'b', Body: Buffer.alloc(100 * 1000) }));

    const hourly = await me(q, 'GET', '/usage/hourly');
    expect(hourly.status).toBe(200);
    expect(Array.isArray(hourly.body.hours)).toBe(true);
    expect(await me(q, 'GET', '/usage/hourly?from=yesterday')).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it('lets the operator list, suspend and resume orgs, and read their usage', async () => {
    const c = await freshOrg('ctl-c');
    const key = (await me(c, 'POST', '/keys', {})).body;
    expect((await operator('GET', '/orgs')).body.orgs.map((o: { id: string }) => o.id)).toContain(c.orgId);
    expect(await operator('POST', '/orgs', { id: c.orgId })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(await operator('POST', '/orgs', { id: 'Not An Org' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect(await operator('GET', '/orgs/no-such-org-here')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await operator('GET', `/orgs/${c.orgId}/usage`)).body).toMatchObject({ org_id: c.orgId, total: { buckets: 0 }, quotas: { max_bytes: null } });

    expect((await operator('POST', `/orgs/${c.orgId}/suspend`)).body.status).toBe('suspended');
    expect(await me(c, 'GET', '')).toMatchObject({ status: 403, body: { error: { code: 'org_suspended' } } });
    expect(await eventually(async () => !(await canList(key)), 5000)).toBe(true);
    expect((await operator('POST', `/orgs/${c.orgId}/resume`)).body.status).toBe('active');
    expect((await me(c, 'GET', '')).status).toBe(200);
    expect(await eventually(() => canList(key), 5000)).toBe(true);
  });
});
