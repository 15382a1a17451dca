export * from './http';
export * from './auth';
export * from './metadata';
export * from './blob';
export * from './metadata-system';
export { ResponseParser, type ParsedHead, type ParserEvents } from './response-parser';
