/** Order statistics the rules share. */
export function lowerQuartile(v: readonly number[]): number {
  const q = [...v].sort((a, b) => a - b);
  return q[Math.floor((q.length - 1) / 4)];
}

export function lowerMedian(v: readonly number[]): number {
  const q = [...v].sort((a, b) => a - b);
  return q[(q.length - 1) >> 1];
}

/** Steady: the middle half of the values within the factor (a pixel more or less here and there is not a change). */
export function steady(v: readonly number[], factor: number): boolean {
  const q = [...v].sort((a, b) => a - b);
  const lo = q[Math.floor((q.length - 1) / 4)];
  const hi = q[Math.ceil((3 * (q.length - 1)) / 4)];
  return lo > 0 && hi <= factor * lo;
}

/** The newest of the last `back` samples from the end (skipping the newest `skip`) within `limit`; the first sample otherwise. */
export function lastWithin(h: readonly { k: number; thickness: number }[], limit: number, skip = 2): number {
  for (let i = h.length - 1 - skip; i >= 0; i--) if (h[i].thickness <= limit) return h[i].k;
  return h[0].k;
}
