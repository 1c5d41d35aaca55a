/**
 * Keeps the viewer responsive: long loops over slices give the main thread back whenever
 * the work since the last time it was given back passes the budget, across loops, so several
 * loops in a row do not add up to one long task (the e2e checks for tasks over 100 ms).
 */
const BUDGET_MS = 25;

let since = performance.now();

const yieldToMain = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

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
