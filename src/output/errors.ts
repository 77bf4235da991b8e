/**
 * Errors meant for people. Library code throws these; only the command layer turns them into
 * one line on stderr and an exit code (see src/cli/base-command.ts).
 */
export class KstreamError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** Optional second sentence: what to do about it. */
  readonly hint?: string;

  constructor(message: string, options: {exitCode?: number; hint?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.name = 'KstreamError';
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Bad flags or arguments: exit code 2, like a usage error. */
export class UsageError extends KstreamError {
  constructor(message: string, hint?: string) {
    super(message, {exitCode: 2, hint});
    this.name = 'UsageError';
  }
}

/** The one line a person sees for any error. */
export function describeError(err: unknown): string {
  if (err instanceof KstreamError) return err.hint ? `${err.message}. ${err.hint}` : err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return `connection refused: ${err.message.replace(/^connect ECONNREFUSED\s*/, '')}`;
    return err.message;
  }
  return String(err);
}
