/**
 * Keeps the viewer responsive: long loops over slices give the main thread back between
 * chunks, so no single task runs much past the budget (the e2e checks for tasks over 100 ms).
 */
const BUDGET_MS = 25;

const yieldToMain = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Calls step(k) for k = 0..count-1, yielding whenever a chunk has used up the budget. */
export async function forEachSliceYielding(count: number, step: (k: number) => void | Promise<void>): Promise<void> {
  let start = performance.now();
  for (let k = 0; k < count; k++) {
    await step(k);
    if (performance.now() - start > BUDGET_MS) {
      await yieldToMain();
      start = performance.now();
    }
  }
}
