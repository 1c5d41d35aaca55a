/**
 * How much a slice's mask still looks like the annotated tissue, in the encoder's feature
 * space: the share of the mask's patches whose nearest labelled patch of the annotated
 * reference is foreground rather than background. When a run slides off the end of an organ
 * into its neighbour, this share collapses even where the segmenter is confident.
 */
import { PatchFeatures } from '../features/patch-encoder';
import { ignoreFarBackground, labelPatches, PatchClass } from '../prompts/patch-labels';

export interface AffinityReference {
  features: PatchFeatures;
  classes: Uint8Array;
}

export function affinityReference(features: PatchFeatures, mask: Uint8Array, width: number, height: number): AffinityReference {
  const classes = labelPatches(mask, width, height, features);
  ignoreFarBackground(classes, features, 4); // background touching the tissue: what a leak would run into
  return { features, classes };
}

/** Share (0..1) of the mask's patches that are nearer to reference foreground; NaN when the mask covers no patch. */
export function tissueAffinity(ref: AffinityReference, target: PatchFeatures, mask: Uint8Array, width: number, height: number, windowPatches = 8): number {
  const covered = labelPatches(mask, width, height, target, 0.5);
  const dim = target.dim;
  const sameGrid = ref.features.gridW === target.gridW && ref.features.gridH === target.gridH;
  const { gridW, gridH } = ref.features;
  const refIdx: number[] = [];
  for (let i = 0; i < ref.classes.length; i++) if (ref.classes[i] !== PatchClass.Ignore) refIdx.push(i);
  let n = 0;
  let fg = 0;
  for (let b = 0; b < covered.length; b++) {
    if (covered[b] !== PatchClass.Foreground) continue;
    let best = Infinity;
    let cls = PatchClass.Ignore as number;
    const consider = (a: number) => {
      if (ref.classes[a] === PatchClass.Ignore) return;
      let s = 0;
      for (let d = 0; d < dim; d++) s += (ref.features.data[a * dim + d] - target.data[b * dim + d]) ** 2;
      if (s < best) (best = s), (cls = ref.classes[a]);
    };
    if (sameGrid) {
      // Same series: the tissue cannot have moved far, so a window is enough (and linear in cost).
      const bx = b % gridW;
      const by = (b - bx) / gridW;
      for (let y = Math.max(0, by - windowPatches); y <= Math.min(gridH - 1, by + windowPatches); y++)
        for (let x = Math.max(0, bx - windowPatches); x <= Math.min(gridW - 1, bx + windowPatches); x++) consider(y * gridW + x);
    } else for (const a of refIdx) consider(a);
    if (cls === PatchClass.Ignore) continue;
    n++;
    if (cls === PatchClass.Foreground) fg++;
  }
  return n ? fg / n : NaN;
}
