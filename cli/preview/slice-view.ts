/**
 * One slice as a displayed tile: in physical proportions (pixel spacing), turned to the usual
 * reading orientation from the volume's LPS direction matrix (axial: patient's left on the
 * right, anterior up, as radiologists view it; a head-foot axis runs downwards to the feet).
 */
import { Geometry } from '../../extension/src/engine/image/types';

export interface SliceView {
  /** Tile size in display pixels. */
  width: number;
  height: number;
  /** Source column i and row j (fractional, voxel centres at integers) of display pixel (x, y). */
  source(x: number, y: number): [number, number];
}

/** Flip an in-plane axis when it runs against the reading direction (x, y: towards +L, +P; z: towards the feet). */
function flipped(direction: Geometry['direction'], axis: 0 | 1): boolean {
  const v = [direction[axis], direction[3 + axis], direction[6 + axis]];
  let c = 0;
  for (let i = 1; i < 3; i++) if (Math.abs(v[i]) > Math.abs(v[c])) c = i;
  return c === 2 ? v[c] > 0 : v[c] < 0;
}

export function sliceView(geom: Pick<Geometry, 'dims' | 'spacing' | 'direction'>, longSide: number): SliceView {
  const [w, h] = geom.dims;
  const mmW = w * geom.spacing[0];
  const mmH = h * geom.spacing[1];
  const scale = longSide / Math.max(mmW, mmH);
  const width = Math.max(1, Math.round(mmW * scale));
  const height = Math.max(1, Math.round(mmH * scale));
  const fi = flipped(geom.direction, 0);
  const fj = flipped(geom.direction, 1);
  return {
    width,
    height,
    source(x, y) {
      let i = ((x + 0.5) / width) * w - 0.5;
      let j = ((y + 0.5) / height) * h - 0.5;
      if (fi) i = w - 1 - i;
      if (fj) j = h - 1 - j;
      return [i, j];
    },
  };
}
