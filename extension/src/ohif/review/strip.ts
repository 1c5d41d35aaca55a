/**
 * The review strip: one cell per slice, saying what the result holds there (pure). A slice
 * with no voxels of the result is empty whatever the engine's score for it was: it is never
 * shown as a confident (green) mask. A finished result's cells carry the shared per-slice
 * review (engine/review: the judgement `sat segment --json` prints too).
 */
import type { ReviewReason, SliceJudgement } from '../../engine';

export type StripCell =
  | { kind: 'reference'; why: 'drawn' | 'corrected' }
  | { kind: 'mask'; confidence: number; doubtful?: boolean; reason?: ReviewReason }
  /** looked: the engine segmented the slice and found nothing (or decided the tissue ended there); doubtful: the tissue may go on here. */
  | { kind: 'empty'; looked: boolean; doubtful?: boolean; reason?: ReviewReason }
  /** Not reached yet (during a run). */
  | { kind: 'pending' };

/** The label values present on one slice. */
export function labelsOnSlice(labels: ArrayLike<number>, k: number, sliceLength: number): number[] {
  const present = new Set<number>();
  for (let i = k * sliceLength; i < (k + 1) * sliceLength; i++) if (labels[i]) present.add(labels[i]);
  return [...present].sort((a, b) => a - b);
}

export interface StripInput {
  /** Per slice k, the label values the result has there. */
  presence: readonly (readonly number[])[];
  drawnSlices: readonly number[];
  correctedSlices: readonly number[];
  /** Per label value, the engine's per-slice confidence (NaN where it did not look). */
  confidence: ReadonlyMap<number, ArrayLike<number>>;
  /** Per label value, the review's records (painted slices and the slice past each end). */
  review?: ReadonlyMap<number, readonly SliceJudgement[]>;
}

/** The cells of a finished result: the review's confidence where there is one (the weakest label's), else the engine's. */
export function stripCells(input: StripInput): StripCell[] {
  const drawn = new Set(input.drawnSlices);
  const corrected = new Set(input.correctedSlices);
  const judged = new Map<number, SliceJudgement[]>();
  for (const js of input.review?.values() ?? []) for (const j of js) judged.set(j.slice, [...(judged.get(j.slice) ?? []), j]);
  return input.presence.map((present, k): StripCell => {
    if (corrected.has(k)) return { kind: 'reference', why: 'corrected' };
    if (drawn.has(k)) return { kind: 'reference', why: 'drawn' };
    const weakest = (judged.get(k) ?? []).reduce<SliceJudgement | undefined>((a, j) => (!a || j.confidence < a.confidence ? j : a), undefined);
    const doubt = weakest?.doubtful ? { doubtful: true, reason: weakest.reason ?? undefined } : {};
    if (!present.length) {
      const looked = [...input.confidence.values()].some((c) => !Number.isNaN(c[k])) || Boolean(weakest);
      return weakest?.doubtful ? { kind: 'empty', looked, ...doubt } : { kind: 'empty', looked };
    }
    if (weakest) return weakest.doubtful ? { kind: 'mask', confidence: weakest.confidence, ...doubt } : { kind: 'mask', confidence: weakest.confidence };
    let confidence = 1;
    for (const l of present) {
      const c = input.confidence.get(l)?.[k];
      if (c !== undefined && !Number.isNaN(c)) confidence = Math.min(confidence, c);
    }
    return { kind: 'mask', confidence };
  });
}

/** A live cell while slices stream in: the slice's mask for one label arrived. */
export function cellWithSlice(cell: StripCell, hasVoxels: boolean, confidence: number): StripCell {
  if (cell.kind === 'reference') return cell;
  if (!hasVoxels) return cell.kind === 'mask' ? cell : { kind: 'empty', looked: true };
  const previous = cell.kind === 'mask' ? cell.confidence : 1;
  return { kind: 'mask', confidence: Math.min(previous, Number.isNaN(confidence) ? 1 : confidence) };
}

/** Slices just past each end of each label's result, where the run judged the tissue to end. */
export function endSlices(presence: readonly (readonly number[])[], values: readonly number[]): number[] {
  const ends = new Set<number>();
  const depth = presence.length;
  for (const v of values) {
    const on = presence.map((p) => p.includes(v));
    const lo = on.indexOf(true);
    const hi = on.lastIndexOf(true);
    if (lo > 0) ends.add(lo - 1);
    if (hi >= 0 && hi < depth - 1) ends.add(hi + 1);
  }
  return [...ends].sort((a, b) => a - b);
}
