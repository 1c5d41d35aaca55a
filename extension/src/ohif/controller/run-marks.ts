/**
 * User Timing marks of a run's phases (press, pixels read, engine started, engine done,
 * result), so bench:viewer and the browser's profiler can split press → result without
 * polling the panel. Costs nothing measurable; absent `performance`, nothing happens.
 */
export type RunMark = 'press' | 'read' | 'engine-start' | 'engine-done' | 'result';

/** at: when it happened (ms since the epoch, the host's clock), if not now. */
export function markRun(name: RunMark, at?: number, detail?: Record<string, number>): void {
  const p = (globalThis as { performance?: { timeOrigin: number; mark?(name: string, options: object): unknown } }).performance;
  if (!p?.mark) return;
  const startTime = at === undefined ? undefined : at - p.timeOrigin;
  try {
    p.mark(`sat:${name}`, { startTime, detail });
  } catch {
    /* a clock from another origin gives a negative startTime: the mark is only diagnostic */
  }
}
