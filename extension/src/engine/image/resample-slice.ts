/** Resampling one 2D slice to another pixel size (bilinear for images, nearest for masks). */
import { SegmenterImage } from '../segmenters/promptable-segmenter';

export function resampleSliceTo(img: SegmenterImage, spacing: [number, number]): SegmenterImage {
  const w = Math.max(1, Math.round((img.width * img.pixelSpacing[0]) / spacing[0]));
  const h = Math.max(1, Math.round((img.height * img.pixelSpacing[1]) / spacing[1]));
  const C = img.channels;
  const out = new Float32Array(w * h * C);
  const sx = img.width / w;
  const sy = img.height / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const tx = fx - x0;
      for (let c = 0; c < C; c++) {
        const v = (xx: number, yy: number) => img.data[(yy * img.width + xx) * C + c];
        out[(y * w + x) * C + c] = (v(x0, y0) * (1 - tx) + v(x1, y0) * tx) * (1 - ty) + (v(x0, y1) * (1 - tx) + v(x1, y1) * tx) * ty;
      }
    }
  }
  return { ...img, data: out, width: w, height: h, pixelSpacing: [spacing[0], spacing[1]] };
}

export function resampleMaskTo(mask: Uint8Array, width: number, height: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const yy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++) out[y * w + x] = mask[yy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / w))];
  }
  return out;
}
