/**
 * Turning a thrown config/topic error into the (errorCode, errorMessage) pair an admin response
 * carries. Anything without a Kafka error code is a bug on our side: UNKNOWN_SERVER_ERROR.
 */
export interface ApiError {
  errorCode: number;
  errorMessage: string | null;
}

const UNKNOWN_SERVER_ERROR = -1;

export function toApiError(err: unknown): ApiError {
  const code = (err as {errorCode?: unknown})?.errorCode;
  if (typeof code === 'number') return {errorCode: code, errorMessage: (err as Error).message ?? null};
  return {errorCode: UNKNOWN_SERVER_ERROR, errorMessage: err instanceof Error ? err.message : String(err)};
}

/** An error with a Kafka code, for handler-local checks. */
export class ApiException extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
    this.name = 'ApiException';
  }
}
