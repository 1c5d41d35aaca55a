import { LabelVolume } from './image/types';
import { InputError } from './api-types';

/** Distinct non-zero label values, ascending. */
export function labelsPresent(labels: Pick<LabelVolume, 'data'>): number[] {
  const seen = new Uint8Array(65536);
  for (let i = 0; i < labels.data.length; i++) seen[labels.data[i]] = 1;
  const out: number[] = [];
  for (let v = 1; v < seen.length; v++) if (seen[v]) out.push(v);
  return out;
}

/** The labels to segment: those requested (each must be present), else all present. */
export function chooseLabels(present: number[], requested: number[] | undefined, what = 'the reference mask'): number[] {
  if (present.length === 0) throw new InputError(`${what} is empty: draw the tissue on at least one slice.`);
  const labels = requested && requested.length ? [...new Set(requested)] : present;
  for (const l of labels) if (!present.includes(l)) throw new InputError(`label ${l} is not in ${what} (labels present: ${present.join(', ')}).`);
  return labels;
}
