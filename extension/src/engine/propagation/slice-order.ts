/**
 * Order in which the slices of a volume are segmented from the annotated ones: outward from
 * each annotated slice; a gap between two annotated slices is split at its middle, each half
 * propagated from its nearer annotation.
 */
export interface PropagationRun {
  /** The annotated slice this run starts from. */
  from: number;
  /** Slices to segment, in order, each next to the previous one (or to `from`). */
  slices: number[];
  /** Whether the run may stop early when the tissue ends (false inside a gap between annotations). */
  mayStop: boolean;
}

export function propagationRuns(annotated: number[], depth: number): PropagationRun[] {
  const a = [...new Set(annotated)].sort((x, y) => x - y);
  const runs: PropagationRun[] = [];
  if (a.length === 0) return runs;
  if (a[0] > 0) runs.push({ from: a[0], slices: range(a[0] - 1, 0), mayStop: true });
  for (let i = 0; i + 1 < a.length; i++) {
    const lo = a[i];
    const hi = a[i + 1];
    const mid = Math.floor((lo + hi) / 2);
    runs.push({ from: lo, slices: range(lo + 1, mid), mayStop: false });
    runs.push({ from: hi, slices: range(hi - 1, mid + 1), mayStop: false });
  }
  const last = a[a.length - 1];
  if (last < depth - 1) runs.push({ from: last, slices: range(last + 1, depth - 1), mayStop: true });
  return runs.filter((r) => r.slices.length > 0);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let k = from; k <= to; k++) out.push(k);
  else for (let k = from; k >= to; k--) out.push(k);
  return out;
}
