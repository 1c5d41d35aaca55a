/**
 * The simulated user of `bench:corrections`: after each run, the slice with the most wrong
 * voxels is annotated — its true mask inside the structure's extent, an emptied slice outside
 * it (where the run painted) — and the run is repeated. Pure: masks in, annotations out.
 */

export interface Annotations {
  /** Binary reference mask over the volume (1 on drawn slices). */
  mask: Uint8Array;
  /** Every annotated slice, drawn or emptied, ascending. */
  slices: number[];
}

/** The structure's true mask on slice k, added to the annotations (an emptied slice where it holds none). */
export function annotate(a: Annotations, truth: Uint8Array, k: number, sliceLen: number): Annotations {
  const mask = a.mask.slice();
  mask.set(truth.subarray(k * sliceLen, (k + 1) * sliceLen), k * sliceLen);
  return { mask, slices: [...new Set([...a.slices, k])].sort((x, y) => x - y) };
}

/** Annotated slices without the structure's voxels: the "label absent here" input of the engine. */
export function emptiedSlices(a: Annotations, sliceLen: number): number[] {
  return a.slices.filter((k) => {
    for (let i = k * sliceLen; i < (k + 1) * sliceLen; i++) if (a.mask[i]) return false;
    return true;
  });
}

/** The slice (not yet annotated) where the result differs most from the truth; undefined when none differs. */
export function worstSlice(pred: Uint8Array, truth: Uint8Array, depth: number, sliceLen: number, annotated: readonly number[]): { k: number; wrong: number } | undefined {
  let best: { k: number; wrong: number } | undefined;
  for (let k = 0; k < depth; k++) {
    if (annotated.includes(k)) continue;
    let wrong = 0;
    for (let i = k * sliceLen; i < (k + 1) * sliceLen; i++) if ((pred[i] !== 0) !== (truth[i] !== 0)) wrong++;
    if (wrong > 0 && (!best || wrong > best.wrong)) best = { k, wrong };
  }
  return best;
}
