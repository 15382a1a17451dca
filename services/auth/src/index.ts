export * from './config';
export * from './service';
export * from './store';
export { generateTokenKey } from './tokens';
export type { VerifyRequest } from './verify';
