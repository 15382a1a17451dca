import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { runBlobBackendConformance } from './conformance';
import { S3Backend, S3_BACKEND_CLIENT_DEFAULTS } from './s3';

/**
 * CI proves the S3 backend in test-e2e/s3-backend-conformance.e2e.test.ts (against our own
 * gateway, and Ceph RGW when installed). This file runs the same suite against any other
 * endpoint an operator wants to check, when one is configured:
 *   S3_BACKEND_TEST_ENDPOINT   e.g. https://s3.example.internal
 *   S3_BACKEND_TEST_BUCKET     an existing bucket (default: blob-backend-test)
 *   S3_BACKEND_TEST_REGION     default: us-east-1
 *   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or any other SDK credential source)
 * Every backend instance gets its own random key prefix, so runs don't see each other's objects.
 */
const endpoint = process.env.S3_BACKEND_TEST_ENDPOINT;

if (endpoint) {
  const client = new S3Client({
    ...S3_BACKEND_CLIENT_DEFAULTS,
    endpoint,
    region: process.env.S3_BACKEND_TEST_REGION ?? 'us-east-1',
    forcePathStyle: true,
  });
  const bucket = process.env.S3_BACKEND_TEST_BUCKET ?? 'blob-backend-test';
  afterAll(() => client.destroy());
  runBlobBackendConformance('s3', async () => new S3Backend({ client, bucket, prefix: `conformance-${randomBytes(6).toString('hex')}/` }));
} else {
  it.skip('S3 conformance against an operator endpoint (set S3_BACKEND_TEST_ENDPOINT; CI runs it in test-e2e)', () => undefined);
}
