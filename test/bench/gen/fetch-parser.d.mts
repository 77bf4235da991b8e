// Types of fetch-parser.mjs, for the harness's tests.
export class ResponseParser {
  constructor(fallback: bigint);
  next: bigint;
  bytes: number;
  records: {start: number; length: number} | undefined;
  done(): boolean;
  feed(chunk: Buffer): number;
}
