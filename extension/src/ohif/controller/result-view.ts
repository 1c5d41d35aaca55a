/** The review of a finished run (strip, doubtful slices, summary), computed from its label map. */
import type { ImageVolume, SegmentationResult, SliceJudgement } from '../../engine';
import { judgeCues } from '../../engine/review/slice-review';
import { CueBuilder } from '../../engine/review/slice-cues';
import type { ReferencePlan } from '../../engine/corrections';
import { describeReferences } from '../review/corrections';
import { resultSummary } from '../review/result-names';
import { doubtfulSlices } from '../review/doubtful';
import { endSlices, labelsOnSlice, stripCells } from '../review/strip';
import type { LabelView, ResultView } from './run-state';

export interface ResultViewInput {
  segmentationId: string;
  final: Uint8Array;
  sliceLength: number;
  depth: number;
  plan: ReferencePlan;
  engine: SegmentationResult;
  /** From the press to now: what the user waited, not the engine's own time (read when the review is ready). */
  secondsSincePress: () => number;
  labels: LabelView[];
  sliceNumbers: readonly number[];
  forEachSlice: (count: number, step: (k: number) => void) => Promise<void>;
  /** The series' pixels and geometry, for the per-slice review; without it the strip shows the engine's own confidence. */
  image?: ImageVolume;
}

export async function buildResultView(input: ResultViewInput): Promise<ResultView> {
  const { final, sliceLength, plan, labels } = input;
  const presence: number[][] = [];
  const voxels = new Map<number, number>();
  const slices = new Map<number, number>();
  await input.forEachSlice(input.depth, (k) => {
    const present = labelsOnSlice(final, k, sliceLength);
    presence.push(present);
    for (const l of present) slices.set(l, (slices.get(l) ?? 0) + 1);
    if (present.length) for (let i = k * sliceLength; i < (k + 1) * sliceLength; i++) if (final[i]) voxels.set(final[i], (voxels.get(final[i]) ?? 0) + 1);
  });
  const confidence = new Map(input.engine.perLabel.map((p) => [p.label, p.sliceConfidence]));
  const review = input.image ? await reviewLabels(input.image, final, plan, presence, input.forEachSlice) : undefined;
  const cells = stripCells({ presence, drawnSlices: plan.drawnSlices, correctedSlices: plan.correctedSlices, confidence, review });
  const ends = endSlices(presence, plan.labels);
  const counts = labels.map((l) => ({ value: l.value, voxels: voxels.get(l.value) ?? 0, slices: slices.get(l.value) ?? 0 }));
  const seconds = input.secondsSincePress();
  return {
    segmentationId: input.segmentationId,
    cells,
    references: describeReferences(plan, input.sliceNumbers),
    labels,
    summary: resultSummary(seconds, labels, counts),
    seconds,
    counts,
    doubtful: doubtfulSlices(cells, ends, undefined, Boolean(review)),
    ends,
    doubtfulAt: -1,
  };
}

/**
 * The shared review (engine/review) of each label, its drawn and corrected slices as the
 * drawing: slice by slice, giving the viewer its main thread back between chunks.
 */
async function reviewLabels(image: ImageVolume, final: Uint8Array, plan: ReferencePlan, presence: number[][], forEachSlice: ResultViewInput['forEachSlice']): Promise<Map<number, SliceJudgement[]>> {
  const out = new Map<number, SliceJudgement[]>();
  const len = image.dims[0] * image.dims[1];
  for (const v of plan.labels) {
    const drawn = new Uint8Array(final.length);
    const result = new Uint8Array(final.length);
    const drawnSlices: number[] = [];
    await forEachSlice(image.dims[2], (k) => {
      let any = false;
      for (let i = k * len; i < (k + 1) * len; i++) {
        drawn[i] = plan.mask[i] === v ? 1 : 0;
        result[i] = final[i] === v ? 1 : 0;
        any ||= drawn[i] === 1;
      }
      if (any) drawnSlices.push(k);
    });
    const painted = presence.map((p, k) => (p.includes(v) ? k : -1)).filter((k) => k >= 0);
    const cues = new CueBuilder(image, drawn, result, { drawn: drawnSlices, painted });
    await forEachSlice(1, () => cues.prepare());
    await forEachSlice(cues.painted.length, (i) => cues.measure(cues.painted[i]));
    out.set(v, judgeCues(cues.finish()));
  }
  return out;
}
