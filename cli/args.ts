/**
 * Command-line options through node:util parseArgs (its tokeniser: `--name value`,
 * `--name=value`, short flags, `--`), checked strictly here so every refusal is one line that
 * says what to do: unknown options (with the nearest known one), missing values, a value that
 * looks like another option, a flag given a value, a single-use option given twice.
 */
import { parseArgs as tokenise } from 'node:util';
import { UsageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given several times (values kept in order). */
  repeatable?: boolean;
  /** One-letter alias, e.g. 'h'. */
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ParsedArgs {
  /** Values of each string option in order of appearance; booleans hold ['true']. */
  flags: Map<string, string[]>;
  positionals: string[];
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpecs = { help: { type: 'boolean', short: 'h' } };

export function parseArgs(argv: string[], specs: OptionSpecs, helpHint = '`sat help`'): ParsedArgs {
  const all: OptionSpecs = { ...COMMON_OPTIONS, ...specs };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple: true }> = {};
  for (const [name, s] of Object.entries(all)) options[name] = { type: s.type, multiple: true, ...(s.short ? { short: s.short } : {}) };
  const { tokens } = tokenise({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = all[t.name];
    if (!spec) {
      const near = nearest(t.name, Object.keys(all));
      throw new UsageError(`unknown option ${t.rawName}${near ? ` (did you mean --${near}?)` : ''}. Run ${helpHint} for the options.`);
    }
    const list = flags.get(t.name) ?? [];
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value (given "${t.value}").`);
      flags.set(t.name, ['true']);
      continue;
    }
    if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value.`);
    if (!t.inlineValue && t.value.startsWith('-') && t.value !== '-')
      throw new UsageError(`${t.rawName} needs a value, but the next argument is "${t.value}"; write ${t.rawName}=${t.value} if that really is the value.`);
    if (list.length > 0 && !spec.repeatable) throw new UsageError(`--${t.name} was given ${list.length + 1} times; give it once.`);
    list.push(t.value);
    flags.set(t.name, list);
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
  return v[0];
}

export function many(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

/** Refuses positional arguments where a command takes none. */
export function noPositionals(args: ParsedArgs, command: string): void {
  if (args.positionals.length)
    throw new UsageError(`unexpected argument '${args.positionals[0]}'. Options start with --; see \`sat help ${command}\`.`);
}

/** The known option closest to a typo (edit distance at most 2), if any. */
function nearest(name: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) (best = k), (bestD = d);
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
