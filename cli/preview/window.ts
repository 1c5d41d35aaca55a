/** The grey-level window of a preview: a CT soft-tissue window for CT, the 1st–99th percentile otherwise. */
import { ImageVolume } from '../../extension/src/engine/image/types';

/** CT soft tissue: level 40 HU, width 400 HU (the abdominal window radiologists read organs in). */
export const CT_WINDOW: [number, number] = [40 - 200, 40 + 200];

export function previewWindow(image: Pick<ImageVolume, 'modality' | 'data' | 'dims'>, slices: number[]): [number, number] {
  if (image.modality === 'CT') return CT_WINDOW;
  const [w, h] = image.dims;
  const values: number[] = [];
  const step = Math.max(1, Math.floor((w * h * Math.max(1, slices.length)) / 200000));
  for (const k of slices) for (let i = k * w * h; i < (k + 1) * w * h; i += step) if (Number.isFinite(image.data[i])) values.push(image.data[i]);
  if (values.length === 0) return [0, 1];
  values.sort((a, b) => a - b);
  const lo = values[Math.floor(values.length * 0.01)];
  const hi = values[Math.min(values.length - 1, Math.floor(values.length * 0.99))];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}
