/** One `sat` subcommand. Each lives in its own file under cli/commands/ and is listed in index.ts. */
export interface Command {
  name: string;
  /** One line for `sat help`. */
  summary: string;
  /** Full usage text for `sat help NAME`. */
  usage: string;
  /** Returns the exit code. Throw UsageError (or engine InputError) for bad input: exit 2. */
  run(argv: string[]): Promise<number>;
}
