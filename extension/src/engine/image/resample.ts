/**
 * Puts a label map onto another grid through the two affines (nearest neighbour, in LPS
 * world coordinates): a reference mask is matched to its image by geometry, never by
 * array order alone.
 */
import { Geometry, LabelVolume } from './types';
import { voxelToWorld, worldToVoxel } from './geometry';

export function resampleLabelsToGrid(labels: LabelVolume, target: Geometry): LabelVolume {
  const [W, H, D] = target.dims;
  const [sw, sh, sd] = labels.dims;
  const out = labels.data instanceof Uint16Array ? new Uint16Array(W * H * D) : new Uint8Array(W * H * D);
  // The map from target voxel to source voxel is affine: evaluate it on the axes once.
  const o = worldToVoxel(labels, voxelToWorld(target, 0, 0, 0));
  const ax = [0, 1, 2].map((c) => {
    const e: [number, number, number] = [0, 0, 0];
    e[c] = 1;
    const p = worldToVoxel(labels, voxelToWorld(target, e[0], e[1], e[2]));
    return [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  });
  for (let k = 0; k < D; k++)
    for (let j = 0; j < H; j++) {
      const bx = o[0] + ax[1][0] * j + ax[2][0] * k;
      const by = o[1] + ax[1][1] * j + ax[2][1] * k;
      const bz = o[2] + ax[1][2] * j + ax[2][2] * k;
      for (let i = 0; i < W; i++) {
        const x = Math.round(bx + ax[0][0] * i);
        const y = Math.round(by + ax[0][1] * i);
        const z = Math.round(bz + ax[0][2] * i);
        if (x >= 0 && y >= 0 && z >= 0 && x < sw && y < sh && z < sd) out[(k * H + j) * W + i] = labels.data[(z * sh + y) * sw + x];
      }
    }
  return { dims: [...target.dims], spacing: [...target.spacing], origin: [...target.origin], direction: [...target.direction], data: out };
}
