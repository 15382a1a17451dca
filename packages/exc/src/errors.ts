/**
 * Exit codes (stable, documented in `exc --help`):
 * 0 ok · 1 the service refused (not found, conflict…) · 2 bad input or usage · 3 not logged in or
 * token refused · 4 endpoint unreachable or not an excloud control API.
 */
export const EXIT = { ok: 0, refused: 1, usage: 2, auth: 3, unreachable: 4 } as const;

/** An error meant for the user: one line, and the exit code that classifies it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.refused,
    readonly code?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage, 'usage');
