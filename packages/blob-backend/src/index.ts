export {
  BlobNotFoundError,
  InvalidBlobIdError,
  type BlobBackend,
  type BlobBackendName,
  type BlobBody,
  type BlobInfo,
  type BlobListEntry,
  type PackMaintenance,
} from './backend';
export { assertValidBlobId, isValidBlobId, MAX_ID_LENGTH } from './validation';
export { FilesystemBackend, type FilesystemBackendOptions } from './filesystem';
export { BORROWED_READ_SIZE } from './borrowed-read';
export type { PackIo } from './pack-store';
export { readPackedIds, readPackedIdsSync, readSegmentTailsSync, type SegmentTail } from './pack-inspect';
export { MemoryBackend } from './memory';
export { S3Backend, S3_BACKEND_CLIENT_DEFAULTS, type S3BackendOptions } from './s3';
export type { UploadTuning } from './s3-upload';
export { instrumented, type BlobBackendMetrics, type BlobBackendOp } from './instrumented';
export { runBlobBackendConformance } from './conformance';
