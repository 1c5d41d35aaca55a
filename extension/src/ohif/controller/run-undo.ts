/**
 * A run as one step of the viewer's undo history: undo puts back the slices the run changed
 * and what the tool knew before it (its corrections, its review); redo the run's.
 */
import { decodeSlice, RleSlice } from '../review/slice-rle';
import { applyChanges, RunChanges } from './result-writer';
import { Dirty, Tracked, unionDirty } from './tracked-result';
import type { ViewerHost } from './viewer-host';

type Side = Pick<Tracked, 'corrections' | 'view' | 'accepted'> & { producedAtDirty: Map<number, RleSlice> };

export interface RunStep {
  tracked: Tracked;
  changes: RunChanges;
  before: Side & { dirty: Dirty };
  after: Side;
}

/**
 * Records the step. canRestore says whether the step still applies (its result is the one on
 * show, no run busy); restored(side, undo) lets the controller show the state of that side.
 */
export function recordRunStep(host: Pick<ViewerHost, 'recordUndo'>, step: RunStep, canRestore: (t: Tracked) => boolean, restored: (side: Side, undo: boolean) => void): void {
  const len = step.tracked.series.geometry.dims[0] * step.tracked.series.geometry.dims[1];
  const restore = (undo: boolean) => {
    const t = step.tracked;
    if (!canRestore(t)) return;
    applyChanges(t.labelmap, t.produced, len, undo ? step.changes.before : step.changes.after);
    const side = undo ? step.before : step.after;
    // Where the user had edited before the run, what the tool had written is what corrections are read against.
    for (const [k, rle] of side.producedAtDirty) t.produced.set(decodeSlice(rle), k * len);
    t.corrections = side.corrections;
    t.view = side.view;
    t.accepted = side.accepted;
    if (undo) t.dirty = unionDirty(step.before.dirty, t.dirty);
    restored(side, undo);
  };
  host.recordUndo({ undo: () => restore(true), redo: () => restore(false) });
}
