/**
 * Man pages generated from the command definitions (summary, description, flags, arguments,
 * examples), so they can never drift from --help. `npm run man` writes them to man/.
 */
import {Command} from '@oclif/core';
import {loadSourceConfig} from './source-config.js';

type CommandMeta = Command.Loadable;

/** Escape text for roff: backslashes, leading dots/quotes, and hyphens in option names. */
export function roffEscape(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function renderTemplate(text: string, bin: string, commandId: string): string {
  return text.replace(/<%= config\.bin %>/g, bin).replace(/<%= command\.id %>/g, commandId);
}

function exampleText(example: Command.Example): string {
  if (typeof example === 'string') return example;
  return `${example.description}\n${example.command}`;
}

export function commandPageName(id: string): string {
  return `kstream-${id.replace(/:/g, '-')}`;
}

function flagSynopsis(name: string, flag: Command.Flag.Cached): string {
  const long = `--${name}`;
  const short = flag.char ? `-${flag.char}, ` : '';
  if (flag.type === 'boolean') return `${short}${long}${flag.allowNo ? ` | --no-${name}` : ''}`;
  const value = flag.options ? flag.options.join('|') : (flag.helpValue as string | undefined) ?? name.toUpperCase();
  return `${short}${long}=${value}`;
}

export function renderCommandPage(cmd: CommandMeta, bin: string, version: string): string {
  const spaced = cmd.id.replace(/:/g, ' ');
  const title = commandPageName(cmd.id).toUpperCase();
  const lines: string[] = [];
  lines.push(`.TH ${roffEscape(title)} 1 "" "kstream ${version}" "kstream manual"`);
  lines.push('.SH NAME', `${roffEscape(commandPageName(cmd.id))} \\- ${roffEscape(cmd.summary ?? cmd.description?.split('\n')[0] ?? '')}`);
  const args = Object.entries(cmd.args ?? {}).map(([name, a]) => (a.required ? name.toUpperCase() : `[${name.toUpperCase()}]`));
  lines.push('.SH SYNOPSIS', `.B ${bin} ${roffEscape(spaced)}`, roffEscape([...args, '[FLAGS]'].join(' ')));
  if (cmd.description) lines.push('.SH DESCRIPTION', roffEscape(renderTemplate(cmd.description, bin, spaced)));
  const argEntries = Object.entries(cmd.args ?? {});
  if (argEntries.length > 0) {
    lines.push('.SH ARGUMENTS');
    for (const [name, a] of argEntries) lines.push('.TP', `.B ${roffEscape(name.toUpperCase())}`, roffEscape(a.description ?? ''));
  }
  const flags = Object.entries(cmd.flags ?? {}).filter(([, f]) => !f.hidden).sort(([a], [b]) => a.localeCompare(b));
  if (flags.length > 0) {
    lines.push('.SH OPTIONS');
    for (const [name, f] of flags) {
      const text = f.summary ?? f.description ?? '';
      const extra = f.default !== undefined && f.type !== 'boolean' ? ` (default: ${String(f.default)})` : '';
      // Most repeatable flags say so in their description already (for --help, which does not).
      const multiple = f.type === 'option' && f.multiple && !text.includes('(repeatable)') ? ' (repeatable)' : '';
      lines.push('.TP', `.B ${roffEscape(flagSynopsis(name, f))}`, roffEscape(`${text}${extra}${multiple}`));
    }
  }
  const examples = (cmd.examples ?? []).map((e) => renderTemplate(exampleText(e), bin, spaced));
  if (examples.length > 0) {
    lines.push('.SH EXAMPLES');
    for (const e of examples) lines.push('.PP', '.nf', roffEscape(e), '.fi');
  }
  lines.push('.SH SEE ALSO', '.BR kstream (1)');
  return lines.join('\n') + '\n';
}

export function renderIndexPage(cmds: CommandMeta[], bin: string, version: string): string {
  const lines = [
    `.TH KSTREAM 1 "" "kstream ${version}" "kstream manual"`,
    '.SH NAME',
    'kstream \\- Kafka admin and ops toolkit with an embedded Kafka broker',
    '.SH SYNOPSIS',
    `.B ${bin}`,
    'COMMAND [FLAGS]',
    '.SH DESCRIPTION',
    roffEscape('kstream manages Apache Kafka and Redpanda clusters (topics, partitions, consumer groups, offset resets, lag, segment dumps, OS checks) and runs an embedded Kafka broker with `kstream broker start`. Every command that prints a result takes -o table|json|yaml.'),
    '.SH COMMANDS',
  ];
  for (const cmd of [...cmds].sort((a, b) => a.id.localeCompare(b.id))) {
    lines.push('.TP', `.B ${bin} ${roffEscape(cmd.id.replace(/:/g, ' '))}`, roffEscape(cmd.summary ?? ''));
  }
  lines.push(
    '.SH ENVIRONMENT',
    '.TP', '.B KSTREAM_BROKERS', roffEscape('bootstrap brokers when -b is not given'),
    '.TP', '.B KSTREAM_PROFILE', roffEscape('profile to use when --profile is not given'),
    '.TP', '.B KSTREAM_SASL_PASSWORD', roffEscape('SASL password'),
    '.TP', '.B NO_COLOR', roffEscape('disable colour in tables'),
    '.TP', '.B DEBUG', roffEscape('DEBUG=kstream* prints stack traces of errors'),
    '.SH SEE ALSO',
    cmds.map((c) => `.BR ${roffEscape(commandPageName(c.id))} (1)`).sort().join(',\n'),
  );
  return lines.join('\n') + '\n';
}

/** Every page, by file name, for the CLI rooted at `root`. */
export async function generateManPages(root: string): Promise<Map<string, string>> {
  // Load the TypeScript sources (./commands) the way bin/dev.js does, never the manifest of dist/
  // (a development-time helper: tsx is a dev dependency).
  const {register} = await import('tsx/esm/api');
  register();
  const config = await loadSourceConfig(root);
  const cmds = config.commands.filter((c) => !c.hidden);
  const pages = new Map<string, string>();
  pages.set('kstream.1', renderIndexPage(cmds, config.bin, config.version));
  for (const cmd of cmds) pages.set(`${commandPageName(cmd.id)}.1`, renderCommandPage(cmd, config.bin, config.version));
  return pages;
}
