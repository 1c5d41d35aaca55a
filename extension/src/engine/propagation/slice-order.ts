/**
 * Order in which the slices of a volume are segmented from the annotated ones. The annotated
 * slices are hard constraints: a drawn slice (the label's voxels) and an emptied slice (the
 * user said the label is absent there). They cut the axis into ranges, and each range is
 * filled from its own bounding constraints only, so a correction changes nothing beyond its
 * neighbouring annotated slices:
 * - between two drawn slices: propagated through the whole gap from each drawing (the tissue
 *   goes on: the runs may not stop); the tracker takes the nearer run unless it lost the tissue
 *   (label-tracker.ts), so a drawing too small to follow far (a structure's tip) does not
 *   leave its side of the gap short;
 * - between a drawn slice and an emptied one: propagated from the drawing, may stop early, and
 *   never reaches the emptied slice;
 * - beyond the outermost drawn slice: propagated outward to the volume's end, may stop;
 * - between two emptied slices, or beyond an outermost emptied slice: nothing (no drawing there
 *   to start from, and the user said the label ends).
 */
export interface PropagationRun {
  /** The annotated slice this run starts from. */
  from: number;
  /** Slices to segment, in order, each next to the previous one (or to `from`). */
  slices: number[];
  /** Whether the run may stop early when the tissue ends (false inside a gap between drawings). */
  mayStop: boolean;
}

export function propagationRuns(drawn: number[], depth: number, emptied: readonly number[] = []): PropagationRun[] {
  const a = [...new Set(drawn)].sort((x, y) => x - y);
  const empty = new Set(emptied.filter((k) => !a.includes(k)));
  const runs: PropagationRun[] = [];
  if (a.length === 0) return runs;
  // From a drawn slice in one direction (+1/-1) up to `limit`, stopping before an emptied slice.
  const outward = (from: number, dir: 1 | -1, limit: number) => {
    const slices: number[] = [];
    for (let k = from + dir; dir > 0 ? k <= limit : k >= limit; k += dir) {
      if (empty.has(k)) break;
      slices.push(k);
    }
    runs.push({ from, slices, mayStop: true });
  };
  const hasEmpty = (lo: number, hi: number) => [...empty].some((k) => k > lo && k < hi);
  if (a[0] > 0) outward(a[0], -1, 0);
  for (let i = 0; i + 1 < a.length; i++) {
    const lo = a[i];
    const hi = a[i + 1];
    if (hi - lo < 2) continue;
    if (hasEmpty(lo, hi)) {
      // An emptied slice between two drawings: each drawing runs toward it and may stop.
      outward(lo, 1, hi - 1);
      outward(hi, -1, lo + 1);
      continue;
    }
    // Each drawing runs through the whole gap; the tracker joins the two (label-tracker.ts).
    runs.push({ from: lo, slices: range(lo + 1, hi - 1), mayStop: false });
    runs.push({ from: hi, slices: range(hi - 1, lo + 1), mayStop: false });
  }
  const last = a[a.length - 1];
  if (last < depth - 1) outward(last, 1, depth - 1);
  return runs.filter((r) => r.slices.length > 0);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  if (from <= to) for (let k = from; k <= to; k++) out.push(k);
  else for (let k = from; k >= to; k--) out.push(k);
  return out;
}
