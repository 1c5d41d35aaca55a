import { ImageVolume } from './types';
import { Image2D } from './types';

/** Slice k of a volume as a 2D segmenter image (a view: no copy for single-channel data). */
export function sliceImage(vol: ImageVolume, k: number): Image2D {
  const n = vol.dims[0] * vol.dims[1] * vol.channels;
  return {
    data: vol.data.subarray(k * n, (k + 1) * n),
    width: vol.dims[0],
    height: vol.dims[1],
    channels: vol.channels,
    pixelSpacing: [vol.spacing[0], vol.spacing[1]],
    modality: vol.modality,
  };
}
