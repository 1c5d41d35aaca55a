/**
 * The raw cues of the review, per slice of a finished result (pure): each compares the slice
 * with the drawing's own statistics or with the neighbour it was followed from. The judgement
 * (slice-review.ts) turns them into a confidence; bench:confidence dumps them for calibration.
 */
import { ImageVolume } from '../image/types';
import { DrawingStats, drawingStats, measureSlice, parentOf, SliceMeasure } from './slice-measures';

export interface PaintedCues {
  kind: 'painted';
  slice: number;
  voxels: number;
  drawn: boolean;
  /** Larger / smaller area of this slice and its parent (1 without a parent). */
  areaRatio: number;
  /** 2D Dice with the parent (1 without a parent). */
  parentDice: number;
  /** Area regained after the run narrowed: area / the narrowest area since the drawing (1 when it never narrowed). */
  regrowth: number;
  /** Fraction of the mask in the drawing's intensity range. */
  evidence: number;
  /** Ring look-alike fraction minus the drawing's own. */
  lookAlike: number;
  /** Overlap (0..1) of the intensity ranges of the two drawn slices around it (1 when one side has none). */
  referencesAgree: number;
  /** Slices from the nearest drawn slice. */
  distance: number;
  /** Area / the result's largest area. */
  relativeArea: number;
  /** Distance from the nearest drawn slice in mm over the drawing's equivalent diameter (scale-free). */
  relativeDistance: number;
  /** The weakest step on the way from the drawing to here: errors carry outward along a run. */
  pathParentDice: number;
  pathAreaRatio: number;
}

export interface EndCues {
  kind: 'end';
  slice: number;
  voxels: 0;
  /** The last painted slice's area / the result's largest. */
  endArea: number;
  /** Fraction of this slice, under the last slice's footprint, in the drawing's range. */
  endAlike: number;
  /** The same fraction measured on the last painted slice, for comparison. */
  lastEvidence: number;
}

export type SliceCues = PaintedCues | EndCues;

/** A run narrowed when its area fell below this fraction of the largest area seen before. */
const NARROWED_BELOW = 0.7;

export function paintedSlices(mask: ArrayLike<number>, len: number, depth: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < depth; k++) {
    for (let i = k * len; i < (k + 1) * len; i++) {
      if (mask[i]) {
        out.push(k);
        break;
      }
    }
  }
  return out;
}

function rangeOverlap(a: DrawingStats, b: DrawingStats): number {
  const inter = Math.min(a.hi, b.hi) - Math.max(a.lo, b.lo);
  const narrower = Math.min(a.hi - a.lo, b.hi - b.lo);
  return narrower > 0 ? Math.max(0, inter) / narrower : 1;
}

/** Along the run from the nearest drawn slice out to k: the narrowing-then-regrowth ratio. */
function regrowthOf(k: number, m: SliceMeasure, measures: Map<number, SliceMeasure>, drawn: Set<number>): number {
  if (m.parent === undefined) return 1;
  const step = Math.sign(k - m.parent);
  let j = m.parent;
  while (!drawn.has(j) && measures.has(j - step)) j -= step; // back to the drawn slice
  let peak = 0;
  let narrowest = Infinity;
  for (; j !== k; j += step) {
    const v = measures.get(j)?.voxels ?? 0;
    if (v > peak && narrowest === Infinity) peak = v;
    if (peak && v < NARROWED_BELOW * peak) narrowest = Math.min(narrowest, v);
    if (narrowest === Infinity) peak = Math.max(peak, v);
  }
  return Number.isFinite(narrowest) ? m.voxels / Math.max(1, narrowest) : 1;
}

/**
 * The cues of one result, built in steps so a viewer can give its main thread back between
 * them: the constructor takes the drawing's statistics, prepare() each drawn slice's own
 * range, measure(k) one painted slice (the costly part), finish() the rest.
 */
export class CueBuilder {
  /** The painted slices, each to be measured once. */
  readonly painted: number[];
  private readonly drawnSlices: number[];
  private readonly stats?: DrawingStats;
  private readonly measures = new Map<number, SliceMeasure>();
  private perRef = new Map<number, DrawingStats>();
  private prepared = false;

  /** known: the drawn and painted slices when the caller has them already (saves two passes over the volume). */
  constructor(private readonly image: ImageVolume, private readonly drawn: ArrayLike<number>, private readonly result: ArrayLike<number>, known?: { drawn: number[]; painted: number[] }) {
    const [w, h, depth] = image.dims;
    this.drawnSlices = known?.drawn ?? paintedSlices(drawn, w * h, depth);
    this.painted = !this.drawnSlices.length ? [] : known?.painted ?? paintedSlices(result, w * h, depth);
    if (this.drawnSlices.length) this.stats = drawingStats(image, drawn, this.drawnSlices);
  }

  private get diameterMm(): number {
    return 2 * Math.sqrt(((this.stats?.area ?? 0) * this.image.spacing[0] * this.image.spacing[1]) / Math.PI);
  }

  prepare(): void {
    const { image, drawn, drawnSlices } = this;
    if (!this.stats || this.prepared) return;
    this.prepared = true;
    this.perRef = new Map(drawnSlices.length > 1 ? drawnSlices.map((k) => [k, drawingStats(image, drawn, [k], false)]) : []);
  }

  measure(k: number): void {
    if (!this.stats) return;
    this.prepare();
    this.measures.set(k, measureSlice(this.image, this.result, k, this.drawnSlices, this.stats));
  }

  finish(): SliceCues[] {
    const { image, drawn, result, drawnSlices, measures, painted } = this;
    const stats = this.stats;
    if (!stats) return [];
    const depth = image.dims[2];
    for (const k of painted) if (!measures.has(k)) this.measure(k);
    this.prepare();
    const perRef = this.perRef;
    const drawnSet = new Set(drawnSlices);
    const largest = Math.max(1, ...[...measures.values()].map((m) => m.voxels));
    const diameterMm = this.diameterMm;
    const painted1 = painted.map((k): PaintedCues => {
      const m = measures.get(k)!;
      const below = drawnSlices.filter((d) => d < k).pop();
      const above = drawnSlices.find((d) => d > k);
      return {
        kind: 'painted',
        slice: k,
        voxels: m.voxels,
        drawn: drawnSet.has(k),
        areaRatio: m.parent === undefined ? 1 : m.parentVoxels ? Math.max(m.voxels, m.parentVoxels) / Math.max(1, Math.min(m.voxels, m.parentVoxels)) : Infinity,
        parentDice: m.parent === undefined ? 1 : m.parentDice,
        regrowth: regrowthOf(k, m, measures, drawnSet),
        evidence: m.evidence,
        lookAlike: m.ringAlike - stats.ringAlike,
        referencesAgree: below !== undefined && above !== undefined ? rangeOverlap(perRef.get(below)!, perRef.get(above)!) : 1,
        distance: Math.min(...drawnSlices.map((d) => Math.abs(d - k))),
        relativeArea: m.voxels / largest,
        relativeDistance: (Math.min(...drawnSlices.map((d) => Math.abs(d - k))) * image.spacing[2]) / Math.max(1e-6, diameterMm),
        pathParentDice: 1,
        pathAreaRatio: 1,
      };
    });
    const byK = new Map(painted1.map((c) => [c.slice, c]));
    for (const c of painted1) {
      // Walk back along the parents to the drawing.
      for (let j: number | undefined = c.slice; j !== undefined && byK.has(j) && !byK.get(j)!.drawn; j = measures.get(j)!.parent) {
        c.pathParentDice = Math.min(c.pathParentDice, byK.get(j)!.parentDice);
        c.pathAreaRatio = Math.max(c.pathAreaRatio, byK.get(j)!.areaRatio);
      }
    }
    const out: SliceCues[] = [...painted1];
    const on = new Set(painted);
    const ends = new Set<number>();
    for (const k of painted) {
      if (k > 0 && !on.has(k - 1)) ends.add(k - 1);
      if (k < depth - 1 && !on.has(k + 1)) ends.add(k + 1);
    }
    for (const e of ends) {
      const parent = parentOf(e, drawnSlices);
      const last = parent !== undefined && on.has(parent) ? parent : on.has(e - 1) ? e - 1 : e + 1;
      out.push({ kind: 'end', slice: e, voxels: 0, endArea: (measures.get(last)?.voxels ?? 0) / largest, endAlike: footprintAlike(image, result, e, last, stats), lastEvidence: measures.get(last)?.evidence ?? 0 });
    }
    return out.sort((a, b) => a.slice - b.slice);
  }
}

export function sliceCues(image: ImageVolume, drawn: ArrayLike<number>, result: ArrayLike<number>): SliceCues[] {
  const b = new CueBuilder(image, drawn, result);
  b.prepare();
  for (const k of b.painted) b.measure(k);
  return b.finish();
}

/** Fraction of slice e's pixels under slice `last`'s mask that lie in the drawing's range. */
function footprintAlike(image: ImageVolume, result: ArrayLike<number>, e: number, last: number, stats: DrawingStats): number {
  const len = image.dims[0] * image.dims[1];
  let n = 0;
  let inside = 0;
  for (let i = 0; i < len; i++) {
    if (!result[last * len + i]) continue;
    n++;
    const v = image.data[e * len + i];
    if (v >= stats.lo && v <= stats.hi) inside++;
  }
  return n ? inside / n : 0;
}
