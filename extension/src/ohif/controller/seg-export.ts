/**
 * The result as a binary DICOM Segmentation: what the viewer shows now (touch-ups included),
 * each segment named as the user named the tissue, in the colour the viewer shows.
 */
import type { Geometry } from '../../engine';
import { describeTissue, TissueName, tissueNameProblem } from '../review/tissue-names';
import { segFileName } from '../review/result-names';
import type { LabelView } from './run-state';
import type { Rgba, SeriesHandle } from './viewer-host';

export interface SegExportInput {
  series: SeriesHandle;
  segmentationId: string;
  labels: readonly LabelView[];
  colorOf(value: number): Rgba | undefined;
}

/** The first label that is not named yet (or badly), with what to do about it. */
export function namingProblem(labels: readonly LabelView[]): string | undefined {
  for (const l of labels) {
    const p = tissueNameProblem(l.tissue);
    if (p) return labels.length > 1 ? `${l.segmentName}: ${p}` : p;
  }
  return undefined;
}

export async function buildSeg(input: SegExportInput): Promise<{ bytes: Uint8Array; fileName: string }> {
  const problem = namingProblem(input.labels);
  if (problem) throw new Error(problem);
  const { writeBinarySeg } = await import('../../dicom-seg');
  const known = new Set(input.labels.map((l) => l.value));
  const shown = await input.series.readLabelmap(input.segmentationId);
  // Segments the user added to the result themselves are not the tool's: leave them out.
  for (let i = 0; i < shown.length; i++) if (shown[i] && !known.has(shown[i])) shown[i] = 0;
  const segments = input.labels.map((l) => {
    const c = input.colorOf(l.value);
    return { ...describeTissue(l.value, l.tissue as TissueName), colour: c ? ([c[0], c[1], c[2]] as [number, number, number]) : undefined };
  });
  const grid: Geometry = input.series.geometry;
  const out = writeBinarySeg({
    source: input.series.sourceInstances(),
    labels: { ...grid, data: shown },
    segments,
    seriesDescription: `Segment Any Tissue: ${segments.map((s) => s.label).join(', ')}`.slice(0, 64),
    contentLabel: 'SAT',
  });
  return { bytes: out.bytes, fileName: segFileName(segments.map((s) => s.label), input.series.describe()) };
}
