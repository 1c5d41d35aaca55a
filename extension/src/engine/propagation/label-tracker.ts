/**
 * Follows one label from its annotated slice(s) through a volume. Runs go outward from each
 * annotated slice (slice-order.ts); on every slice the tissue is segmented from the finished
 * neighbour (slice-step.ts), each connected piece is followed as a track of its own
 * (tracks.ts), and each track is judged by its own course (rules/): where a piece
 * ends, it and what grew from it are removed from the slices past its end, so a run can
 * stop one piece (the ascending aorta at the heart) and go on with another (the descending
 * aorta). Work happens on
 * a working grid (image/working-resolution.ts); annotated slices are returned exactly as drawn.
 */
import { ImageVolume } from '../image/types';
import { downsampleMask, upsampleMask, workingFactor } from '../image/working-resolution';
import { Backends, CancelledError, RunHooks, StageTimings } from '../api-types';
import { DEFAULT_BANK, PlannerReference, PromptSetting } from '../prompts/prompt-planner';
import { countOnes } from '../imaging/morphology';
import { TissueAppearance } from '../imaging/tissue-appearance';
import { SeededGrowthOptions, SeededGrowthSegmenter } from '../segmenters/seeded-growth-segmenter';
import { propagationRuns, PropagationRun } from './slice-order';
import { segmentSliceStep } from './slice-step';
import { assignPieces, HeirShares, startTracks, TrackBook } from './tracks';
import { DEFAULT_PARAMS, PropagationParams } from './rules/params';
import { isRuleName, judgeTrack, RULES } from './rules';
import { EdgeEnvelope, edgeEnvelope, keepWithinReach } from './edge-envelope';
import { WorkingSlices } from './working-slices';

export interface TrackingOptions {
  bank?: PromptSetting[];
  params?: Partial<PropagationParams>;
  /** Rules and stages switched off, by name (rules/index.ts: RULES); for ablations. */
  off?: string[];
  walls?: Partial<SeededGrowthOptions>;
  /** Smallest working pixel (mm); 0 works on the full grid. */
  minWorkingSpacingMm?: number;
  /** In-plane motion of the tissue's edge allowed along the run: this many mm per mm of run plus motionMm per step (edge-envelope.ts). */
  motionSlices?: number;
  motionMm?: number;
}

export interface TrackingContext {
  image: ImageVolume;
  backends: Backends;
  hooks: RunHooks;
  label: number;
  /** Slices where the user said this label is absent (emptied annotations): runs stop before them, and they stay empty. */
  absentSlices?: number[];
  /** Called once per slice of this label, finished or skipped. */
  onSliceDone: () => void;
  /** Stage times are added here. */
  timings: StageTimings;
}

export interface LabelTrack {
  /** Binary mask over the volume, full grid (1 = label). */
  mask: Uint8Array;
  /** Per-slice confidence; 1 on annotated slices, 0 where segmented and found empty, NaN where not segmented. */
  confidence: Float32Array;
  /** Where pieces ended and why. */
  stops: { from: number; at: number; reason: string }[];
}

export async function trackLabel(ctx: TrackingContext, annotatedMask: Uint8Array, options: TrackingOptions = {}): Promise<LabelTrack> {
  const t = new LabelTracker(ctx, annotatedMask, options);
  const runs = propagationRuns(t.annotated, ctx.image.dims[2], ctx.absentSlices);
  for (let i = 0; i < runs.length; i++) {
    const [run, next] = [runs[i], runs[i + 1]];
    // A gap between two drawings comes as two runs through it, one from each side.
    if (!run.mayStop && next && !next.mayStop && next.from !== run.from) await t.followGap(run, next), i++;
    else await t.follow(run);
  }
  return t.finish();
}

class LabelTracker {
  readonly annotated: number[] = [];
  private readonly W: number;
  private readonly H: number;
  private readonly f: number;
  private readonly w: number;
  private readonly h: number;
  private readonly spacing: [number, number];
  private readonly work: Uint8Array;
  private readonly confidence: Float32Array;
  private readonly stops: LabelTrack['stops'] = [];
  private readonly trackMaps = new Map<number, Uint16Array>();
  private readonly slices: WorkingSlices;
  private readonly walls: SeededGrowthSegmenter;
  private readonly params: PropagationParams;
  private readonly off: ReadonlySet<string>;
  private readonly heirs: HeirShares | null;
  private readonly bank: PromptSetting[];
  private readonly motionMm: number;
  private readonly envelope: EdgeEnvelope;

  constructor(private readonly ctx: TrackingContext, private readonly annotatedMask: Uint8Array, options: TrackingOptions) {
    const { image } = ctx;
    [this.W, this.H] = image.dims;
    this.f = workingFactor([image.spacing[0], image.spacing[1]], options.minWorkingSpacingMm);
    this.w = Math.ceil(this.W / this.f);
    this.h = Math.ceil(this.H / this.f);
    this.spacing = [image.spacing[0] * this.f, image.spacing[1] * this.f];
    this.work = new Uint8Array(this.w * this.h * image.dims[2]);
    this.confidence = new Float32Array(image.dims[2]).fill(NaN);
    this.walls = new SeededGrowthSegmenter(options.walls);
    this.slices = new WorkingSlices(image, this.f, this.spacing, ctx.backends.encoder, ctx.timings);
    this.params = { ...DEFAULT_PARAMS, ...options.params };
    const unknown = (options.off ?? []).filter((n) => !isRuleName(n));
    if (unknown.length) throw new Error(`unknown rule ${unknown.join(', ')} (known: ${RULES.map((r) => r.name).join(', ')})`);
    this.off = new Set(options.off ?? []);
    if (this.off.has('sat-answer') && this.off.has('walls')) throw new Error('sat-answer and walls cannot both be off: nothing would segment a slice');
    this.heirs = this.off.has('heirs') ? null : { split: this.params.splitHeirShare, merge: this.params.mergeHeirShare };
    this.bank = options.bank ?? DEFAULT_BANK;
    this.envelope = edgeEnvelope(Math.max(...this.spacing), image.spacing[2], options.motionSlices ?? 1.5, options.motionMm ?? 2);
    this.motionMm = this.envelope.perSliceMm;
    const full = this.W * this.H;
    for (let k = 0; k < image.dims[2]; k++) {
      const s = annotatedMask.subarray(k * full, (k + 1) * full);
      if (countOnes(s) === 0) continue;
      this.annotated.push(k);
      this.maskOf(k).set(downsampleMask(s, this.W, this.H, this.f));
      this.confidence[k] = 1;
    }
  }

  /** One run: slice after slice away from its annotated slice, until the series or every piece ends. */
  async follow(run: PropagationRun, counted = false): Promise<void> {
    const { hooks } = this.ctx;
    const book = new TrackBook();
    const start = startTracks(book, this.maskOf(run.from), this.slices.imageOf(run.from).data, this.w, this.h, this.spacing, run.from);
    this.trackMaps.set(run.from, start.trackMap);
    // The annotated slice's tissue against its surroundings (single-channel series only).
    const appearance = this.slices.appearanceOf(run.from, this.maskOf(run.from));
    const order = new Map<number, number>([[run.from, -1], ...run.slices.map((k, i) => [k, i] as [number, number])]);
    const absent = new Set(this.ctx.absentSlices ?? []);
    let prev = run.from;
    let stopped = false;
    for (const k of run.slices) {
      if (hooks.signal?.aborted) throw new CancelledError();
      if (stopped || absent.has(k) || countOnes(this.maskOf(prev)) === 0) {
        if (!stopped && absent.has(k)) this.stops.push({ from: run.from, at: prev, reason: 'the user erased the tissue on the next slice' });
        stopped = true;
        if (!counted) this.ctx.onSliceDone();
        continue;
      }
      const previous = this.trackMaps.get(prev)!;
      const prior = Uint8Array.from(previous, (t) => (t ? 1 : 0));
      const step = await this.segment(k, prev, run.from, appearance, prior);
      if (this.envelope.slices > 1 && !this.off.has('edge-envelope')) this.keepWithinEnvelope(step.mask, run, order, k);
      const pieces = assignPieces(book, step.mask, this.slices.imageOf(k).data, previous, this.w, this.h, this.spacing, k, { heirs: this.heirs });
      this.maskOf(k).set(step.mask);
      this.trackMaps.set(k, pieces.trackMap);
      this.confidence[k] = step.confidence;
      if (run.mayStop) {
        const judge = { pixelMm: Math.max(...this.spacing), tissueContrast: appearance ? Math.abs(appearance.median - appearance.backgroundMedian) : 0, params: this.params };
        for (const id of pieces.samples.keys()) {
          const end = judgeTrack(book.get(id), judge, this.off);
          if (!end) continue;
          this.erase(run, order, book.lineageOf(id), end.keepThrough, k);
          this.stops.push({ from: run.from, at: end.keepThrough, reason: end.reason });
          hooks.debug?.(`label ${this.ctx.label}: piece ${id} ends after slice ${end.keepThrough}: ${end.reason}`);
        }
      }
      hooks.debug?.(`label ${this.ctx.label} k=${k} area=${countOnes(this.maskOf(k))} confidence=${step.confidence.toFixed(2)} pieces=${[...pieces.samples].map(([i, s]) => `${i}:${s.area}px/${s.thickness.toFixed(1)}mm/L${s.level.toFixed(0)}/T${s.texture.toFixed(0)}`).join(',')}`);
      this.show(k);
      if (prev !== run.from) this.slices.drop(prev); // annotated slices stay cached as references
      prev = k;
      if (!counted) this.ctx.onSliceDone();
    }
  }

  /**
   * A gap between two drawings, followed from each. On each slice the run from the nearer
   * drawing decides (it has drifted least), unless it has lost the tissue: less than half the
   * area the two drawings give there (their areas interpolated), as a run from a structure's
   * tip that cannot grow into its bulk. Then what either run found is kept.
   */
  async followGap(lo: PropagationRun, hi: PropagationRun): Promise<void> {
    await this.follow(lo);
    const fromLo = lo.slices.map((k) => this.maskOf(k).slice());
    await this.follow(hi, true); // the same slices: counted once
    const [areaLo, areaHi] = [countOnes(this.maskOf(lo.from)), countOnes(this.maskOf(hi.from))];
    lo.slices.forEach((k, i) => {
      const t = (k - lo.from) / (hi.from - lo.from);
      const m = this.maskOf(k);
      const [near, far] = t <= 0.5 ? [fromLo[i], m.slice()] : [m.slice(), fromLo[i]];
      const lost = !this.off.has('gap-union') && countOnes(near) < this.params.gapLostShare * (areaLo + t * (areaHi - areaLo));
      for (let j = 0; j < m.length; j++) m[j] = near[j] || (lost && far[j]) ? 1 : 0;
      this.show(k);
    });
  }

  /** The whole label on the full grid: annotated slices as drawn, the rest brought back from the working grid. */
  finish(): LabelTrack {
    const { w, h, W, H, f } = this;
    const depth = this.ctx.image.dims[2];
    const mask = new Uint8Array(W * H * depth);
    for (let k = 0; k < depth; k++) {
      const out = mask.subarray(k * W * H, (k + 1) * W * H);
      if (this.annotated.includes(k)) {
        out.set(this.annotatedMask.subarray(k * W * H, (k + 1) * W * H));
        continue;
      }
      const m = this.maskOf(k);
      if (countOnes(m) > 0) upsampleMask(m, w, h, f, W, H, out);
      else if (!Number.isNaN(this.confidence[k])) this.confidence[k] = 0;
    }
    return { mask, confidence: this.confidence, stops: this.stops };
  }

  private async segment(k: number, prev: number, from: number, appearance: TissueAppearance | undefined, prior: Uint8Array) {
    const refs: PlannerReference[] = [];
    for (const r of prev === from ? [prev] : [prev, from]) refs.push({ features: await this.slices.featuresOf(r), mask: this.maskOf(r), width: this.w, height: this.h });
    const target = { image: this.slices.imageOf(k), features: await this.slices.featuresOf(k) };
    this.ctx.timings.slices++;
    return segmentSliceStep({
      backends: this.ctx.backends,
      walls: this.walls,
      target,
      references: refs,
      prior,
      priorImage: this.slices.imageOf(prev).data,
      bank: this.bank,
      appearance,
      motionMm: this.motionMm,
      timings: this.ctx.timings,
      useSat: !this.off.has('sat-answer'),
      useWalls: !this.off.has('walls'),
    });
  }

  /** Keeps the edge within the envelope of the run's slice a stretch back (the annotated slice near the start). */
  private keepWithinEnvelope(mask: Uint8Array, run: PropagationRun, order: Map<number, number>, k: number): void {
    const back = order.get(k)! - this.envelope.slices;
    keepWithinReach(mask, this.maskOf(back < 0 ? run.from : run.slices[back]), this.w, this.h, this.spacing, this.envelope.stretchMm);
  }

  /** Removes the given tracks from the run's slices after `afterK` through `throughK` (run order). */
  private erase(run: PropagationRun, order: Map<number, number>, ids: Set<number>, afterK: number, throughK: number): void {
    const from = order.get(afterK)!;
    const to = order.get(throughK)!;
    for (const kk of run.slices) {
      const o = order.get(kk)!;
      if (o <= from || o > to) continue;
      const m = this.maskOf(kk);
      const tm = this.trackMaps.get(kk)!;
      let changed = false;
      for (let i = 0; i < m.length; i++) if (tm[i] && ids.has(tm[i])) (m[i] = 0), (tm[i] = 0), (changed = true);
      if (changed && kk !== throughK) this.show(kk);
    }
  }

  private show(k: number): void {
    this.ctx.hooks.onSlice?.({ label: this.ctx.label, k, mask: upsampleMask(this.maskOf(k), this.w, this.h, this.f, this.W, this.H), confidence: this.confidence[k] });
  }

  private maskOf(k: number): Uint8Array {
    const len = this.w * this.h;
    return this.work.subarray(k * len, (k + 1) * len);
  }
}
