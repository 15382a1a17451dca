import { newUploadId } from './upload-store';

it('upload ids are long, random and safe as a command-line argument', () => {
  const ids = new Set(Array.from({ length: 2000 }, () => newUploadId()));
  expect(ids.size).toBe(2000);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{48}$/);
});
