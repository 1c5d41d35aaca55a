/** Order statistics the rules share. */
export function lowerQuartile(v: readonly number[]): number {
  const q = [...v].sort((a, b) => a - b);
  return q[Math.floor((q.length - 1) / 4)];
}

/** The slice of the newest sample, the newest `skip` left out, whose thickness is within `limit`; the first sample's otherwise. */
export function lastWithin(h: readonly { k: number; thickness: number }[], limit: number, skip = 2): number {
  for (let i = h.length - 1 - skip; i >= 0; i--) if (h[i].thickness <= limit) return h[i].k;
  return h[0].k;
}
