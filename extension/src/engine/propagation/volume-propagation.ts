/**
 * Propagates one label from its annotated slice(s) through a volume. Each slice is
 * segmented with the SAT prompt planner using the nearest finished slice and the nearest
 * annotated slice as references; the neighbour's mask is the segmenter's prior. A run stops
 * where the tissue ends. Afterwards only 3D components connected to the annotation are kept.
 * Work happens on a working grid (see image/working-resolution.ts); annotated slices are
 * returned exactly as drawn.
 */
import { ImageVolume } from '../image/types';
import { sliceImage } from '../image/slices';
import { downsampleImage, downsampleMask, upsampleMask, workingFactor } from '../image/working-resolution';
import { Backends, CancelledError, RunHooks, StageTimings } from '../api-types';
import { PatchFeatures } from '../features/patch-encoder';
import { SegmenterImage } from '../segmenters/promptable-segmenter';
import { collectCandidates, DEFAULT_BANK, PlannerReference, PromptSetting, schemeFor } from '../prompts/prompt-planner';
import { propagationRuns } from './slice-order';
import { DEFAULT_TISSUE_END, tissueEnded, TissueEndRules } from './tissue-end';
import { affinityReference, tissueAffinity } from './tissue-affinity';
import { keepSeededComponents3D } from '../imaging/components';
import { countOnes } from '../imaging/morphology';
import { envValue } from '../debug-env';

const DEBUG = !!envValue('SAT_DEBUG_PROPAGATION');

export interface PropagationOptions {
  bank?: PromptSetting[];
  tissueEnd?: TissueEndRules;
  /** Smallest working pixel (mm); 0 works on the full grid. */
  minWorkingSpacingMm?: number;
}

export interface LabelPropagation {
  /** Binary mask over the volume, full grid (1 = label). */
  mask: Uint8Array;
  /** Per-slice confidence; 1 on annotated slices, NaN where not segmented. */
  confidence: Float32Array;
  /** For each run, where and why it stopped early (if it did). */
  stops: { from: number; at: number; reason: string }[];
}

export interface PropagationContext {
  image: ImageVolume;
  backends: Backends;
  hooks: RunHooks;
  label: number;
  /** Called once per slice of this label, finished or skipped. */
  onSliceDone: () => void;
  /** Stage times are added here. */
  timings: StageTimings;
}

interface SliceBest {
  mask: Uint8Array;
  score: number;
  quality: number;
  positiveMatches: number;
}

export async function propagateLabel(ctx: PropagationContext, annotatedMask: Uint8Array, options: PropagationOptions = {}): Promise<LabelPropagation> {
  const { image, backends, hooks, label } = ctx;
  const [W, H, depth] = image.dims;
  const fullLen = W * H;
  const f = workingFactor([image.spacing[0], image.spacing[1]], options.minWorkingSpacingMm);
  const w = Math.ceil(W / f);
  const h = Math.ceil(H / f);
  const sliceLen = w * h;
  const spacing: [number, number] = [image.spacing[0] * f, image.spacing[1] * f];
  const bank = options.bank ?? DEFAULT_BANK;
  const rules = options.tissueEnd ?? DEFAULT_TISSUE_END;
  const work = new Uint8Array(sliceLen * depth);
  const confidence = new Float32Array(depth).fill(NaN);
  const stops: LabelPropagation['stops'] = [];

  const annotated: number[] = [];
  for (let k = 0; k < depth; k++) {
    const s = annotatedMask.subarray(k * fullLen, (k + 1) * fullLen);
    if (countOnes(s) > 0) {
      annotated.push(k);
      work.set(downsampleMask(s, W, H, f), k * sliceLen);
      confidence[k] = 1;
    }
  }
  const slices = new Map<number, { image: SegmenterImage; features: PatchFeatures }>();
  const sliceOf = async (k: number) => {
    let s = slices.get(k);
    if (!s) {
      const t0 = now();
      const img = downsampleImage(sliceImage(image, k), f);
      s = { image: img, features: await backends.encoder.encode(img) };
      ctx.timings.encodeMs += now() - t0;
      slices.set(k, s);
    }
    return s;
  };
  const maskOf = (k: number) => work.subarray(k * sliceLen, (k + 1) * sliceLen);
  const show = (k: number) => hooks.onSlice?.({ label, k, mask: upsampleMask(maskOf(k), w, h, f, W, H), confidence: confidence[k] });

  for (const run of propagationRuns(annotated, depth)) {
    const referenceArea = countOnes(maskOf(run.from));
    const affinityRef = affinityReference((await sliceOf(run.from)).features, maskOf(run.from), w, h);
    let prev = run.from;
    let stopped = false;
    /** A slice with soft evidence against the tissue, held until the next slice decides. */
    let pending: { k: number; reason: string } | undefined;
    for (const k of run.slices) {
      if (hooks.signal?.aborted) throw new CancelledError();
      if (stopped) {
        ctx.onSliceDone();
        continue;
      }
      const refs: PlannerReference[] = [];
      for (const r of prev === run.from ? [prev] : [prev, run.from]) refs.push({ features: (await sliceOf(r)).features, mask: maskOf(r), width: w, height: h });
      const target = await sliceOf(k);
      const best = await segmentSlice(backends, target, refs, maskOf(prev), spacing, bank, ctx.timings);
      ctx.timings.slices++;
      const area = countOnes(best.mask);
      const affinity = area > 0 ? tissueAffinity(affinityRef, target.features, best.mask, w, h) : NaN;
      const verdict = run.mayStop
        ? tissueEnded({ area, previousArea: countOnes(maskOf(prev)), referenceArea, confidence: best.score, positiveMatches: best.positiveMatches, affinity }, rules)
        : undefined;
      if (DEBUG) console.error(`label ${label} k=${k} area=${area} conf=${best.score.toFixed(2)} q=${best.quality.toFixed(2)} aff=${affinity.toFixed(2)} pm=${best.positiveMatches} ${verdict?.reason ?? ''}`);
      confidence[k] = best.score;
      if (verdict && (verdict.hard || pending)) {
        // The tissue ended: here, or already at the pending slice.
        const at = pending ? pending.k : k;
        if (pending) work.fill(0, pending.k * sliceLen, (pending.k + 1) * sliceLen); // never shown, now dropped
        stops.push({ from: run.from, at, reason: pending ? pending.reason : verdict.reason });
        stopped = true;
        ctx.onSliceDone();
        continue;
      }
      if (pending) show(pending.k); // this slice vouches for the held one
      pending = verdict ? { k, reason: verdict.reason } : undefined;
      work.set(best.mask, k * sliceLen);
      if (!pending) show(k);
      if (prev !== run.from) slices.delete(prev); // annotated slices stay cached as references
      prev = k;
      ctx.onSliceDone();
    }
    if (pending && !stopped) show(pending.k); // the series ended before the next slice could decide
  }
  const seeds = new Uint8Array(work.length);
  for (const k of annotated) seeds.set(maskOf(k), k * sliceLen);
  keepSeededComponents3D(work, [w, h, depth], 1, (i) => seeds[i] !== 0);

  const mask = new Uint8Array(fullLen * depth);
  for (let k = 0; k < depth; k++) {
    const out = mask.subarray(k * fullLen, (k + 1) * fullLen);
    if (annotated.includes(k)) out.set(annotatedMask.subarray(k * fullLen, (k + 1) * fullLen));
    else if (countOnes(maskOf(k)) > 0) upsampleMask(maskOf(k), w, h, f, W, H, out);
    else if (!Number.isNaN(confidence[k]) && confidence[k] > 0 && !stops.some((s) => s.at === k)) confidence[k] = 0;
  }
  return { mask, confidence, stops };
}

/** Runs every setting of the bank on one slice and keeps the best-scoring result. */
export async function segmentSlice(
  backends: Backends,
  target: { image: SegmenterImage; features: PatchFeatures },
  refs: PlannerReference[],
  prior: Uint8Array,
  spacing: [number, number],
  bank: PromptSetting[],
  timings: StageTimings,
): Promise<SliceBest> {
  const { width: w, height: h } = target.image;
  let t0 = now();
  const pool = collectCandidates({ target: target.features, width: w, height: h, spacing, references: refs, sameFrame: true });
  timings.planMs += now() - t0;
  t0 = now();
  const prepared = await backends.segmenter.prepare(target.image);
  let best: SliceBest = { mask: new Uint8Array(w * h), score: 0, quality: 0, positiveMatches: pool.positiveMatches };
  const tried = new Set<string>();
  for (const setting of bank) {
    const tp = now();
    const scheme = schemeFor(pool, setting);
    timings.planMs += now() - tp;
    t0 += now() - tp; // planning time is not segmenting time
    if (!scheme.points.some((p) => p.positive)) continue;
    const key = scheme.points.map((p) => `${p.x},${p.y},${p.positive ? 1 : 0}`).sort().join(';');
    if (tried.has(key)) continue; // same prompts as an earlier setting: same mask
    tried.add(key);
    const res = await prepared.segment({ points: scheme.points, priorMask: prior });
    const score = 0.7 * res.quality + 0.3 * scheme.featureScore;
    if (score > best.score) best = { mask: res.mask, score, quality: res.quality, positiveMatches: scheme.positiveMatches };
  }
  prepared.dispose?.();
  timings.segmentMs += now() - t0;
  return best;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
