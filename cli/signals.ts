/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP while a command runs: every reserved output's partial file
 * is removed (cli/io/pending-outputs.ts), one line says so, and the process exits with the
 * signal's conventional code (128 + its number: 130, 143, 129).
 */
import { discardPendingOutputs } from './io/pending-outputs';

const SIGNALS: Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/** Runs fn with the handlers installed; they are removed again when it settles. */
export async function withSignalCleanup<T>(command: string, fn: () => Promise<T>): Promise<T> {
  const handlers = Object.entries(SIGNALS).map(([sig, num]) => {
    const h = () => {
      const discarded = discardPendingOutputs();
      process.stderr.write(`sat ${command}: interrupted by ${sig}${discarded ? '; nothing was written' : ''}.\n`);
      process.exit(128 + num);
    };
    process.on(sig as NodeJS.Signals, h);
    return [sig, h] as const;
  });
  try {
    return await fn();
  } finally {
    for (const [sig, h] of handlers) process.off(sig as NodeJS.Signals, h);
  }
}

/** Lets the event loop turn, so that a signal that arrived during synchronous work is handled now. */
export function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
