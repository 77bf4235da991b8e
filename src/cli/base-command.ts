/**
 * The base of every kstream command: the output flag, and the one place where errors become a
 * line on stderr and an exit code. Commands stay thin: parse flags, call src/ops or src/client,
 * render a view with src/output.
 */
// @oclif/core's subpath modules, not its index: the index loads ~50 more CommonJS modules (help,
// parser internals, ux, ...) that a running command never uses, 25-30 ms of every start-up.
// test/cli/start-up.test.ts checks that no command loads the index.
import {Command} from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import type {CommandError} from '@oclif/core/interfaces';
import {describeError, KstreamError} from '../output/errors.js';
import {loadColour, OUTPUT_FORMATS, OutputFormat, renderView, useColour} from '../output/render.js';

export const outputFlag = Flags.string({
  char: 'o',
  description: 'output format',
  options: OUTPUT_FORMATS,
  default: 'table',
});

export abstract class BaseCommand extends Command {
  protected override async init(): Promise<void> {
    await super.init();
    // Tables are rendered synchronously; chalk, imported only for coloured output, must be ready.
    if (useColour()) await loadColour();
  }

  /** Print a view in the format chosen with -o. */
  protected print<T>(view: T, format: string | undefined, table: (view: T) => string): void {
    const text = renderView(view, (format ?? 'table') as OutputFormat, table);
    if (text.length > 0) this.log(text);
  }

  protected override async catch(err: CommandError): Promise<unknown> {
    // this.exit() throws an ExitError: pass it through untouched.
    if ((err as {code?: string}).code === 'EEXIT') throw err;
    // oclif's own parse errors (unknown flag, missing arg) keep their message and exit code 2.
    if (process.env.DEBUG && /kstream/.test(process.env.DEBUG)) console.error(err.stack);
    const oclifExit = (err as {oclif?: {exit?: number}}).oclif?.exit;
    const exitCode = err instanceof KstreamError ? err.exitCode : oclifExit ?? 1;
    process.stderr.write(`Error: ${describeError(err)}\n`);
    this.exit(exitCode);
  }
}
