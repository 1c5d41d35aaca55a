/**
 * Synthetic CT-like phantoms for unit tests of the engine: ellipsoids of known HU in fat,
 * with deterministic noise, so expected masks are known exactly.
 */
import { ImageVolume, LabelVolume, Mat3, Vec3 } from '../../extension/src/engine/image/types';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export interface Blob {
  centre: Vec3;
  radii: Vec3;
  hu: number;
  label: number;
}

export function phantom(dims: Vec3, spacing: Vec3, blobs: Blob[], backgroundHu = -100, noiseHu = 10, seed = 1): { image: ImageVolume; truth: LabelVolume } {
  const n = dims[0] * dims[1] * dims[2];
  const data = new Float32Array(n);
  const labels = new Uint8Array(n);
  const r = rng(seed);
  const direction: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const idx = (k * dims[1] + j) * dims[0] + i;
        let v = backgroundHu;
        for (const b of blobs) {
          const q = ((i - b.centre[0]) / b.radii[0]) ** 2 + ((j - b.centre[1]) / b.radii[1]) ** 2 + ((k - b.centre[2]) / b.radii[2]) ** 2;
          if (q <= 1) {
            v = b.hu;
            labels[idx] = b.label;
          }
        }
        data[idx] = v + (r() + r() + r() - 1.5) * 2 * noiseHu;
      }
  const geom = { dims, spacing, origin: [0, 0, 0] as Vec3, direction };
  return { image: { ...geom, data, channels: 1, modality: 'CT' }, truth: { ...geom, data: labels } };
}

/** A reference mask holding the truth of `label` on slice k only. */
export function referenceOnSlice(truth: LabelVolume, label: number, k: number): LabelVolume {
  const s = truth.dims[0] * truth.dims[1];
  const data = new Uint8Array(truth.data.length);
  for (let i = k * s; i < (k + 1) * s; i++) data[i] = truth.data[i] === label ? label : 0;
  return { ...truth, data };
}

export function binary(l: LabelVolume | { data: ArrayLike<number> }, label: number): Uint8Array {
  const out = new Uint8Array(l.data.length);
  for (let i = 0; i < out.length; i++) out[i] = l.data[i] === label ? 1 : 0;
  return out;
}
