/**
 * One slice of a run: what the tissue is on slice k, given the finished neighbouring slice.
 * Two complementary judgements, both of which must agree:
 * - the SAT path: the prompt planner matches the target's patch features to the neighbour's and
 *   the annotated slice's, places positive and negative points, and the promptable segmenter
 *   (embedded, or a learned SAM-family model) answers with the neighbour's mask as prior;
 * - the walls: seeded region competition from the neighbour's mask keeps the tissue to what it
 *   connects to without crossing an edge, so a look-alike behind a wall stays out.
 */
import { Backends, StageTimings } from '../api-types';
import { Image2D } from '../image/types';
import { PatchFeatures } from '../features/patch-encoder';
import { collectCandidates, PlannerReference, PromptSetting } from '../prompts/prompt-planner';
import { searchBank } from '../prompts/bank-search';
import { SeededGrowthSegmenter } from '../segmenters/seeded-growth-segmenter';
import { TissueAppearance } from '../imaging/tissue-appearance';

export interface SliceStepInput {
  backends: Backends;
  walls: SeededGrowthSegmenter;
  target: { image: Image2D; features: PatchFeatures };
  /** The finished neighbouring slice first, then the annotated slice the run started from. */
  references: PlannerReference[];
  /** The neighbour's mask and its image. */
  prior: Uint8Array;
  priorImage: Float32Array;
  bank: PromptSetting[];
  appearance?: TissueAppearance;
  motionMm: number;
  timings: StageTimings;
  /** Switches (rules/index.ts): the SAT answer and the walls; at least one is on. */
  useSat?: boolean;
  useWalls?: boolean;
}

export interface SliceStep {
  mask: Uint8Array;
  /** The bank's best score, 0..1 (0 when nothing was recognised). */
  confidence: number;
}

export async function segmentSliceStep(s: SliceStepInput): Promise<SliceStep> {
  const { image, features } = s.target;
  const [useSat, useWalls] = [s.useSat ?? true, s.useWalls ?? true];
  let t0 = now();
  let answer: { mask: Uint8Array; score: number } | undefined;
  if (useSat) {
    const pool = collectCandidates({ target: features, width: image.width, height: image.height, spacing: image.pixelSpacing, references: s.references, sameFrame: true });
    s.timings.planMs += now() - t0;
    t0 = now();
    const prepared = await s.backends.segmenter.prepare(image);
    const found = await searchBank({ pool, prepared, bank: s.bank, priors: [s.prior] });
    prepared.dispose?.();
    if (!found || found.positiveMatches === 0) {
      s.timings.segmentMs += now() - t0;
      return { mask: new Uint8Array(image.width * image.height), confidence: 0 };
    }
    answer = found;
  }
  if (!useWalls) {
    s.timings.segmentMs += now() - t0;
    return { mask: answer!.mask, confidence: answer!.score };
  }
  const walls = s.walls.prepareSync(image).segmentSync({ points: [], priorMask: s.prior, priorImage: s.priorImage, appearance: s.appearance, boundaryMotionMm: s.motionMm });
  s.timings.segmentMs += now() - t0;
  if (!answer) return { mask: walls.mask, confidence: walls.quality };
  const mask = answer.mask;
  for (let i = 0; i < mask.length; i++) if (!walls.mask[i]) mask[i] = 0;
  return { mask, confidence: answer.score };
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
