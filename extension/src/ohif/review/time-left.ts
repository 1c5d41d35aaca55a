/**
 * Time left in a run (pure). The engine works outward from each label's reference slices and
 * stops where the tissue ends, so most slices of a series are never segmented: counting all of
 * them (the engine's own progress fraction) overestimates the time left several times over.
 * Instead each stretch of slices a label may cover is predicted from what the run shows: a
 * stretch that may stop ends where the shrinking mask area reaches zero, a stretch not begun
 * yet is expected to be as long (relatively) as the ones already finished. Time per slice is
 * the median of the last few gaps between slices (stamped by the worker), so neither the
 * start-up (worker, models) nor the first, slow slices count. After its
 * last slice each label still takes a while (3D clean-up, masks brought back to full
 * resolution): about the time of a fifth of the series' slices, measured on the CT of the e2e.
 */

interface Part {
  label: number;
  /** Slices this stretch can cover, in the order the engine visits them. */
  slices: number[];
  mayStop: boolean;
  areas: number[];
  finished: boolean;
  /** The reference's area: where the stretch starts from. */
  start: number;
  /** The most slices the tissue is expected to reach from its widest slice (its size as a ball). */
  sizeReach: number;
}

/**
 * How many slices a tissue of this area (voxels) on a slice reaches from that slice, taken as a
 * ball: its equivalent-circle radius over the slice spacing.
 */
export function sizeReach(area: number, spacing: readonly [number, number, number]): number {
  return (Math.sqrt(area / Math.PI) * Math.sqrt(spacing[0] * spacing[1])) / spacing[2];
}

/** The stretches of one label, in the engine's order: below its lowest reference, gaps between references, above its highest. */
export function labelParts(label: number, references: readonly number[], depth: number): Pick<Part, 'label' | 'slices' | 'mayStop'>[] {
  const refs = [...new Set(references)].sort((a, b) => a - b);
  if (!refs.length) return [];
  const range = (from: number, to: number) => {
    const out: number[] = [];
    if (from <= to) for (let k = from; k <= to; k++) out.push(k);
    else for (let k = from; k >= to; k--) out.push(k);
    return out;
  };
  const parts = [{ label, slices: range(refs[0] - 1, 0), mayStop: true }];
  for (let i = 0; i + 1 < refs.length; i++) {
    const mid = Math.floor((refs[i] + refs[i + 1]) / 2);
    parts.push({ label, slices: range(refs[i] + 1, mid), mayStop: false }, { label, slices: range(refs[i + 1] - 1, mid + 1), mayStop: false });
  }
  parts.push({ label, slices: range(refs[refs.length - 1] + 1, depth - 1), mayStop: true });
  return parts.filter((p) => p.slices.length > 0);
}

/** The work after a label's last slice, as a fraction of the series' slices. */
const TAIL_PER_LABEL = 0.2;

export class TimeLeftEstimator {
  private readonly parts: Part[];
  private current = -1;
  private beganAt?: number;
  private lastAt?: number;
  private seen = 0;
  private readonly gaps: number[] = [];

  /**
   * references: per label value (in the order the engine runs them), its reference slices and
   * their mean area (voxels); spacing: the voxel size (mm), for how far a tissue of that size reaches.
   */
  constructor(references: ReadonlyMap<number, { slices: readonly number[]; area: number }>, private readonly depth: number, spacing: readonly [number, number, number]) {
    this.parts = [...references].flatMap(([label, ref]) =>
      labelParts(label, ref.slices, depth).map((p) => ({ ...p, areas: [], finished: false, start: ref.area, sizeReach: sizeReach(ref.area, spacing) })),
    );
  }

  /** The engine starts segmenting at time t (ms): models loaded, worker ready. */
  begin(t: number): void {
    this.beganAt ??= t;
  }

  /** A segmented slice arrived at time t (ms) with this many voxels of the label. */
  slice(label: number, k: number, area: number, t: number): void {
    const index = this.parts.findIndex((p, i) => i >= Math.max(0, this.current) && p.label === label && p.slices.includes(k));
    if (index < 0) return;
    for (let i = Math.max(0, this.current); i < index; i++) this.parts[i].finished = true;
    this.current = index;
    this.parts[index].areas.push(area);
    if (this.parts[index].areas.length >= this.parts[index].slices.length) this.parts[index].finished = true;
    this.beganAt ??= t;
    if (this.lastAt !== undefined) this.gaps.push(t - this.lastAt);
    this.lastAt = t;
    this.seen++;
  }

  /**
   * Seconds left, or undefined until three slices have come (the first ones are slow while the
   * JavaScript engine compiles the hot code: a time from them would be several times too long).
   */
  secondsLeft(t: number): number | undefined {
    if (this.gaps.length < 2 || this.lastAt === undefined) return undefined;
    const recent = this.gaps.slice(-5).sort((a, b) => a - b);
    const perSlice = recent.length >= 3 ? recent[(recent.length - 1) >> 1] : this.gaps[this.gaps.length - 1];
    const sinceLast = Math.max(0, t - this.lastAt);
    return Math.max(0, ((this.slicesLeft() + this.tailSlices()) * perSlice - sinceLast) / 1000);
  }

  /** The finishing work still ahead, in slice times: a fifth of the series for each label not finished. */
  private tailSlices(): number {
    const labels = new Set(this.parts.filter((p, i) => !p.finished || i === this.current).map((p) => p.label));
    return TAIL_PER_LABEL * this.depth * labels.size;
  }

  /** Slices still expected to be segmented. */
  slicesLeft(): number {
    let left = 0;
    this.parts.forEach((p, i) => {
      if (p.finished) return;
      const remaining = p.slices.length - p.areas.length;
      if (!p.mayStop) left += remaining;
      else if (i === this.current) left += Math.min(remaining, reachOf(p) - p.areas.length);
      else left += Math.min(remaining, this.expectedReach(p));
    });
    return left;
  }

  /**
   * How far a stretch not begun yet is expected to reach: as far as the label's other side
   * (tissues are roughly symmetric about their widest slice): the slices it covered if the
   * run stopped there, else (it ran into the end of the series, or is under way) the reach its
   * areas point to. With nothing known yet: the whole stretch.
   */
  private expectedReach(p: Part): number {
    const sides = this.parts.filter((q) => q !== p && q.label === p.label && q.mayStop && q.areas.length);
    const side = sides[sides.length - 1];
    if (!side) return Math.max(1, Math.ceil(p.sizeReach));
    const stopped = side.finished && side.areas.length < side.slices.length;
    return stopped ? side.areas.length : reachOf(side);
  }
}

/**
 * How many slices a stretch is expected to cover in all: where its shrinking area reaches zero;
 * until the run has gone as far as a ball of the tissue's size would reach, no further than that
 * (a tissue may end without tapering); past it, that guess is disproved and the trend alone counts.
 */
function reachOf(p: Part): number {
  const trend = untilAreaVanishes([p.start, ...p.areas]);
  const size = p.sizeReach - p.areas.length;
  return p.areas.length + (size >= 1 ? Math.min(trend, Math.ceil(size)) : trend);
}

/**
 * Slices until the tissue's area reaches zero, from its areas so far (the reference's first):
 * organs taper like an ellipsoid, area(d) = A·(1 − d²/R²) at d slices past the widest one
 * (A its area), so R is fitted (least squares on d²/R² = 1 − area/A, which weighs the far,
 * telling slices most). Infinity while the area has not started to shrink.
 */
function untilAreaVanishes(areas: readonly number[]): number {
  let m = 0;
  areas.forEach((a, i) => { if (a >= areas[m]) m = i; });
  const widest = areas[m];
  if (!(widest > 0) || m === areas.length - 1) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = m + 1; i < areas.length; i++) {
    const d = i - m;
    const f = Math.max(0, 1 - areas[i] / widest);
    num += d ** 4;
    den += d * d * f;
  }
  if (!(den > 0)) return Infinity;
  const reach = Math.sqrt(num / den);
  return Math.max(1, Math.ceil(reach - (areas.length - 1 - m)));
}
