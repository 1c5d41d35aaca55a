/**
 * Run-length coding of label slices (pure), so the undo history keeps a run's before/after
 * slices in a few kilobytes instead of megabytes.
 */
export interface RleSlice {
  length: number;
  /** Alternating value, count pairs. */
  runs: Uint32Array;
}

export function encodeSlice(slice: ArrayLike<number>): RleSlice {
  const runs: number[] = [];
  let i = 0;
  while (i < slice.length) {
    const v = slice[i];
    let j = i + 1;
    while (j < slice.length && slice[j] === v) j++;
    runs.push(v, j - i);
    i = j;
  }
  return { length: slice.length, runs: Uint32Array.from(runs) };
}

export function decodeSlice(rle: RleSlice): Uint8Array {
  const out = new Uint8Array(rle.length);
  let o = 0;
  for (let r = 0; r < rle.runs.length; r += 2) {
    out.fill(rle.runs[r], o, o + rle.runs[r + 1]);
    o += rle.runs[r + 1];
  }
  return out;
}
