export * from './tenant';
export * from './checksums';
export * from './headers';
export * from './wire';
export * from './queues';
export * from './ports';
export * from './internal-api';
export * from './blob-id';
