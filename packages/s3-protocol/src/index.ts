export * from './errors';
export * from './xml';
