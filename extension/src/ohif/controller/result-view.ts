/** The review of a finished run (strip, doubtful slices, summary), computed from its label map. */
import type { SegmentationResult } from '../../engine';
import type { ReferencePlan } from '../../engine/corrections';
import { describeReferences } from '../review/corrections';
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
  /** From the press to the result on screen: what the user waited, not the engine's own time. */
  secondsSincePress: number;
  labels: LabelView[];
  sliceNumbers: readonly number[];
  forEachSlice: (count: number, step: (k: number) => void) => Promise<void>;
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
  const cells = stripCells({ presence, drawnSlices: plan.drawnSlices, correctedSlices: plan.correctedSlices, confidence });
  const ends = endSlices(presence, plan.labels);
  const found = labels.map((l) => `${l.segmentName}: ${(voxels.get(l.value) ?? 0).toLocaleString('en')} voxels on ${slices.get(l.value) ?? 0} slices`);
  return {
    segmentationId: input.segmentationId,
    cells,
    references: describeReferences(plan, input.sliceNumbers),
    labels,
    summary: `Done in ${input.secondsSincePress.toFixed(1)} s. ${found.join('; ')}.`,
    doubtful: doubtfulSlices(cells, ends),
    ends,
    doubtfulAt: -1,
  };
}
