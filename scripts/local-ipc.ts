import { StartFailure } from './start-failure';

/** What a service process and local mode's supervisor say to each other over the IPC channel. */
export type ChildMessage = { type: 'ready'; port: number; opsPort?: number } | { type: 'failed'; error: SentError };
export type ParentMessage = { type: 'stop' };

/** An error that crossed the channel: enough to print the same one line as in one process. */
export interface SentError {
  message: string;
  stack?: string;
  code?: string;
  port?: number;
  path?: string;
  syscall?: string;
  problem?: string;
  fix?: string;
}

export function sendableError(err: unknown): SentError {
  if (err instanceof StartFailure) return { message: err.message, stack: err.stack, problem: err.problem, fix: err.fix };
  if (!(err instanceof Error)) return { message: String(err) };
  const { code, port, path, syscall } = err as Error & Omit<SentError, 'message'>;
  return { message: err.message, stack: err.stack, code, port, path, syscall };
}

export function receivedError(sent: SentError): Error {
  if (sent.problem !== undefined && sent.fix !== undefined) return new StartFailure(sent.problem, sent.fix);
  const err = Object.assign(new Error(sent.message), { code: sent.code, port: sent.port, path: sent.path, syscall: sent.syscall });
  if (sent.stack) err.stack = sent.stack;
  return err;
}
