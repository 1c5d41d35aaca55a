/**
 * The series' pixels in modality units (rescale applied), copied once into one Float32 volume.
 * The series is read once: the images cornerstone already holds (its image cache, which its
 * volumes are built from too) are copied as they are; an image OHIF is still loading is
 * awaited, not requested again; only images nobody has asked for are requested, through
 * cornerstone's request pool, so they queue with the viewer's own instead of racing them.
 */
import type { Types } from '@cornerstonejs/core';
import type { HostContext } from './context';
import { forEachSliceYielding, yieldIfDue } from './main-thread';
import type { SeriesLayout } from './series';

/** A cornerstone image's pixels (its voxel manager where it has one). */
export function imagePixels(image: Types.IImage): Types.PixelDataTypedArray {
  return image.voxelManager ? (image.voxelManager.getScalarData() as Types.PixelDataTypedArray) : image.getPixelData();
}

export async function loadSeriesPixels(ctx: HostContext, layout: SeriesLayout, onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const [w, h, n] = layout.geometry.dims;
  const len = w * h;
  const data = new Float32Array(len * n);
  let done = 0;
  const copy = (k: number, image: Types.IImage) => {
    copySlice(image, data, k * len, len, layout.sliceNumbers[k], n);
    onProgress?.(++done, n);
  };
  const later: Promise<void>[] = [];
  await forEachSliceYielding(n, (k) => {
    const image = ctx.cornerstone.cache.getImage(layout.imageIds[k]);
    if (image) return copy(k, image);
    later.push(imageOf(ctx, layout.imageIds[k]).then(async (img) => {
      await yieldIfDue();
      copy(k, img);
    }));
  });
  await Promise.all(later);
  return data;
}

/** An image not held yet: OHIF's own request when it has one in flight, else ours through the request pool. */
function imageOf(ctx: HostContext, imageId: string): Promise<Types.IImage> {
  const { cache, imageLoader, imageLoadPoolManager, Enums } = ctx.cornerstone;
  const inFlight = cache.getImageLoadObject(imageId);
  if (inFlight) return inFlight.promise;
  // Interaction: the user is waiting on this run, as on a slice they scroll to.
  const type = Enums.RequestType.Interaction;
  return new Promise((resolve, reject) => {
    imageLoadPoolManager.addRequest(() => imageLoader.loadAndCacheImage(imageId, { priority: 0, requestType: type }).then(resolve, (e) => reject(e as Error)), type, { imageId }, 0);
  });
}

function copySlice(image: Types.IImage, data: Float32Array, off: number, len: number, sliceNumber: number, n: number): void {
  const px = imagePixels(image);
  if (px.length < len) throw new Error(`Slice ${sliceNumber} of ${n} has ${px.length} pixels instead of ${len}; the image is damaged. Reload the study or check it in the PACS.`);
  const scaled = image.preScale?.scaled;
  const slope = scaled ? 1 : Number(image.slope ?? 1);
  const intercept = scaled ? 0 : Number(image.intercept ?? 0);
  if (slope === 1 && intercept === 0) data.set(px.length === len ? px : px.subarray(0, len), off);
  else for (let i = 0; i < len; i++) data[off + i] = px[i] * slope + intercept;
}
