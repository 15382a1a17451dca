import { parseArgs } from './args';
import { COMMANDS, type Command } from './commands';
import { CliError, EXIT } from './errors';

/**
 * `exc`: the customer's command line for an excloud buckets org. Finds the longest command path
 * that matches argv, parses that command's flags, runs it, prints text or --json, and exits with a
 * code from errors.ts. Every level answers --help.
 */
const EXIT_HELP = `exit codes: 0 ok, 1 refused by the service, 2 bad input, 3 not logged in or token refused, 4 endpoint unreachable`;

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const command = COMMANDS.filter((c) => c.path.every((p, i) => words[i] === p)).sort((x, y) => y.path.length - x.path.length)[0];
  const wantsHelp = argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
  const json = argv.includes('--json');
  try {
    if (!command) {
      const prefix = prefixOf(words);
      if (words.length > prefix.length && !wantsHelp) throw new CliError(`unknown command: exc ${[...prefix, words[prefix.length]].join(' ')} (see ${['exc', ...prefix].join(' ')} --help)`, EXIT.usage, 'usage');
      // `exc buckets` alone is incomplete: the help goes to stderr with a usage exit code.
      if (wantsHelp || argv.length === 0) {
        out(groupHelp(prefix));
        return EXIT.ok;
      }
      process.stderr.write(groupHelp(prefix) + '\n');
      return EXIT.usage;
    }
    const rest = removePath(argv, command.path);
    if (wantsHelp) {
      out(commandHelp(command));
      return EXIT.ok;
    }
    const parsed = parseArgs(rest, { values: command.values, booleans: command.booleans });
    const result = await command.run(parsed);
    out(json ? JSON.stringify(result.json, null, 2) : result.text);
    return EXIT.ok;
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(String((err as Error)?.message ?? err), EXIT.refused, 'internal');
    if (json) process.stderr.write(JSON.stringify({ error: { code: e.code ?? 'error', message: e.message } }) + '\n');
    else process.stderr.write(`exc: ${e.message}\n`);
    return e.exitCode;
  }
}

/** The longest command-group prefix of the words (e.g. ['buckets', 'keys']). */
function prefixOf(words: string[]): string[] {
  const prefix: string[] = [];
  for (const w of words) {
    const next = [...prefix, w];
    if (!COMMANDS.some((c) => c.path.length > next.length && next.every((p, i) => c.path[i] === p))) break;
    prefix.push(w);
  }
  return prefix;
}

function removePath(argv: string[], path: string[]): string[] {
  const rest = [...argv];
  for (const p of path) rest.splice(rest.indexOf(p), 1);
  return rest;
}

function groupHelp(prefix: string[]): string {
  const cmds = COMMANDS.filter((c) => prefix.every((p, i) => c.path[i] === p));
  return [
    `usage: exc ${prefix.length ? prefix.join(' ') + ' ' : ''}<command> [options]`,
    '',
    ...cmds.map((c) => `  exc ${c.path.join(' ')} ${c.args}`.trimEnd() + `\n      ${c.summary}`),
    '',
    'every command takes --help and --json (machine-readable output; errors as JSON on stderr)',
    EXIT_HELP,
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`usage: exc ${c.path.join(' ')} ${c.args} [--json]`.replace('  ', ' '), '', c.summary, ...(c.details ? ['', c.details] : []), '', EXIT_HELP].join('\n');
}

function out(text: string): void {
  process.stdout.write(text + '\n');
}
