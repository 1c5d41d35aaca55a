/**
 * Writes a run into the result labelmap: slices as the engine streams them (batched, one
 * viewer update per frame), then only the slices the final result changes. It keeps the
 * labelmap's content before the run touched each slice, to undo the run or to restore it when
 * the run is cancelled or fails.
 */
import { decodeSlice, encodeSlice, RleSlice } from '../review/slice-rle';
import type { ResultLabelmap } from './viewer-host';

/** Slices written into the labelmap per frame while the engine streams (each is a 512² copy and a redraw if shown). */
const SLICES_PER_FRAME = 2;

export interface RunChanges {
  before: Map<number, RleSlice>;
  after: Map<number, RleSlice>;
}

export class ResultWriter {
  private readonly before = new Map<number, RleSlice>();
  private pending = new Map<number, Uint8Array>();
  private scheduled = false;
  /** The touched slices as finish() left them, encoded in its steps (changes() needs them at once). */
  private after?: Map<number, RleSlice>;

  /**
   * shadow: what the labelmap holds now (segment index per voxel, volume order); it is kept
   * equal to the labelmap as the run writes. skip: slices the run must not stream into.
   */
  constructor(
    private readonly labelmap: ResultLabelmap,
    private readonly shadow: Uint8Array,
    private readonly sliceLength: number,
    private readonly skip: ReadonlySet<number>,
    private readonly nextFrame: (fn: () => void) => void,
  ) {}

  /** One label's mask of slice k, as the engine streams it. */
  stream(k: number, label: number, mask: Uint8Array): void {
    if (this.skip.has(k)) return;
    const slice = this.touch(k);
    for (let i = 0; i < slice.length; i++) {
      if (mask[i]) slice[i] = label;
      else if (slice[i] === label) slice[i] = 0;
    }
    this.pending.set(k, slice);
    if (!this.scheduled) {
      this.scheduled = true;
      this.nextFrame(() => this.flush());
    }
  }

  /** Writes what has streamed in, a few slices per frame: a frame the viewer missed must not make one long write. */
  flush(all = false): void {
    this.scheduled = false;
    if (!this.pending.size) return;
    let batch = this.pending;
    this.pending = new Map();
    if (!all && batch.size > SLICES_PER_FRAME) {
      const entries = [...batch];
      batch = new Map(entries.slice(0, SLICES_PER_FRAME));
      this.pending = new Map([...entries.slice(SLICES_PER_FRAME), ...this.pending]);
      this.scheduled = true;
      this.nextFrame(() => this.flush());
    }
    this.labelmap.writeSlices(batch, { quiet: true });
  }

  /** Makes the labelmap equal to `final`, writing only the slices that differ from what it holds. */
  async finish(final: Uint8Array, forEachSlice: (count: number, step: (k: number) => void) => Promise<void>): Promise<void> {
    this.flush(true);
    const depth = this.shadow.length / this.sliceLength;
    let batch = new Map<number, Uint8Array>();
    const after = new Map<number, RleSlice>();
    await forEachSlice(depth, (k) => {
      const want = final.subarray(k * this.sliceLength, (k + 1) * this.sliceLength);
      const have = this.sliceOf(k);
      let same = true;
      for (let i = 0; i < want.length && same; i++) same = want[i] === have[i];
      if (same) {
        if (this.before.has(k)) after.set(k, encodeSlice(have));
        return;
      }
      this.touch(k).set(want);
      after.set(k, encodeSlice(want));
      batch.set(k, have);
      if (batch.size >= 8) {
        this.labelmap.writeSlices(batch, { quiet: true });
        batch = new Map();
      }
    });
    this.labelmap.writeSlices(batch, { quiet: true });
    this.after = after;
    // One viewer update for the whole run, naming every slice it changed.
    this.labelmap.announce();
  }

  /** The slices the run changed, before and after (for the undo history). */
  changes(): RunChanges {
    const after = new Map<number, RleSlice>();
    for (const k of this.before.keys()) after.set(k, this.after?.get(k) ?? encodeSlice(this.sliceOf(k)));
    return { before: new Map(this.before), after };
  }

  /** Puts back what the labelmap held before the run (a cancelled or failed run leaves nothing behind). */
  restore(): void {
    this.pending.clear();
    if (!this.labelmap.exists()) return;
    const slices = new Map<number, Uint8Array>();
    for (const [k, rle] of this.before) {
      const s = decodeSlice(rle);
      this.sliceOf(k).set(s);
      slices.set(k, s);
    }
    this.labelmap.writeSlices(slices, { quiet: true });
    this.labelmap.announce();
  }

  private sliceOf(k: number): Uint8Array {
    return this.shadow.subarray(k * this.sliceLength, (k + 1) * this.sliceLength);
  }

  private touch(k: number): Uint8Array {
    const slice = this.sliceOf(k);
    if (!this.before.has(k)) this.before.set(k, encodeSlice(slice));
    return slice;
  }
}

/** Writes one side of a run's changes into the labelmap (undo: before, redo: after); returns the slices written. */
export function applyChanges(labelmap: ResultLabelmap, shadow: Uint8Array, sliceLength: number, side: Map<number, RleSlice>): void {
  const slices = new Map<number, Uint8Array>();
  for (const [k, rle] of side) {
    const s = decodeSlice(rle);
    shadow.set(s, k * sliceLength);
    slices.set(k, s);
  }
  if (labelmap.exists()) labelmap.writeSlices(slices);
}
