/**
 * The `sat` command line: dispatches to cli/commands/*. Bad input exits 2 with one line on
 * stderr (no stack trace); unexpected failures exit 1.
 */
import { commands } from './commands/index';
import { UsageError } from './errors';
import { InputError, CancelledError } from '../extension/src/engine/api-types';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'sat — Segment Any Tissue: one-shot, training-free segmentation from one annotated slice or image.',
    '',
    'Usage: sat <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show this help, or \`sat help <command>\` for one command.`,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const cmd = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write((cmd ? cmd.usage : help()) + '\n');
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`sat: unknown command '${name}'. Run \`sat help\` for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      process.stderr.write(`sat ${name}: ${e.message.split('\n')[0]}\n`);
      return 2;
    }
    if (e instanceof CancelledError) {
      process.stderr.write(`sat ${name}: cancelled.\n`);
      return 130;
    }
    const err = e as Error;
    process.stderr.write(`sat ${name}: internal error: ${err && err.message ? err.message : String(e)}\n`);
    if (process.env.SAT_DEBUG) process.stderr.write(String(err && err.stack) + '\n');
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
