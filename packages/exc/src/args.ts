import { usageError } from './errors';

/**
 * A small argv parser: `--flag`, `--flag=value`, `--flag value` (for flags declared as taking a
 * value), `--no-flag`, and positionals. Unknown flags are errors, so typos never pass silently.
 */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

export function parseArgs(argv: string[], spec: { values?: string[]; booleans?: string[] }): ParsedArgs {
  const values = new Set(spec.values ?? []);
  const booleans = new Set([...(spec.booleans ?? []), 'help', 'json']);
  const out: ParsedArgs = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      out.flags.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (values.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw usageError(`--${name} needs a value`);
      out.flags[name] = value;
    } else if (booleans.has(name)) {
      out.flags[name] = inline === undefined ? true : parseBool(name, inline);
    } else if (name.startsWith('no-') && booleans.has(name.slice(3)) && inline === undefined) {
      out.flags[name.slice(3)] = false;
    } else {
      throw usageError(`unknown option --${name}`);
    }
  }
  return out;
}

function parseBool(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw usageError(`--${name} must be true or false, not ${JSON.stringify(value)}`);
}
