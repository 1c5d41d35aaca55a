/** The preview as PNG bytes, and the reference slices it marks, from what `sat segment` has in hand. */
import { ImageVolume, LabelVolume } from '../../extension/src/engine/image/types';
import { encodeRgbPng } from '../../extension/src/formats/png';
import { renderPreview } from './render-preview';

/** Slices (k) where the reference mask holds any of `labels` (all labels when empty), with their voxel counts. */
export function referenceSlices(mask: LabelVolume, labels: number[]): { k: number; voxels: number }[] {
  const [w, h, d] = mask.dims;
  const out: { k: number; voxels: number }[] = [];
  for (let k = 0; k < d; k++) {
    let n = 0;
    for (let i = k * w * h; i < (k + 1) * w * h; i++) if (mask.data[i] && (labels.length === 0 || labels.includes(mask.data[i]))) n++;
    if (n) out.push({ k, voxels: n });
  }
  return out;
}

export function previewPng(image: ImageVolume, labels: LabelVolume, references: { k: number; voxels: number }[]): { bytes: Uint8Array; slices: number[] } {
  const p = renderPreview({ image, labels, references });
  return { bytes: encodeRgbPng(p.rgb, p.width, p.height), slices: p.slices };
}
