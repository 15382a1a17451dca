export * from './tenant';
export * from './wire';
export * from './queues';
export * from './ports';
export * from './control';
