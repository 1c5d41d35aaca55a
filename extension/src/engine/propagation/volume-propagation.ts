/**
 * Propagates one label from its annotated slice(s) through a volume. Each slice is
 * segmented with the SAT prompt planner using the nearest finished slice and the nearest
 * annotated slice as references; the neighbour's mask is the segmenter's prior. A run stops
 * where the tissue ends. Afterwards only 3D components connected to the annotation are kept.
 */
import { ImageVolume } from '../image/types';
import { sliceImage } from '../image/slices';
import { Backends, CancelledError, RunHooks } from '../api-types';
import { PatchFeatures } from '../features/patch-encoder';
import { DEFAULT_BANK, planPrompts, PlannerReference, PromptSetting } from '../prompts/prompt-planner';
import { propagationRuns } from './slice-order';
import { DEFAULT_TISSUE_END, tissueEnded, TissueEndRules } from './tissue-end';
import { keepSeededComponents3D } from '../imaging/components';
import { countOnes } from '../imaging/morphology';
import { affinityReference, tissueAffinity } from './tissue-affinity';

const DEBUG = typeof process !== 'undefined' && !!process.env?.SAT_DEBUG_PROPAGATION;

export interface PropagationOptions {
  bank?: PromptSetting[];
  tissueEnd?: TissueEndRules;
}

export interface LabelPropagation {
  /** Binary mask over the volume (1 = label). */
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
  /** Report progress of this label's slices through these callbacks. */
  onSliceDone: () => void;
}

export async function propagateLabel(ctx: PropagationContext, annotatedMask: Uint8Array, options: PropagationOptions = {}): Promise<LabelPropagation> {
  const { image, backends, hooks, label } = ctx;
  const [w, h, depth] = image.dims;
  const sliceLen = w * h;
  const bank = options.bank ?? DEFAULT_BANK;
  const rules = options.tissueEnd ?? DEFAULT_TISSUE_END;
  const mask = new Uint8Array(sliceLen * depth);
  const confidence = new Float32Array(depth).fill(NaN);
  const stops: LabelPropagation['stops'] = [];

  const annotated: number[] = [];
  for (let k = 0; k < depth; k++) {
    const s = annotatedMask.subarray(k * sliceLen, (k + 1) * sliceLen);
    if (countOnes(s) > 0) {
      annotated.push(k);
      mask.set(s, k * sliceLen);
      confidence[k] = 1;
    }
  }
  const features = new Map<number, PatchFeatures>();
  const featuresOf = async (k: number) => {
    let f = features.get(k);
    if (!f) {
      f = await backends.encoder.encode(sliceImage(image, k));
      features.set(k, f);
    }
    return f;
  };
  const maskOf = (k: number) => mask.subarray(k * sliceLen, (k + 1) * sliceLen);

  for (const run of propagationRuns(annotated, depth)) {
    const referenceArea = countOnes(maskOf(run.from));
    const affinityRef = affinityReference(await featuresOf(run.from), maskOf(run.from), w, h);
    let prev = run.from;
    let stopped = false;
    for (const k of run.slices) {
      if (hooks.signal?.aborted) throw new CancelledError();
      if (stopped) {
        ctx.onSliceDone();
        continue;
      }
      const refs: PlannerReference[] = [];
      for (const r of prev === run.from ? [prev] : [prev, run.from]) refs.push({ features: await featuresOf(r), mask: maskOf(r), width: w, height: h });
      const target = await featuresOf(k);
      const prepared = await backends.segmenter.prepare(sliceImage(image, k));
      let best: { mask: Uint8Array; score: number; quality: number; positiveMatches: number } | undefined;
      for (const setting of bank) {
        const scheme = planPrompts({ target, width: w, height: h, spacing: [image.spacing[0], image.spacing[1]], references: refs, sameFrame: true, setting });
        if (scheme.points.every((p) => !p.positive)) {
          if (!best) best = { mask: new Uint8Array(sliceLen), score: 0, quality: 0, positiveMatches: scheme.positiveMatches };
          continue;
        }
        const res = await prepared.segment({ points: scheme.points, priorMask: maskOf(prev) });
        const score = 0.7 * res.quality + 0.3 * scheme.featureScore;
        if (!best || score > best.score) best = { mask: res.mask, score, quality: res.quality, positiveMatches: scheme.positiveMatches };
      }
      prepared.dispose?.();
      const area = best ? countOnes(best.mask) : 0;
      const affinity = best && area > 0 ? tissueAffinity(affinityRef, target, best.mask, w, h) : NaN;
      const reason = best
        ? tissueEnded({ area, previousArea: countOnes(maskOf(prev)), referenceArea, confidence: best.score, positiveMatches: best.positiveMatches, affinity }, rules)
        : 'no prompt';
      if (DEBUG) console.error(`label ${label} k=${k} area=${area} conf=${best?.score.toFixed(2)} q=${best?.quality.toFixed(2)} aff=${affinity.toFixed(2)} pm=${best?.positiveMatches} ${reason ?? ''}`);
      if (reason && run.mayStop) {
        stops.push({ from: run.from, at: k, reason });
        stopped = true;
        confidence[k] = best ? best.score : 0;
        ctx.onSliceDone();
        continue;
      }
      if (best) {
        mask.set(best.mask, k * sliceLen);
        confidence[k] = best.score;
        hooks.onSlice?.({ label, k, mask: best.mask, confidence: best.score });
      }
      features.delete(prev === run.from ? -1 : prev); // keep annotated slices' features, drop passed ones
      prev = k;
      ctx.onSliceDone();
    }
  }
  keepSeededComponents3D(mask, [w, h, depth], 1, (i) => annotatedMask[i] !== 0);
  return { mask, confidence, stops };
}
