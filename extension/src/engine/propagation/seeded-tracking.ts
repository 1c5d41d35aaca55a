/**
 * PROTOTYPE: propagation by seeded region competition, slice after slice outward from the
 * annotated slice(s), with the annotated slice's appearance carried along.
 */
import { sliceImage } from '../image/slices';
import { downsampleImage, downsampleMask, upsampleMask, workingFactor } from '../image/working-resolution';
import { CancelledError } from '../api-types';
import { propagationRuns } from './slice-order';
import { keepSeededComponents3D } from '../imaging/components';
import { countOnes } from '../imaging/morphology';
import { gaussianBlur2D } from '../imaging/blur';
import { appearanceRanges, measureAppearance, TissueAppearance } from '../imaging/tissue-appearance';
import { SeededGrowthSegmenter, SeededGrowthOptions } from '../segmenters/seeded-growth-segmenter';
import { LabelPropagation, PropagationContext, PropagationOptions } from './volume-propagation';
import { SegmenterImage } from '../segmenters/promptable-segmenter';
import { enforceContinuity } from './component-continuity';
import { affinityReference, tissueAffinity } from './tissue-affinity';
import { segmentSlice } from './volume-propagation';
import { DEFAULT_BANK } from '../prompts/prompt-planner';
import { PatchFeatures } from '../features/patch-encoder';
import { LikelihoodSegmenter } from '../segmenters/likelihood-segmenter';
import { assignPieces, startTracks, TrackBook } from './tracks';
import { DEFAULT_TRACK_RULES, judgeSplit, judgeTrack } from './track-rules';
const DBG = !!process.env.SAT_DBG;

export interface TrackingOptions {
  motionSlices?: number;
  motionMm?: number;
  minAreaFraction?: number;
  growth?: Partial<SeededGrowthOptions>;
}

export async function trackLabel(ctx: PropagationContext, annotatedMask: Uint8Array, options: PropagationOptions & { tracking?: TrackingOptions } = {}): Promise<LabelPropagation> {
  const { image, hooks, label } = ctx;
  const t = options.tracking ?? {};
  const [W, H, depth] = image.dims;
  const fullLen = W * H;
  const f = workingFactor([image.spacing[0], image.spacing[1]], options.minWorkingSpacingMm);
  const w = Math.ceil(W / f);
  const h = Math.ceil(H / f);
  const sliceLen = w * h;
  const spacing: [number, number] = [image.spacing[0] * f, image.spacing[1] * f];
  const work = new Uint8Array(sliceLen * depth);
  const confidence = new Float32Array(depth).fill(NaN);
  const stops: LabelPropagation['stops'] = [];
  const likBackends = { encoder: ctx.backends.encoder, segmenter: new LikelihoodSegmenter({ priorFalloffMm: 10, marginMm: 40, ...(process.env.SAT_L ? JSON.parse(process.env.SAT_L) : {}) }) };
  const segmenter = new SeededGrowthSegmenter({ ...t.growth, ...(process.env.SAT_P ? JSON.parse(process.env.SAT_P) : {}) });
  const rules = { ...DEFAULT_TRACK_RULES, ...(process.env.SAT_R ? JSON.parse(process.env.SAT_R) : {}) };
  const motion = Number(process.env.SAT_MS ?? 1.5) * image.spacing[2] + Number(process.env.SAT_MM ?? 2);

  const annotated: number[] = [];
  for (let k = 0; k < depth; k++) {
    const s = annotatedMask.subarray(k * fullLen, (k + 1) * fullLen);
    if (countOnes(s) > 0) {
      annotated.push(k);
      work.set(downsampleMask(s, W, H, f), k * sliceLen);
      confidence[k] = 1;
    }
  }
  const sliceOf = (k: number): SegmenterImage => downsampleImage(sliceImage(image, k), f);
  const maskOf = (k: number) => work.subarray(k * sliceLen, (k + 1) * sliceLen);
  const show = (k: number) => hooks.onSlice?.({ label, k, mask: upsampleMask(maskOf(k), w, h, f, W, H), confidence: confidence[k] });
  const isCt = image.modality === 'CT';
  const appearanceAt = new Map<number, TissueAppearance>();
  for (const k of annotated) {
    const img = sliceOf(k);
    const v = gaussianBlur2D(img.data, w, h, 1 / spacing[0], 1 / spacing[1]);
    const app = measureAppearance(v, maskOf(k), w, h, spacing, appearanceRanges(v, isCt));
    if (app) appearanceAt.set(k, app);
  }

  const trackMaps = new Map<number, Uint16Array>();
  for (const run of propagationRuns(annotated, depth)) {
    const appearance = appearanceAt.get(run.from);
    const book = new TrackBook();
    const featCache = new Map<number, PatchFeatures>();
    trackMaps.set(run.from, startTracks(book, maskOf(run.from), sliceOf(run.from).data, w, h, spacing, run.from).trackMap);
    const affRef = DBG ? affinityReference(await ctx.backends.encoder.encode(sliceOf(run.from)), maskOf(run.from), w, h) : undefined;
    let prev = run.from;
    const order = new Map<number, number>([[run.from, -1], ...run.slices.map((k, i) => [k, i] as [number, number])]);
    const erase = (ids: Set<number>, afterK: number, throughK: number) => {
      for (const kk of run.slices) {
        const o = order.get(kk)!;
        if (o <= order.get(afterK)! || o > order.get(throughK)!) continue;
        const m = maskOf(kk);
        const tm = trackMaps.get(kk)!;
        let changed = false;
        for (let i = 0; i < sliceLen; i++) if (tm[i] && ids.has(tm[i])) (m[i] = 0), (tm[i] = 0), (changed = true);
        if (changed && kk !== throughK) show(kk);
      }
    };
    for (const k of run.slices) {
      if (hooks.signal?.aborted) throw new CancelledError();
      const prevMask = maskOf(prev);
      if (!prevMask.some((v) => v)) {
        ctx.onSliceDone();
        continue;
      }
      const t0 = Date.now();
      let res: { mask: Uint8Array; quality: number };
      const mode = process.env.SAT_MODE ?? 'and';
      if (mode === 'sat' || mode === 'and') {
        const feats = async (kk: number) => {
          let f = featCache.get(kk);
          if (!f) featCache.set(kk, (f = await ctx.backends.encoder.encode(sliceOf(kk))));
          return f;
        };
        const refs = [{ features: await feats(prev), mask: prevMask, width: w, height: h }];
        if (prev !== run.from) refs.push({ features: await feats(run.from), mask: maskOf(run.from), width: w, height: h });
        const best = await segmentSlice(likBackends, { image: sliceOf(k), features: await feats(k) }, refs, prevMask, spacing, DEFAULT_BANK, ctx.timings);
        res = { mask: best.mask, quality: best.score };
        if (mode === 'and') {
          const c = segmenter.prepareSync(sliceOf(k)).segmentSync({ points: [], priorMask: prevMask, appearance, boundaryMotionMm: motion, priorImage: sliceOf(prev).data });
          for (let i = 0; i < sliceLen; i++) res.mask[i] = res.mask[i] && c.mask[i] ? 1 : 0;
        }
        if (featCache.size > 8) for (const kk of [...featCache.keys()]) if (kk !== run.from && kk !== k && kk !== prev) featCache.delete(kk);
      } else {
        const prepared = segmenter.prepareSync(sliceOf(k));
        res = prepared.segmentSync({ points: [], priorMask: prevMask, appearance, boundaryMotionMm: motion, priorImage: process.env.SAT_NOCARRY ? undefined : sliceOf(prev).data });
      }
      ctx.timings.segmentMs += Date.now() - t0;
      ctx.timings.slices++;
      const rep = process.env.SAT_NOCONT ? { cut: 0, dropped: 0 } : enforceContinuity(prevMask, res.mask, w, h, spacing, motion, { cutLineLimit: Number(process.env.SAT_CUTLIM ?? 0.35), growthSlack: Number(process.env.SAT_SLACK ?? 1) });
      const { trackMap, samples, splits } = assignPieces(book, res.mask, sliceOf(k).data, trackMaps.get(prev)!, w, h, spacing, k);
      confidence[k] = res.quality;
      work.set(res.mask, k * sliceLen);
      trackMaps.set(k, trackMap);
      if (run.mayStop && !process.env.SAT_NORULES) {
        for (const [parentId, childIds] of splits) {
          const { branches, ended } = judgeSplit(book.get(parentId), childIds.map((c) => book.get(c)), rules);
          if (branches.length) erase(new Set(branches.map((b) => b.id)), prev, k);
          if (DBG && branches.length) console.error(`  track ${parentId} splits at ${k}: ${branches.length} of ${childIds.length} pieces are branches${ended ? ' (tube ended)' : ''}`);
          if (ended) stops.push({ from: run.from, at: prev, reason: 'a tube that divides into thinner branches' });
          for (const b of branches) samples.delete(b.id);
        }
        for (const id of samples.keys()) {
          const end = judgeTrack(book.get(id), image.spacing[2], rules);
          if (!end) continue;
          erase(book.lineageOf(id), end.keepThrough, k);
          stops.push({ from: run.from, at: end.keepThrough, reason: end.reason });
          if (DBG) console.error(`  track ${id} ends after ${end.keepThrough}: ${end.reason}`);
        }
      }
      const aff = affRef && countOnes(maskOf(k)) ? tissueAffinity(affRef, await ctx.backends.encoder.encode(sliceOf(k)), maskOf(k), w, h) : NaN;
      if (DBG) console.error(`k=${k} aff=${aff.toFixed(2)} area=${countOnes(maskOf(k))} q=${res.quality.toFixed(2)} cut=${rep.cut} dropped=${rep.dropped} tracks=${[...samples].map(([i, a]) => `${i}:${a.area}/${a.thickness.toFixed(1)}${book.get(i).tubeThickness ? 'T' + book.get(i).tubeThickness!.toFixed(1) : ''}`).join(',')}`);
      show(k);
      prev = k;
      ctx.onSliceDone();
    }
  }
  const seeds = new Uint8Array(work.length);
  for (const k of annotated) seeds.set(maskOf(k), k * sliceLen);
  keepSeededComponents3D(work, [w, h, depth], 1, (i) => seeds[i] !== 0);
  const mask = new Uint8Array(fullLen * depth);
  for (let k = 0; k < depth; k++) {
    const out = mask.subarray(k * fullLen, (k + 1) * fullLen);
    if (annotated.includes(k)) out.set(annotatedMask.subarray(k * fullLen, (k + 1) * fullLen));
    else if (countOnes(maskOf(k)) > 0) upsampleMask(maskOf(k), w, h, f, W, H, out);
  }
  return { mask, confidence, stops };
}
