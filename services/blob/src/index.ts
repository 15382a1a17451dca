export * from './config';
export * from './service';
export { createBlobBackend } from './backend-factory';
export type { BlobListPage } from './routes/list-blobs';
