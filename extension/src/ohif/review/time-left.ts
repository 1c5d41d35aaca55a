/**
 * Time left in a run (pure). The engine works outward from each label's reference slices and
 * stops where the tissue ends, so most slices of a series are never segmented: counting all of
 * them (the engine's own progress fraction) overestimates the time left several times over.
 * Instead each stretch of slices a label may cover is predicted from what the run shows: a
 * stretch that may stop ends where the shrinking mask area reaches zero, a stretch not begun
 * yet is expected to be as long (relatively) as the ones already finished. Time per slice is
 * the median of the last few gaps between slices (from when the engine starts segmenting,
 * begin, until there are gaps), so neither the start-up (worker, models) nor the first, slow
 * slices (before the JavaScript engine has compiled the hot code) count for long.
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

export class TimeLeftEstimator {
  private readonly parts: Part[];
  private current = -1;
  private beganAt?: number;
  private lastAt?: number;
  private seen = 0;
  private readonly gaps: number[] = [];

  /** references: per label value (in the order the engine runs them), its reference slices and their mean area (voxels). */
  constructor(references: ReadonlyMap<number, { slices: readonly number[]; area: number }>, depth: number) {
    this.parts = [...references].flatMap(([label, ref]) => labelParts(label, ref.slices, depth).map((p) => ({ ...p, areas: [], finished: false, start: ref.area })));
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

  /** Seconds left, or undefined until a slice has been timed. */
  secondsLeft(t: number): number | undefined {
    if (!this.seen || this.beganAt === undefined || this.lastAt === undefined || this.lastAt <= this.beganAt) return undefined;
    const recent = this.gaps.slice(-5).sort((a, b) => a - b);
    const perSlice = recent.length >= 2 ? recent[recent.length >> 1] : (this.lastAt - this.beganAt) / this.seen;
    const sinceLast = Math.max(0, t - this.lastAt);
    return Math.max(0, (this.slicesLeft() * perSlice - sinceLast) / 1000);
  }

  /** Slices still expected to be segmented. */
  slicesLeft(): number {
    const done = this.parts.filter((p) => p.finished && p.mayStop);
    // How far the finished stopping stretches went, relative to how far they could have gone.
    const reach = done.length ? done.reduce((a, p) => a + p.areas.length, 0) / done.reduce((a, p) => a + p.slices.length, 0) : 1;
    const current = this.parts[this.current];
    // Until a stretch has finished, the one under way predicts how far the tissue reaches.
    const currentReach = current && !current.finished && current.mayStop ? current.areas.length + untilAreaVanishes([current.start, ...current.areas]) : Infinity;
    let left = 0;
    this.parts.forEach((p, i) => {
      if (p.finished) return;
      const remaining = p.slices.length - p.areas.length;
      if (!p.mayStop) left += remaining;
      else if (i === this.current) left += Math.min(remaining, untilAreaVanishes([p.start, ...p.areas]));
      else if (done.length) left += Math.min(remaining, Math.ceil(p.slices.length * reach));
      else left += Math.min(remaining, currentReach);
    });
    return left;
  }
}

/** Slices until a shrinking area reaches zero, from the trend of the last few; Infinity if it is not shrinking. */
function untilAreaVanishes(areas: readonly number[]): number {
  const last = areas.slice(-5);
  if (last.length < 2) return Infinity;
  const n = last.length;
  const mx = (n - 1) / 2;
  const my = last.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  last.forEach((y, x) => { num += (x - mx) * (y - my); den += (x - mx) ** 2; });
  const slope = num / den;
  if (!(slope < 0)) return Infinity;
  return Math.max(1, Math.ceil(last[n - 1] / -slope));
}
