export * from './errors';
export * from './xml';
export * from './headers';
export * from './documents';
