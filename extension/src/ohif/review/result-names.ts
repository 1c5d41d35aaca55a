/**
 * What the result is called, so it is never mistaken for the drawing (pure): its segments take
 * the tissue's name once chosen, and until then say they are the tool's result; the summary
 * line and the downloaded file are named from the tissue and the series, never the patient.
 */
import { tissueLabel, tissueNameProblem } from './tissue-names';
import type { TissueName } from './tissue-names';

export interface NamedLabel {
  value: number;
  segmentName: string;
  tissue?: TissueName;
}

/** The tissue's name when it is a usable one, else the user's segment name. */
export function displayName(l: NamedLabel): string {
  return l.tissue && !tissueNameProblem(l.tissue) ? tissueLabel(l.tissue) : l.segmentName;
}

/** The result segment's label in the viewer: the tissue, or "<drawing's name> (SAT result)" until it is named. */
export function resultSegmentName(l: NamedLabel): string {
  return l.tissue && !tissueNameProblem(l.tissue) ? tissueLabel(l.tissue) : `${l.segmentName} (SAT result)`.slice(0, 64);
}

export interface LabelCount {
  value: number;
  voxels: number;
  slices: number;
}

export function resultSummary(seconds: number, labels: readonly NamedLabel[], counts: readonly LabelCount[]): string {
  const found = labels.map((l) => {
    const c = counts.find((x) => x.value === l.value);
    return `${displayName(l)}: ${(c?.voxels ?? 0).toLocaleString('en')} voxels on ${c?.slices ?? 0} slices`;
  });
  return `Done in ${seconds.toFixed(1)} s. ${found.join('; ')}.`;
}

/** Lower case, letters, digits, dots and hyphens; everything else one underscore. */
function fileSafe(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 40);
}

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD; undefined when it is not one. */
function isoDate(da: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec((da ?? '').trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/**
 * e.g. liver_ct-body-3.0_2022-12-08.seg.dcm: the tissue(s), the series description, the
 * series (else study) date; parts that are missing are left out. Nothing from the patient
 * module is used, so the name never carries the patient's name.
 */
export function segFileName(tissues: readonly string[], series: { description?: string; date?: string }): string {
  const parts = [tissues.map(fileSafe).filter(Boolean).join('+') || 'tissue', fileSafe(series.description ?? ''), isoDate(series.date) ?? ''].filter(Boolean);
  return `${parts.join('_')}.seg.dcm`;
}
