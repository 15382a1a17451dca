import type { ChecksumXmlName } from '@excloud/contracts';
import { S3_XMLNS, escapeXml, toXml, type XmlNode } from './xml';

/**
 * The response documents we send, typed: a handler cannot misspell an element or forget a
 * required one. Element order is the order of the fields, which follows the AWS API Reference.
 * `undefined` fields are omitted; arrays repeat their element.
 */
export interface OwnerXml {
  ID: string;
  DisplayName: string;
}

type ChecksumFields = Partial<Record<ChecksumXmlName, string>>;
type Checksummed<T> = T & ChecksumFields;

export interface ObjectEntryXml {
  Key: string;
  LastModified: string;
  ETag: string;
  Size: number;
  Owner?: OwnerXml;
  StorageClass: 'STANDARD';
}

interface CommonPrefixXml {
  Prefix: string;
}

export interface ListObjectsV1Xml {
  Name: string;
  Prefix: string;
  Marker: string;
  NextMarker?: string;
  MaxKeys: number;
  Delimiter?: string;
  EncodingType?: 'url';
  IsTruncated: boolean;
  Contents: ObjectEntryXml[];
  CommonPrefixes: CommonPrefixXml[];
}

export interface ListObjectsV2Xml {
  Name: string;
  Prefix: string;
  Delimiter?: string;
  MaxKeys: number;
  EncodingType?: 'url';
  KeyCount: number;
  IsTruncated: boolean;
  ContinuationToken?: string;
  NextContinuationToken?: string;
  StartAfter?: string;
  Contents: ObjectEntryXml[];
  CommonPrefixes: CommonPrefixXml[];
}

export interface S3Documents {
  ListAllMyBucketsResult: { Owner: OwnerXml; Buckets: { Bucket: Array<{ Name: string; CreationDate: string; BucketRegion?: string }> } };
  ListBucketResult: ListObjectsV1Xml | ListObjectsV2Xml;
  ListVersionsResult: {
    Name: string;
    Prefix: string;
    KeyMarker: string;
    VersionIdMarker: string;
    NextKeyMarker?: string;
    NextVersionIdMarker?: string;
    MaxKeys: number;
    Delimiter?: string;
    EncodingType?: 'url';
    IsTruncated: boolean;
    Version: Array<{ Key: string; VersionId: string; IsLatest: boolean; LastModified: string; ETag: string; Size: number; Owner: OwnerXml; StorageClass: 'STANDARD' }>;
    DeleteMarker: Array<{ Key: string; VersionId: string; IsLatest: boolean; LastModified: string; Owner: OwnerXml }>;
    CommonPrefixes: CommonPrefixXml[];
  };
  ListMultipartUploadsResult: {
    Bucket: string;
    KeyMarker: string;
    UploadIdMarker: string;
    NextKeyMarker?: string;
    NextUploadIdMarker?: string;
    Prefix: string;
    Delimiter?: string;
    MaxUploads: number;
    EncodingType?: 'url';
    IsTruncated: boolean;
    Upload: Array<{ Key: string; UploadId: string; Initiator: OwnerXml; Owner: OwnerXml; StorageClass: 'STANDARD'; Initiated: string }>;
    CommonPrefixes: CommonPrefixXml[];
  };
  ListPartsResult: {
    Bucket: string;
    Key: string;
    UploadId: string;
    Initiator: OwnerXml;
    Owner: OwnerXml;
    StorageClass: 'STANDARD';
    PartNumberMarker: number;
    NextPartNumberMarker?: number;
    MaxParts: number;
    IsTruncated: boolean;
    ChecksumAlgorithm?: string;
    ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT';
    Part: Array<Checksummed<{ PartNumber: number; LastModified: string; ETag: string; Size: number }>>;
  };
  InitiateMultipartUploadResult: { Bucket: string; Key: string; UploadId: string };
  CompleteMultipartUploadResult: Checksummed<{ Location: string; Bucket: string; Key: string; ETag: string }> & { ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT' };
  CopyObjectResult: Checksummed<{ LastModified: string; ETag: string }>;
  CopyPartResult: Checksummed<{ LastModified: string; ETag: string }>;
  DeleteResult: {
    Deleted: Array<{ Key: string; VersionId?: string; DeleteMarker?: true; DeleteMarkerVersionId?: string }>;
    Error: Array<{ Key: string; VersionId?: string; Code: string; Message: string }>;
  };
  VersioningConfiguration: { Status?: 'Enabled' | 'Suspended' };
}

export type S3DocumentName = keyof S3Documents;

/** Render one of our response documents (with the S3 namespace and XML declaration). */
export function renderDocument<R extends S3DocumentName>(root: R, body: S3Documents[R]): string {
  // The document types are closed interfaces of XML values; toXml walks them as nodes.
  return toXml(root, body as unknown as XmlNode);
}

/** GetBucketLocation's document is a bare text element, which toXml does not produce. */
export function renderLocationConstraint(region: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${escapeXml(region)}</LocationConstraint>`;
}
