export * from './postgres';
export * from './redis';
export * from './raw-socket';
