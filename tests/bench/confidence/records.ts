/**
 * bench:confidence's scoring (pure): each per-slice record of the review against the labels,
 * and recall / precision of the doubtful flags. A slice is wrong when it is painted where the
 * label is empty, painted with slice Dice < 0.5, or left empty with ≥ 50 labelled voxels.
 */
import type { SliceJudgement } from '../../../extension/src/engine';

export const WRONG_DICE_BELOW = 0.5;
export const MISSED_AT_LEAST = 50;

export interface ScoredRecord extends SliceJudgement {
  truthVoxels: number;
  dice: number;
  wrong: boolean;
}

/** The records of one run against its binary truth; drawn slices are left out (the user's own). */
export function scoreRecords(judged: SliceJudgement[], pred: ArrayLike<number>, truth: ArrayLike<number>, sliceLength: number): ScoredRecord[] {
  const out: ScoredRecord[] = [];
  for (const j of judged) {
    if (j.reason === 'drawn') continue;
    let t = 0;
    let p = 0;
    let both = 0;
    for (let i = j.slice * sliceLength; i < (j.slice + 1) * sliceLength; i++) {
      const a = pred[i] ? 1 : 0;
      const b = truth[i] ? 1 : 0;
      p += a;
      t += b;
      both += a & b;
    }
    const dice = p + t ? (2 * both) / (p + t) : 1;
    const wrong = p > 0 ? t === 0 || dice < WRONG_DICE_BELOW : t >= MISSED_AT_LEAST;
    out.push({ ...j, truthVoxels: t, dice, wrong });
  }
  return out;
}

/** Slices the result left empty beyond the records (missed, ≥ 50 voxels): no record can flag them. */
export function missedBeyondRecords(judged: SliceJudgement[], pred: ArrayLike<number>, truth: ArrayLike<number>, sliceLength: number, depth: number): number {
  const recorded = new Set(judged.map((j) => j.slice));
  let n = 0;
  for (let k = 0; k < depth; k++) {
    if (recorded.has(k)) continue;
    let t = 0;
    let p = 0;
    for (let i = k * sliceLength; i < (k + 1) * sliceLength; i++) (t += truth[i] ? 1 : 0), (p += pred[i] ? 1 : 0);
    if (!p && t >= MISSED_AT_LEAST) n++;
  }
  return n;
}

export interface FlagScore {
  records: number;
  wrong: number;
  flagged: number;
  flaggedWrong: number;
  recall: number;
  precision: number;
}

export function flagScore(rs: ScoredRecord[]): FlagScore {
  const wrong = rs.filter((r) => r.wrong).length;
  const flagged = rs.filter((r) => r.doubtful).length;
  const flaggedWrong = rs.filter((r) => r.doubtful && r.wrong).length;
  return { records: rs.length, wrong, flagged, flaggedWrong, recall: wrong ? flaggedWrong / wrong : NaN, precision: flagged ? flaggedWrong / flagged : NaN };
}
