import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDocument, renderLocationConstraint, type S3DocumentName, type S3Documents } from './documents';
import { S3Error, renderErrorXml } from './errors';

/**
 * Golden files: each response document rendered from the AWS API Reference example values is
 * compared byte for byte with golden/<name>.xml. A change to rendering shows up as a diff to
 * review; `UPDATE_GOLDEN=1 npx jest documents` rewrites the files.
 */
const owner = { ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', DisplayName: 'webfile' };

const SAMPLES: { [R in S3DocumentName]: Array<[string, S3Documents[R]]> } = {
  ListAllMyBucketsResult: [['ListBuckets', { Owner: owner, Buckets: { Bucket: [{ Name: 'examplebucket', CreationDate: '2019-12-11T23:32:47+00:00', BucketRegion: 'auto' }] } }]],
  ListBucketResult: [
    [
      'ListObjectsV2',
      {
        Name: 'bucket',
        Prefix: '',
        MaxKeys: 1000,
        KeyCount: 2,
        IsTruncated: false,
        Contents: [
          { Key: 'my-image.jpg', LastModified: '2009-10-12T17:50:30.000Z', ETag: '"fba9dede5f27731c9771645a39863328"', Size: 434234, StorageClass: 'STANDARD' },
          { Key: 'a & <b>', LastModified: '2009-10-12T17:50:30.000Z', ETag: '"x"', Size: 0, Owner: owner, StorageClass: 'STANDARD' },
        ],
        CommonPrefixes: [],
      },
    ],
    ['ListObjects', { Name: 'quotes', Prefix: 'N', Marker: 'Ned', NextMarker: 'photos/', MaxKeys: 40, Delimiter: '/', IsTruncated: true, Contents: [], CommonPrefixes: [{ Prefix: 'photos/' }] }],
  ],
  ListVersionsResult: [
    [
      'ListObjectVersions',
      {
        Name: 'bucket',
        Prefix: 'my',
        KeyMarker: '',
        VersionIdMarker: '',
        MaxKeys: 5,
        IsTruncated: false,
        Version: [{ Key: 'my-image.jpg', VersionId: '3/L4kqtJl40Nr8X8gdRQBpUMLUo', IsLatest: true, LastModified: '2009-10-12T17:50:30.000Z', ETag: '"fba9dede5f27731c9771645a39863328"', Size: 434234, Owner: owner, StorageClass: 'STANDARD' }],
        DeleteMarker: [{ Key: 'my-second-image.jpg', VersionId: '03jpff543dhffds434rfdsFDN943fdsFkdmqnh892', IsLatest: true, LastModified: '2009-11-12T17:50:30.000Z', Owner: owner }],
        CommonPrefixes: [],
      },
    ],
  ],
  ListMultipartUploadsResult: [
    [
      'ListMultipartUploads',
      {
        Bucket: 'bucket',
        KeyMarker: '',
        UploadIdMarker: '',
        NextKeyMarker: 'my-movie.m2ts',
        NextUploadIdMarker: 'YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ',
        Prefix: '',
        MaxUploads: 3,
        IsTruncated: true,
        Upload: [{ Key: 'my-divisor', UploadId: 'XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw', Initiator: owner, Owner: owner, StorageClass: 'STANDARD', Initiated: '2010-11-10T20:48:33.000Z' }],
        CommonPrefixes: [],
      },
    ],
  ],
  ListPartsResult: [
    [
      'ListParts',
      {
        Bucket: 'example-bucket',
        Key: 'example-object',
        UploadId: 'XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA',
        Initiator: owner,
        Owner: owner,
        StorageClass: 'STANDARD',
        PartNumberMarker: 1,
        NextPartNumberMarker: 3,
        MaxParts: 2,
        IsTruncated: true,
        ChecksumAlgorithm: 'CRC32',
        ChecksumType: 'COMPOSITE',
        Part: [
          { PartNumber: 2, LastModified: '2010-11-10T20:48:34.000Z', ETag: '"7778aef83f66abc1fa1e8477f296d394"', Size: 10485760, ChecksumCRC32: 'AAAAAA==' },
          { PartNumber: 3, LastModified: '2010-11-10T20:48:33.000Z', ETag: '"aaaa18db4cc2f85cedef654fccc4a4x8"', Size: 10485760 },
        ],
      },
    ],
  ],
  InitiateMultipartUploadResult: [['CreateMultipartUpload', { Bucket: 'example-bucket', Key: 'example-object', UploadId: 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA' }]],
  CompleteMultipartUploadResult: [
    [
      'CompleteMultipartUpload',
      {
        Location: 'http://example-bucket.s3.localhost/Example-Object',
        Bucket: 'Example-Bucket',
        Key: 'Example-Object',
        ETag: '"3858f62230ac3c915f300c664312c11f-9"',
        ChecksumCRC64NVME: 'AAAAAAAAAAA=',
        ChecksumType: 'FULL_OBJECT',
      },
    ],
  ],
  CopyObjectResult: [['CopyObject', { LastModified: '2009-10-28T22:32:00.000Z', ETag: '"9b2cf535f27731c974343645a3985328"', ChecksumSHA256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' }]],
  CopyPartResult: [['UploadPartCopy', { LastModified: '2009-10-28T22:32:00.000Z', ETag: '"9b2cf535f27731c974343645a3985328"' }]],
  DeleteResult: [
    [
      'DeleteObjects',
      {
        Deleted: [{ Key: 'sample1.txt' }, { Key: 'sample2.txt', DeleteMarker: true, DeleteMarkerVersionId: 'NeQt5xeFTfgPJD8B4CGWnkSLtluMr11s' }],
        Error: [{ Key: 'sample3.txt', Code: 'AccessDenied', Message: 'Access Denied' }],
      },
    ],
  ],
  VersioningConfiguration: [
    ['GetBucketVersioning-Enabled', { Status: 'Enabled' }],
    ['GetBucketVersioning-never-set', {}],
  ],
};

const golden = (name: string) => join(__dirname, 'golden', `${name}.xml`);

function check(name: string, xml: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden(name), xml + '\n');
  expect(xml + '\n').toBe(readFileSync(golden(name), 'utf8'));
}

describe('response documents match their golden files', () => {
  const cases = (Object.keys(SAMPLES) as S3DocumentName[]).flatMap((root) => SAMPLES[root].map(([name, body]) => [name, root, body] as const));
  it.each(cases)('%s (%s)', (name, root, body) => {
    check(name, renderDocument(root, body as never));
  });

  it('GetBucketLocation', () => check('GetBucketLocation', renderLocationConstraint('auto')));

  it('Error', () => check('Error-NoSuchKey', renderErrorXml(new S3Error('NoSuchKey', undefined, { Key: 'a&b' }), '4442587FB7D0A2F9', '/bucket/a&b')));
});
