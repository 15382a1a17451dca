export * from './http';
export * from './auth';
export * from './metadata';
export * from './blob';
export * from './metadata-system';
