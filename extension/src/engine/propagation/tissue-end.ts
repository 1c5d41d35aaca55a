/**
 * Deciding, slice by slice, whether the tissue is still there. Painting past an organ's end
 * is the main failure of slice-propagation tools, so a run stops at the first slice where
 * the evidence fails, and everything beyond stays empty.
 */
export interface TissueEndRules {
  /** Stop when the mask is smaller than this fraction of the annotated slice's area. */
  minAreaFraction: number;
  /** Stop when the mask has fewer pixels than this. */
  minPixels: number;
  /** Stop when the slice confidence falls below this. */
  minConfidence: number;
  /** Stop when fewer than this share of the mask's patches look like the annotated tissue. */
  minAffinity: number;
  /** Stop when the area grows faster than this factor from one slice to the next (a leak). */
  maxGrowth: number;
}

export const DEFAULT_TISSUE_END: TissueEndRules = {
  minAreaFraction: 0.03,
  minPixels: 4,
  minConfidence: 0.2,
  maxGrowth: 1.6,
  minAffinity: 0.1,
};

export interface SliceEvidence {
  area: number;
  previousArea: number;
  referenceArea: number;
  confidence: number;
  positiveMatches: number;
  /** Share of the mask's patches nearer to the annotated tissue than to its surroundings (NaN: too small to say). */
  affinity: number;
}

export interface TissueEndVerdict {
  reason: string;
  /**
   * Hard: the tissue is certainly gone (nothing matched, nothing left, a leak): stop here.
   * Soft: the evidence is weak (looks different, low confidence): stop only if the next
   * slice says so too, so one noisy slice does not cut an organ short.
   */
  hard: boolean;
}

/** Why the tissue is judged absent on this slice, or undefined when it is present. */
export function tissueEnded(e: SliceEvidence, rules: TissueEndRules): TissueEndVerdict | undefined {
  if (e.positiveMatches === 0) return { reason: 'no patch of the tissue recognised', hard: true };
  if (e.area < rules.minPixels) return { reason: 'mask vanished', hard: true };
  if (e.area < rules.minAreaFraction * e.referenceArea) return { reason: 'mask below the minimum area', hard: true };
  if (e.previousArea > 0 && e.area > rules.maxGrowth * e.previousArea + rules.minPixels * 4) return { reason: 'sudden growth (leak)', hard: true };
  if (e.affinity < rules.minAffinity) return { reason: 'no longer looks like the annotated tissue', hard: false };
  if (e.confidence < rules.minConfidence) return { reason: 'low confidence', hard: false };
  return undefined;
}
