/**
 * The result segmentation of the series on show, and what the tool knows about it: what it
 * last wrote there, the user's corrections so far, and which slices the user has edited since
 * (from the viewer's edit events).
 */
import { contrastingColor } from '../review/colors';
import { collectSliceCorrections, Correction } from '../../engine/corrections';
import { encodeSlice, RleSlice } from '../review/slice-rle';
import type { TissueName } from '../review/tissue-names';
import { resultSegmentName } from '../review/result-names';
import type { LabelView, ResultView } from './run-state';
import type { DrawingInfo, EditedSlices, ResultLabelmap, SeriesHandle, ViewerHost } from './viewer-host';

export type Dirty = Set<number> | 'all';

export interface Tracked {
  series: SeriesHandle;
  labelmap: ResultLabelmap;
  drawingId: string;
  /** What the tool last left in the labelmap (the user's edits since are in `dirty`). */
  produced: Uint8Array;
  corrections: Correction[];
  dirty: Dirty;
  view?: ResultView;
  accepted: boolean;
  names: Map<number, TissueName>;
  /** Segments the tool has coloured (once each: a colour the user picks later stays). */
  coloured: Set<number>;
  /** Stops watching the user's edits and the slice on show. */
  unwatch: () => void;
}

/** A new result segmentation for the drawing, watched for the user's edits. */
export async function createTracked(series: SeriesHandle, drawing: DrawingInfo, labels: LabelView[], voxels: number, onShown?: (k: number | undefined) => void): Promise<Tracked> {
  const labelmap = await series.createResult(
    `SAT: ${drawing.label}`,
    labels.map((l) => ({ index: l.value, label: resultSegmentName(l), color: resultColor(drawing, l.value) })),
  );
  const t: Tracked = {
    series,
    labelmap,
    drawingId: drawing.segmentationId,
    produced: new Uint8Array(voxels),
    corrections: [],
    dirty: new Set(),
    accepted: false,
    names: new Map(labels.filter((l) => l.tissue).map((l) => [l.value, l.tissue!])),
    coloured: new Set(),
    unwatch: () => undefined,
  };
  const unwatchEdits = series.watchEdits(labelmap.segmentationId, (slices) => markDirty(t, slices));
  const unwatchShown = onShown ? series.watchShownSlice(onShown) : () => undefined;
  t.unwatch = () => {
    unwatchEdits();
    unwatchShown();
  };
  return t;
}

/**
 * The user's corrections so far, from the slices the viewer reported as edited (every slice,
 * compared in chunks, when it could not say which), and what the labelmap holds now.
 */
export async function correctionsOf(t: Tracked, host: Pick<ViewerHost, 'forEachSlice'>): Promise<{ corrections: Correction[]; current: Uint8Array }> {
  const [w, h, depth] = t.series.geometry.dims;
  const len = w * h;
  const current = t.produced.slice();
  let edited: number[];
  if (t.dirty === 'all') {
    current.set(await t.series.readLabelmap(t.labelmap.segmentationId));
    edited = [];
    await host.forEachSlice(depth, (k) => {
      const a = t.produced.subarray(k * len, (k + 1) * len);
      const b = current.subarray(k * len, (k + 1) * len);
      for (let i = 0; i < len; i++) if (a[i] !== b[i]) { edited.push(k); return; }
    });
  } else {
    edited = [...t.dirty].sort((a, b) => a - b);
    for (const k of edited) current.set(t.labelmap.readSlice(k), k * len);
  }
  const known = new Set(t.view?.labels.map((l) => l.value) ?? []);
  const slices = edited.map((k) => ({ k, produced: t.produced.subarray(k * len, (k + 1) * len), current: current.subarray(k * len, (k + 1) * len) }));
  return { corrections: collectSliceCorrections(t.corrections, slices, (i) => (known.has(i) ? i : undefined)), current };
}

/** The slices of a volume that hold any non-zero voxel (a pass that yields to the viewer). */
export async function paintedSlices(volume: Uint8Array, len: number, depth: number, host: Pick<ViewerHost, 'forEachSlice'>): Promise<number[]> {
  const out: number[] = [];
  await host.forEachSlice(depth, (k) => {
    const s = volume.subarray(k * len, (k + 1) * len);
    for (let i = 0; i < len; i++) if (s[i]) { out.push(k); return; }
  });
  return out;
}

export function markDirty(t: Tracked, slices: EditedSlices): void {
  if (t.dirty === 'all') return;
  if (slices === 'all') t.dirty = 'all';
  else for (const k of slices) t.dirty.add(k);
}

export function unionDirty(a: Dirty, b: Dirty): Dirty {
  return a === 'all' || b === 'all' ? 'all' : new Set([...a, ...b]);
}

/** RLE copies of the given slices (all of them for 'all'), encoded in steps that yield to the viewer. */
export async function slicesOf(volume: Uint8Array, len: number, which: Dirty, depth: number, host: Pick<ViewerHost, 'forEachSlice'>): Promise<Map<number, RleSlice>> {
  const ks = which === 'all' ? Array.from({ length: depth }, (_, k) => k) : [...which];
  const out = new Map<number, RleSlice>();
  await host.forEachSlice(ks.length, (i) => void out.set(ks[i], encodeSlice(volume.subarray(ks[i] * len, (ks[i] + 1) * len))));
  return out;
}

/** The result's colour for a segment: one that stands apart from the user's own. */
export function resultColor(drawing: DrawingInfo, value: number) {
  return contrastingColor(drawing.segments.find((s) => s.index === value)?.color);
}
