import { LabelVolume } from './image/types';

/** Distinct non-zero label values, ascending. */
export function labelsPresent(labels: Pick<LabelVolume, 'data'>): number[] {
  const seen = new Uint8Array(65536);
  for (let i = 0; i < labels.data.length; i++) seen[labels.data[i]] = 1;
  const out: number[] = [];
  for (let v = 1; v < seen.length; v++) if (seen[v]) out.push(v);
  return out;
}
