/**
 * The prompt planner: from one or more references (image features + mask) and a target's
 * features, places positive and negative point prompts (method steps 2–8). Several
 * references (an ensemble, or a volume's nearest finished slices) pool their candidates.
 */
import { PatchFeatures } from '../features/patch-encoder';
import { ignoreFarBackground, labelPatches } from './patch-labels';
import { Candidate, matchPatches } from './correspondence';
import { exclusiveSampling, filterPositivesInFeatureSpace, PlacedCandidate, placeCandidates, sparseSampling } from './point-sampling';
import { schemeFeatureScore } from './scheme-score';
import { PromptPoint } from './prompt-types';

export interface PlannerReference {
  features: PatchFeatures;
  /** Reference mask at the reference image's pixel resolution, 0/1. */
  mask: Uint8Array;
  width: number;
  height: number;
}

/** One entry of the hyperparameter bank. */
export interface PromptSetting {
  name: string;
  /** Sparse-sampling radius as a fraction of the scale (image size, or tissue size within a series). */
  sparseFactor: number;
  /** Exclusive radius as a fraction of the scale. */
  exclusiveFactor: number;
}

export interface MatchInput {
  target: PatchFeatures;
  width: number;
  height: number;
  spacing: [number, number];
  references: PlannerReference[];
  /** References lie on the target's grid (slices of the same series). */
  sameFrame: boolean;
  /** Across studies: body-normalised patch positions (see correspondence.ts), one array per reference. */
  anatomy?: { target: Float32Array; references: Float32Array[]; weight: number };
}

export interface PromptScheme {
  points: PromptPoint[];
  setting: PromptSetting;
  /** Feature-space score of the scheme, 0..1. */
  featureScore: number;
  /** Cycle-consistent positive matches before thinning (0: the tissue is not recognised here). */
  positiveMatches: number;
}

/** Cycle-consistent candidates of one target, pooled over its references; shared by every setting of the bank. */
export interface CandidatePool {
  input: MatchInput;
  candidates: PlacedCandidate[];
  positiveMatches: number;
  /** Length scale (mm) the sampling radii are fractions of. */
  scale: number;
}

/** GBMSeg's r = 0.125 × image size, with a smaller and a larger neighbour for the bank. */
export const DEFAULT_BANK: PromptSetting[] = [
  { name: 'dense', sparseFactor: 0.0625, exclusiveFactor: 0.0625 },
  { name: 'standard', sparseFactor: 0.125, exclusiveFactor: 0.125 },
  { name: 'sparse', sparseFactor: 0.25, exclusiveFactor: 0.125 },
];

const WINDOW_PATCHES = 4;
/** Weight of squared image-space distance (patches²) against squared feature distance, within a series. */
const SPATIAL_WEIGHT = 0.02;

export function collectCandidates(input: MatchInput): CandidatePool {
  const { target, width, height, spacing, sameFrame } = input;
  const all: Candidate[] = [];
  input.references.forEach((ref, r) => {
    const cls = labelPatches(ref.mask, ref.width, ref.height, ref.features);
    if (sameFrame) ignoreFarBackground(cls, ref.features, WINDOW_PATCHES + 3);
    const anatomy = input.anatomy ? { ref: input.anatomy.references[r], target: input.anatomy.target, weight: input.anatomy.weight } : undefined;
    all.push(...matchPatches(ref.features, cls, target, { sameFrame, windowPatches: WINDOW_PATCHES, spatialWeight: SPATIAL_WEIGHT, anatomy }));
  });
  // Pool: one candidate per target patch; where references disagree, the better match wins.
  const byPatch = new Map<number, Candidate>();
  for (const c of all) {
    const prev = byPatch.get(c.patch);
    if (!prev || c.cost < prev.cost) byPatch.set(c.patch, c);
  }
  let placed = placeCandidates([...byPatch.values()], target, width, height, spacing);
  const positiveMatches = placed.filter((c) => c.positive).length;
  placed = filterPositivesInFeatureSpace(placed, target);
  const scale = sameFrame ? tissueScaleMm(input.references, spacing) : Math.max(width * spacing[0], height * spacing[1]);
  return { input, candidates: placed, positiveMatches, scale };
}

/** Thins a candidate pool into one prompt scheme for one setting of the bank. */
export function schemeFor(pool: CandidatePool, setting: PromptSetting): PromptScheme {
  const { target, width, height, spacing } = pool.input;
  let placed = exclusiveSampling(pool.candidates, setting.exclusiveFactor * pool.scale);
  const minSpacing = 1.5 * Math.max(target.patchW * spacing[0], target.patchH * spacing[1]);
  placed = sparseSampling(placed, Math.max(setting.sparseFactor * pool.scale, minSpacing), spacing);
  const featureScore = schemeFeatureScore(placed, target, Math.max(width, height));
  return { points: placed.map(({ x, y, positive }) => ({ x, y, positive })), setting, featureScore, positiveMatches: pool.positiveMatches };
}

/** Equivalent diameter (mm) of the largest reference mask: the natural scale of point spacing inside a series. */
function tissueScaleMm(refs: PlannerReference[], spacing: [number, number]): number {
  let area = 0;
  for (const r of refs) {
    let n = 0;
    for (let i = 0; i < r.mask.length; i++) n += r.mask[i];
    area = Math.max(area, n * spacing[0] * spacing[1]);
  }
  return Math.max(4 * Math.max(spacing[0], spacing[1]), 2 * Math.sqrt(area / Math.PI));
}

export type { PlacedCandidate };
