import { UsageError } from './errors';

export interface ParsedArgs {
  /** Values of each --flag in order of appearance (repeatable flags keep all). */
  flags: Map<string, string[]>;
  positionals: string[];
}

/**
 * Minimal GNU-style parser: `--name value`, `--name=value`, boolean flags listed in
 * `booleans`. Unknown flags are refused so typos do not silently change a result.
 */
export function parseArgs(argv: string[], known: { values: string[]; booleans: string[] }): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (known.booleans.includes(name)) {
      if (value !== undefined) throw new UsageError(`--${name} takes no value.`);
      flags.set(name, ['true']);
      continue;
    }
    if (!known.values.includes(name)) throw new UsageError(`unknown option --${name}. Run \`sat help\` for the options.`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
    }
    const list = flags.get(name) ?? [];
    list.push(value);
    flags.set(name, list);
  }
  return { flags, positionals };
}

export function one(args: ParsedArgs, name: string, required: true): string;
export function one(args: ParsedArgs, name: string, required?: false): string | undefined;
export function one(args: ParsedArgs, name: string, required = false): string | undefined {
  const v = args.flags.get(name);
  if (!v || v.length === 0) {
    if (required) throw new UsageError(`--${name} is required.`);
    return undefined;
  }
  if (v.length > 1) throw new UsageError(`--${name} was given ${v.length} times; give it once.`);
  return v[0];
}

export function many(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}
