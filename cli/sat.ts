/**
 * The `sat` command line: dispatches to cli/commands/*. Bad input exits 2 with one line on
 * stderr (no stack trace); unexpected failures exit 1; a signal exits 128 + its number. A run
 * that fails after reserving its outputs removes them and says that nothing was written.
 */
import { commands } from './commands/index';
import { UsageError } from './errors';
import { flag, parseArgs } from './args';
import { discardPendingOutputs } from './io/pending-outputs';
import { withSignalCleanup } from './signals';
import { projectVersion } from './repo-root';
import { InputError, CancelledError } from '../extension/src/engine/api-types';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'sat — Segment Any Tissue: one-shot, training-free segmentation from one annotated slice or image.',
    '',
    'Usage: sat <command> [options]',
    '       sat help <command>    (or sat <command> -h): the options of one command',
    '       sat --version',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show this help, or \`sat help <command>\` for one command.`,
    '',
    'Bad input exits with code 2 and one line naming the problem; an interrupted run (Ctrl-C,',
    'SIGTERM) removes its unfinished output files and exits with 128 + the signal number.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`sat ${projectVersion()}\n`);
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    if (rest.length === 0) {
      process.stdout.write(help() + '\n');
      return 0;
    }
    const cmd = commands.find((c) => c.name === rest[0]);
    if (!cmd || rest.length > 1) {
      process.stderr.write(`sat help: ${cmd ? 'give one command' : `unknown command '${rest[0]}'`}; the commands are ${commands.map((c) => c.name).join(', ')}.\n`);
      return 2;
    }
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`sat: unknown command '${name}'. Run \`sat help\` for the list.\n`);
    return 2;
  }
  try {
    const args = parseArgs(rest, cmd.options, `\`sat help ${cmd.name}\``);
    if (flag(args, 'help')) {
      process.stdout.write(cmd.usage + '\n');
      return 0;
    }
    return await withSignalCleanup(cmd.name, () => cmd.run(args));
  } catch (e) {
    // Whatever failed, no reserved output survives; say so when there were some.
    const nothing = discardPendingOutputs() > 0 ? ' Nothing was written.' : '';
    if (e instanceof UsageError || e instanceof InputError) {
      process.stderr.write(`sat ${name}: ${sentence(e.message.split('\n')[0])}${nothing}\n`);
      return 2;
    }
    if (e instanceof CancelledError) {
      process.stderr.write(`sat ${name}: cancelled.${nothing}\n`);
      return 130;
    }
    const err = e as Error;
    process.stderr.write(`sat ${name}: internal error: ${sentence(err && err.message ? err.message.split('\n')[0] : String(e))}${nothing}\n`);
    if (process.env.SAT_DEBUG) process.stderr.write(String(err && err.stack) + '\n');
    return 1;
  }
}

/** Ends a message with a full stop (so that a following sentence reads right). */
function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : s + '.';
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
