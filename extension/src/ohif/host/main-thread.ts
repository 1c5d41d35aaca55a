/**
 * Keeps the viewer responsive: long loops over slices give the main thread back whenever
 * the work since the last time it was given back passes the budget, across loops, so several
 * loops in a row do not add up to one long task (the e2e checks for tasks over 100 ms).
 */
// 12 ms (it was 25): on a loaded 2-core machine the thread is often descheduled inside a step, so
// a task's wall time runs well past the work in it (measured by bench:viewer).
const BUDGET_MS = 12;

let since = performance.now();

/**
 * scheduler.yield() where the browser has it (Chromium 129+): the viewer's pending work runs,
 * then we continue first, and no 4 ms clamp of nested timers; setTimeout elsewhere.
 */
const yieldToMain = (): Promise<void> => {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return s?.yield ? s.yield() : new Promise<void>((resolve) => setTimeout(resolve, 0));
};

/** Gives the main thread back if the budget is used up. */
export async function yieldIfDue(): Promise<void> {
  if (performance.now() - since <= BUDGET_MS) return;
  await yieldToMain();
  since = performance.now();
}

/** Calls step(k) for k = 0..count-1, yielding whenever the budget is used up. */
export async function forEachSliceYielding(count: number, step: (k: number) => void | Promise<void>): Promise<void> {
  await yieldIfDue();
  for (let k = 0; k < count; k++) {
    await step(k);
    await yieldIfDue();
  }
}
