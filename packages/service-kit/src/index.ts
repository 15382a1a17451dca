export * from './config';
export * from './logger';
export * from './metrics';
export * from './app';
export * from './server';
export * from './db';
export * from './migrations';
export * from './internal-token';
