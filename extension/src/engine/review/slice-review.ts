/**
 * The per-slice judgement of a finished result (pure), shared by the viewer's strip and the
 * CLI's --json: every painted slice and the slice just past each end gets a confidence, a
 * doubtful flag and the reason. It observes only the result, the drawing and the image:
 * each cue compares a slice with the drawing's own statistics or with its neighbour, so it
 * holds for any structure and modality (calibrated by `npm run bench:confidence`).
 */
import { ImageVolume } from '../image/types';
import { EndCues, PaintedCues, sliceCues, SliceCues } from './slice-cues';

export type ReviewReason =
  | 'drawn'
  /** Painted past where the tissue seems to end, or it seems to go on past the result's end. */
  | 'past-the-end'
  | 'area-jump'
  | 'shape-jump'
  | 'references-disagree'
  | 'look-alike-touching'
  | 'low-evidence'
  | 'far-from-drawing';

export interface SliceJudgement {
  slice: number;
  voxels: number;
  confidence: number;
  doubtful: boolean;
  /** The weakest cue when doubtful ('drawn' on drawn slices); null when nothing is in doubt. */
  reason: ReviewReason | null;
}

/**
 * Each cue's ramp: at `good` the cue scores 1, at `bad` 0, linear between; a slice is doubtful
 * below 0.5, i.e. past the midpoint. The midpoints were calibrated by bench:confidence on the
 * dev volumes (docs/benchmarks-confidence.md).
 */
export interface ReviewRules {
  /** Area ratio to the neighbour it was followed from (larger / smaller): names a jump an area jump. */
  areaJump: [good: number, bad: number];
  /** The weakest 2D Dice between neighbours on the way from the drawing to the slice. */
  pathShape: [good: number, bad: number];
  /** Area regained after the run narrowed: area / narrowest area since the drawn slice. */
  regrowth: [good: number, bad: number];
  /** Fraction of the mask in the drawing's intensity range. */
  evidence: [good: number, bad: number];
  /** Look-alike ring fraction above the drawing's own. */
  lookAlike: [good: number, bad: number];
  /** Far from the drawing (mm over the drawing's diameter) AND narrowed (area over the largest): a tip the drawing barely vouches for. */
  farDistance: [good: number, bad: number];
  farArea: [good: number, bad: number];
  /** Past an end: last painted area / the result's largest, and how alike the footprint there looks. */
  endArea: [good: number, bad: number];
  endAlike: [good: number, bad: number];
  /** Two references reaching a slice: overlap of their intensity ranges (0..1). */
  referencesAgree: [good: number, bad: number];
  /** Below this a slice is doubtful. */
  doubtfulBelow: number;
}

export const DEFAULT_REVIEW_RULES: ReviewRules = {
  areaJump: [1.5, 2.5],
  pathShape: [0.9, 0.5],
  regrowth: [1.1, 1.5],
  evidence: [0.9, 0.5],
  lookAlike: [0.2, 0.6],
  farDistance: [0.2, 0.6],
  farArea: [0.9, 0.5],
  endArea: [0.1, 0.3],
  endAlike: [0.3, 0.7],
  referencesAgree: [0.6, 0.2],
  doubtfulBelow: 0.5,
};

export const REASON_WORDS: Record<ReviewReason, string> = {
  drawn: 'drawn by you',
  'past-the-end': 'past where the tissue seems to end',
  'area-jump': 'area jumps from its neighbour',
  'shape-jump': 'shape jumps from its neighbour',
  'references-disagree': 'the drawn slices that reach it disagree',
  'look-alike-touching': 'a look-alike tissue touches it',
  'low-evidence': 'little of it looks like the drawing',
  'far-from-drawing': 'far from your drawing, where the tissue narrows',
};

/** 1 at `good`, 0 at `bad`, linear between (either direction). */
export function ramp(v: number, [good, bad]: [number, number]): number {
  if (Number.isNaN(v)) return 1;
  const t = (v - bad) / (good - bad);
  return Math.min(1, Math.max(0, t));
}

export interface ReviewInput {
  image: ImageVolume;
  /** Binary (non-zero = label) on the image grid: the drawn slices. */
  drawn: ArrayLike<number>;
  /** Binary result on the image grid. */
  result: ArrayLike<number>;
}

/** The weakest cue of a painted slice: its score, the reason it stands for, and whether it was inherited from a jump nearer the drawing. */
function judgePainted(c: PaintedCues, rules: ReviewRules): [number, ReviewReason, boolean] {
  const ownJump = c.parentDice <= c.pathParentDice;
  const jumpRatio = ownJump ? c.areaRatio : c.pathAreaRatio;
  // Ties go to the first: the slice's own evidence before a jump it inherited.
  const cues: [number, ReviewReason, boolean][] = [
    [ramp(c.evidence, rules.evidence), 'low-evidence', false],
    // Regrowth past a narrowing: a neighbour of the same look (the next vertebra) taken on.
    [ramp(c.regrowth, rules.regrowth), 'past-the-end', false],
    // A jump on the way from the drawing carries on to every slice past it.
    [ramp(c.pathParentDice, rules.pathShape), ramp(jumpRatio, rules.areaJump) < 0.5 ? 'area-jump' : 'shape-jump', !ownJump],
    [ramp(c.lookAlike, rules.lookAlike), 'look-alike-touching', false],
    [Math.max(ramp(c.relativeDistance, rules.farDistance), ramp(c.relativeArea, rules.farArea)), 'far-from-drawing', false],
    [ramp(c.referencesAgree, rules.referencesAgree), 'references-disagree', false],
  ];
  return cues.reduce((a, b) => (b[0] < a[0] ? b : a));
}

/** Past an end: the tissue likely goes on when the last slice was still large and the image past it still looks like the drawing. */
function judgeEnd(c: EndCues, rules: ReviewRules): number {
  return 1 - (1 - ramp(c.endArea, rules.endArea)) * (1 - ramp(c.endAlike, rules.endAlike));
}

export function judgeCues(cues: SliceCues[], rules: ReviewRules = DEFAULT_REVIEW_RULES): SliceJudgement[] {
  const inherited = new Set<number>();
  const out = cues.map((c): SliceJudgement => {
    if (c.kind === 'painted' && c.drawn) return { slice: c.slice, voxels: c.voxels, confidence: 1, doubtful: false, reason: 'drawn' };
    const [score, reason, carried] = c.kind === 'painted' ? judgePainted(c, rules) : [judgeEnd(c, rules), 'past-the-end' as const, false];
    const doubtful = score < rules.doubtfulBelow;
    if (doubtful && carried) inherited.add(c.slice);
    return { slice: c.slice, voxels: c.voxels, confidence: Math.round(score * 1000) / 1000, doubtful, reason: doubtful ? reason : null };
  });
  markTails(out, inherited);
  return out;
}

export function reviewLabel(input: ReviewInput, rules: ReviewRules = DEFAULT_REVIEW_RULES): SliceJudgement[] {
  return judgeCues(sliceCues(input.image, input.drawn, input.result), rules);
}

/**
 * A doubtful run reaching the result's end is the result going on past the tissue: its slices
 * that look unlike the drawing, or only carry a jump nearer the drawing, say so.
 */
function markTails(out: SliceJudgement[], inherited: Set<number>): void {
  const bySlice = new Map(out.filter((j) => j.voxels > 0).map((j) => [j.slice, j]));
  for (const dir of [-1, 1]) {
    for (const j of bySlice.values()) {
      if (bySlice.has(j.slice + dir)) continue; // not an end of a painted run
      for (let k = j.slice; bySlice.get(k)?.doubtful; k -= dir) {
        const t = bySlice.get(k)!;
        if (t.reason === 'low-evidence' || inherited.has(k)) t.reason = 'past-the-end';
      }
    }
  }
}
