/**
 * The hyperparameter bank with cyclic feedback (method steps 8–9): every setting of the bank
 * turns the candidate pool into a prompt scheme, the segmenter answers each scheme (with each
 * prior mask offered), and the answer with the best combined score is kept. One search serves
 * 2D one-shot images, slices of a series and the seed slice of a cross-study run.
 */
import { PreparedImage } from '../segmenters/promptable-segmenter';
import { CandidatePool, PromptSetting, schemeFor } from './prompt-planner';

export interface BankSearch {
  pool: CandidatePool;
  prepared: PreparedImage;
  bank: PromptSetting[];
  /** Prior masks to offer the segmenter with every scheme (undefined: none). */
  priors: (Uint8Array | undefined)[];
  /** Multiplies the score of an answer (e.g. down-weights a mask of implausible size), 0..1. */
  plausibility?: (mask: Uint8Array) => number;
  /** Called with every answer, for diagnostics. */
  onAnswer?: (a: BankAnswer) => void;
}

export interface BankAnswer {
  mask: Uint8Array;
  /** 0.7 × the segmenter's quality + 0.3 × the scheme's feature score, times plausibility. */
  score: number;
  quality: number;
  setting: PromptSetting;
  priorIndex: number;
  positives: number;
  /** Cycle-consistent positive matches of the pool (0: the tissue is not recognised here). */
  positiveMatches: number;
}

/** The best answer over the bank, or undefined when no setting yields a positive point. */
export async function searchBank(s: BankSearch): Promise<BankAnswer | undefined> {
  let best: BankAnswer | undefined;
  const tried = new Set<string>();
  for (const setting of s.bank) {
    const scheme = schemeFor(s.pool, setting);
    const positives = scheme.points.filter((p) => p.positive).length;
    if (positives === 0) continue;
    const key = scheme.points.map((p) => `${p.x},${p.y},${p.positive ? 1 : 0}`).sort().join(';');
    for (const [priorIndex, priorMask] of s.priors.entries()) {
      // Two settings that thin to the same points give the same answer.
      if (tried.has(`${priorIndex}|${key}`)) continue;
      tried.add(`${priorIndex}|${key}`);
      const res = await s.prepared.segment({ points: scheme.points, priorMask });
      const score = (0.7 * res.quality + 0.3 * scheme.featureScore) * (s.plausibility?.(res.mask) ?? 1);
      const answer: BankAnswer = { mask: res.mask, score, quality: res.quality, setting, priorIndex, positives, positiveMatches: scheme.positiveMatches };
      s.onAnswer?.(answer);
      if (!best || score > best.score) best = answer;
    }
  }
  return best;
}
