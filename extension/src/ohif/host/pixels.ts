/** The series' pixels in modality units (rescale applied), copied once into one Float32 volume. */
import type { Types } from '@cornerstonejs/core';
import type { HostContext } from './context';
import { forEachSliceYielding } from './main-thread';
import type { SeriesLayout } from './series';

/** A cornerstone image's pixels (its voxel manager where it has one). */
export function imagePixels(image: Types.IImage): Types.PixelDataTypedArray {
  return image.voxelManager ? (image.voxelManager.getScalarData() as Types.PixelDataTypedArray) : image.getPixelData();
}

export async function loadSeriesPixels(ctx: HostContext, layout: SeriesLayout, onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const [w, h, n] = layout.geometry.dims;
  const len = w * h;
  const { cache, imageLoader } = ctx.cornerstone;
  // Decoding runs in cornerstone's own workers; only the copies below run here.
  const images = await Promise.all(layout.imageIds.map((id) => cache.getImage(id) ?? imageLoader.loadAndCacheImage(id)));
  const data = new Float32Array(len * n);
  await forEachSliceYielding(n, (k) => {
    const image = images[k];
    const px = imagePixels(image);
    if (px.length < len) throw new Error(`Slice ${layout.sliceNumbers[k]} of ${n} has ${px.length} pixels instead of ${len}; the image is damaged. Reload the study or check it in the PACS.`);
    const scaled = image.preScale?.scaled;
    const slope = scaled ? 1 : Number(image.slope ?? 1);
    const intercept = scaled ? 0 : Number(image.intercept ?? 0);
    const off = k * len;
    if (slope === 1 && intercept === 0) data.set(px.length === len ? px : px.subarray(0, len), off);
    else for (let i = 0; i < len; i++) data[off + i] = px[i] * slope + intercept;
    onProgress?.(k + 1, n);
  });
  return data;
}
