/** Resampling one 2D slice to another pixel size (bilinear for images, nearest for masks). */
import { Image2D } from './types';
import { resizeBilinear } from '../imaging/resize';

export function resampleSliceTo(img: Image2D, spacing: [number, number]): Image2D {
  const w = Math.max(1, Math.round((img.width * img.pixelSpacing[0]) / spacing[0]));
  const h = Math.max(1, Math.round((img.height * img.pixelSpacing[1]) / spacing[1]));
  const data = resizeBilinear(img.data, img.width, img.height, img.channels, w, h);
  return { ...img, data, width: w, height: h, pixelSpacing: [spacing[0], spacing[1]] };
}

export function resampleMaskTo(mask: Uint8Array, width: number, height: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const yy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++) out[y * w + x] = mask[yy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / w))];
  }
  return out;
}
