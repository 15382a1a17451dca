import { assertValidBlobId } from '@excloud/blob-backend';
import { asOrgId, newBlobId, ownsBlob } from '@excloud/contracts';

const org = asOrgId('acme-co');

it('is <org>/<yyyymmdd>/<26 chars> and valid for every backend', () => {
  const id = newBlobId(org, new Date('2025-03-07T23:59:59Z'));
  expect(id).toMatch(/^acme-co\/20250307\/[0-9A-Za-z]{26}$/);
  expect(() => assertValidBlobId(id)).not.toThrow();
});

it('is unique and sorts by creation time', () => {
  const ids = new Set(Array.from({ length: 1000 }, () => newBlobId(org)));
  expect(ids.size).toBe(1000);
  const early = newBlobId(org, new Date('2025-03-07T10:00:00.000Z'));
  const later = newBlobId(org, new Date('2025-03-07T10:00:00.001Z'));
  expect(early < later).toBe(true);
});

it('ownership is decided by the whole org segment', () => {
  const id = newBlobId(org);
  expect(ownsBlob(org, id)).toBe(true);
  expect(ownsBlob(asOrgId('acme'), id)).toBe(false);
});
