/**
 * Corrections as further references (pure: typed arrays, no viewer objects). After a run, the
 * viewer keeps the label map it wrote into the result segmentation ("produced"). When the user
 * edits that segmentation and runs again, every slice whose voxels differ from what was
 * produced is a correction: the user looked at the slice and fixed it. Corrections join the
 * user's own drawing as references, and come out of the next run exactly as corrected.
 *
 * Erased tissue: where the engine had produced label l on a slice and the user removed all of
 * it, we read "label l is absent here" and hand the engine that slice as an emptied annotation
 * of l (absentSlicesOf): the engine keeps it empty and stops l there on the side where l has no
 * drawing beyond it (propagation/slice-order.ts), the same input the CLI's --annotated-slices
 * gives. applyCorrections then only re-asserts what the engine already honours.
 */

export interface SliceGrid {
  width: number;
  height: number;
  depth: number;
}

/** One corrected slice, in reference label values. */
export interface Correction {
  k: number;
  slice: Uint8Array;
  /** Labels the engine had put on this slice and the user erased completely. */
  erased: number[];
}

export interface ReferencePlan {
  /** The reference mask for the engine: the drawing, with corrected slices replacing it. */
  mask: Uint8Array;
  /** Labels present in the mask (the ones to segment). */
  labels: number[];
  drawnSlices: number[];
  correctedSlices: number[];
  corrections: Correction[];
}

const sliceLen = (g: SliceGrid) => g.width * g.height;

function checkVolume(name: string, v: ArrayLike<number>, g: SliceGrid): void {
  const n = sliceLen(g) * g.depth;
  if (v.length !== n) throw new Error(`${name} has ${v.length} voxels but the series grid ${g.width}×${g.height}×${g.depth} has ${n}; was the series changed between runs? Discard the result and run again.`);
}

function labelsOn(v: ArrayLike<number>, from: number, to: number): Set<number> {
  const s = new Set<number>();
  for (let i = from; i < to; i++) if (v[i]) s.add(v[i]);
  return s;
}

/** One slice as the tool produced it and as the viewer holds it now. */
export interface SliceNowAndThen {
  k: number;
  produced: ArrayLike<number>;
  current: ArrayLike<number>;
}

/**
 * Slices the user changed since the last run, added to (and replacing on the same slice) the
 * corrections of earlier runs. `toReference` maps a result segment index to the reference label;
 * voxels of segments it does not know (a segment the user added to the result) count as empty.
 * Only the slices given are compared (those the viewer reported as edited).
 */
export function collectSliceCorrections(
  previous: readonly Correction[],
  slices: Iterable<SliceNowAndThen>,
  toReference: (segmentIndex: number) => number | undefined,
): Correction[] {
  const byK = new Map(previous.map((c) => [c.k, c]));
  const map = (v: number) => (v ? toReference(v) ?? 0 : 0);
  for (const { k, produced, current } of slices) {
    const len = produced.length;
    if (current.length !== len) throw new Error(`Slice ${k} of the result segmentation has ${current.length} voxels instead of ${len}; was the series changed between runs? Discard the result and run again.`);
    let changed = false;
    for (let i = 0; i < len && !changed; i++) changed = map(produced[i]) !== map(current[i]);
    if (!changed) continue;
    const slice = new Uint8Array(len);
    for (let i = 0; i < len; i++) slice[i] = map(current[i]);
    const before = new Set([...labelsOn(produced, 0, len)].map(map).filter((l) => l));
    const after = labelsOn(slice, 0, len);
    const erased = [...before].filter((l) => !after.has(l));
    // A label erased here in an earlier round and still absent stays erased.
    for (const l of byK.get(k)?.erased ?? []) if (!after.has(l) && !erased.includes(l)) erased.push(l);
    byK.set(k, { k, slice, erased: erased.sort((a, b) => a - b) });
  }
  return [...byK.values()].sort((a, b) => a.k - b.k);
}

/** collectSliceCorrections over every slice of two whole volumes. */
export function collectCorrections(
  previous: readonly Correction[],
  produced: ArrayLike<number>,
  current: ArrayLike<number>,
  grid: SliceGrid,
  toReference: (segmentIndex: number) => number | undefined,
): Correction[] {
  checkVolume('The previous result', produced, grid);
  checkVolume('The result segmentation', current, grid);
  const len = sliceLen(grid);
  const view = (v: ArrayLike<number>, k: number) => (ArrayBuffer.isView(v) ? (v as Uint8Array).subarray(k * len, (k + 1) * len) : Array.prototype.slice.call(v, k * len, (k + 1) * len));
  const slices = Array.from({ length: grid.depth }, (_, k) => ({ k, produced: view(produced, k), current: view(current, k) }));
  return collectSliceCorrections(previous, slices, toReference);
}

/**
 * The engine's reference: the user's drawing, each corrected slice taking the place of that slice.
 * painted: the slices of the drawing that hold any paint, when the caller knows them (only
 * those and the corrected ones are scanned).
 */
export function planReferences(drawing: ArrayLike<number>, corrections: readonly Correction[], grid: SliceGrid, painted?: readonly number[], owned = false): ReferencePlan {
  checkVolume("The user's drawing", drawing, grid);
  const len = sliceLen(grid);
  // owned: the drawing is the caller's own copy, so it becomes the mask (a 512²×N copy saved on the viewer's thread).
  const mask = owned && drawing instanceof Uint8Array ? drawing : new Uint8Array(drawing);
  for (const c of corrections) mask.set(c.slice, c.k * len);
  const corrected = new Set(corrections.map((c) => c.k));
  const drawnSlices: number[] = [];
  const correctedSlices: number[] = [];
  const labels = new Set<number>();
  const scan = painted ? [...new Set([...painted, ...corrected])].sort((a, b) => a - b) : Array.from({ length: grid.depth }, (_, k) => k);
  for (const k of scan) {
    const on = labelsOn(mask, k * len, (k + 1) * len);
    on.forEach((l) => labels.add(l));
    if (corrected.has(k)) correctedSlices.push(k);
    else if (on.size) drawnSlices.push(k);
  }
  return { mask, labels: [...labels].sort((a, b) => a - b), drawnSlices, correctedSlices, corrections: [...corrections] };
}

/** Per label, the slices the user erased it on: the engine's absentSlices input. */
export function absentSlicesOf(plan: Pick<ReferencePlan, 'corrections'>): Record<number, number[]> {
  const out: Record<number, number[]> = {};
  for (const c of plan.corrections) for (const label of c.erased) (out[label] ??= []).push(c.k);
  return out;
}

/**
 * The engine's label map made to honour the corrections: erased labels cut as described at the
 * top, then every corrected slice set to exactly what the user left there. Returns a new volume.
 * (A safety net: the engine already honours them, given absentSlicesOf.)
 */
export function applyCorrections(result: ArrayLike<number>, plan: ReferencePlan, grid: SliceGrid): Uint8Array {
  checkVolume('The engine result', result, grid);
  const len = sliceLen(grid);
  const out = Uint8Array.from(result as ArrayLike<number>);
  const clear = (l: number, from: number, to: number) => {
    for (let k = Math.max(0, from); k <= Math.min(grid.depth - 1, to); k++) {
      for (let i = k * len; i < (k + 1) * len; i++) if (out[i] === l) out[i] = 0;
    }
  };
  for (const c of plan.corrections) {
    for (const l of c.erased) {
      const refs = referenceSlicesOf(plan.mask, l, grid);
      if (refs.length && refs.every((r) => r < c.k)) clear(l, c.k, grid.depth - 1);
      else if (refs.length && refs.every((r) => r > c.k)) clear(l, 0, c.k);
      else clear(l, c.k, c.k);
    }
  }
  for (const c of plan.corrections) out.set(c.slice, c.k * len);
  return out;
}

function referenceSlicesOf(mask: Uint8Array, label: number, grid: SliceGrid): number[] {
  const len = sliceLen(grid);
  const out: number[] = [];
  for (let k = 0; k < grid.depth; k++) {
    for (let i = k * len; i < (k + 1) * len; i++) if (mask[i] === label) { out.push(k); break; }
  }
  return out;
}
