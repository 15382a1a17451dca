export * from './config';
export * from './service';
export { createBlobBackend } from './backend-factory';
export { newBlobId } from './blob-id';
export type { BlobListPage } from './routes/list-blobs';
