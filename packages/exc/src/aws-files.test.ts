import { upsertSection } from './aws-files';

describe('upsertSection', () => {
  it('appends a new profile after the others, exactly as the customer docs show it', () => {
    const before = '[default]\nregion = us-east-1\n';
    expect(upsertSection(before, 'profile excloud', [['region', 'auto'], ['endpoint_url', 'https://acme.buckets.excloud.in']])).toBe(
      '[default]\nregion = us-east-1\n\n[profile excloud]\nregion = auto\nendpoint_url = https://acme.buckets.excloud.in\n',
    );
  });

  it('creates the file content from nothing', () => {
    expect(upsertSection('', 'excloud', [['aws_access_key_id', 'AKIA1'], ['aws_secret_access_key', 's']])).toBe('[excloud]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n');
  });

  it('updates our keys in place and keeps other keys, comments and profiles', () => {
    const before = '# mine\n[excloud]\noutput = json\naws_access_key_id = AKIAOLD\n\n[other]\naws_access_key_id = AKIAOTHER\n';
    expect(upsertSection(before, 'excloud', [['aws_access_key_id', 'AKIANEW'], ['aws_secret_access_key', 'sec']])).toBe(
      '# mine\n[excloud]\noutput = json\naws_access_key_id = AKIANEW\naws_secret_access_key = sec\n\n[other]\naws_access_key_id = AKIAOTHER\n',
    );
  });

  it('does not mistake a profile whose name merely contains ours', () => {
    const before = '[profile excloud-old]\nregion = x\n';
    const after = upsertSection(before, 'profile excloud', [['region', 'auto']]);
    expect(after).toBe('[profile excloud-old]\nregion = x\n\n[profile excloud]\nregion = auto\n');
  });
});
