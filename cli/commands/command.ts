/** One `sat` subcommand. Each lives in its own file under cli/commands/ and is listed in index.ts. */
import { OptionSpecs, ParsedArgs } from '../args';

export interface Command {
  name: string;
  /** One line for `sat help`. */
  summary: string;
  /** Full usage text for `sat help NAME` and `sat NAME -h`: every option it takes, explained. */
  usage: string;
  /** The options it takes (besides -h/--help); parsed strictly before run(). */
  options: OptionSpecs;
  /** Returns the exit code. Throw UsageError (or engine InputError) for bad input: exit 2. */
  run(args: ParsedArgs): Promise<number>;
}
