/**
 * A run as one step of the viewer's undo history: cornerstone's DefaultHistoryMemo, which
 * OHIF's undo/redo commands (Ctrl+Z, Ctrl+Y) walk. Restores run under the write guard, so they
 * are not mistaken for the user's corrections.
 */
import type { UndoStep } from '../controller/viewer-host';
import type { HostContext } from './context';
import { OWN_MEMO_TYPE } from './edits';
import type { WriteGuard } from './write-guard';

export function recordUndoStep(ctx: HostContext, guard: WriteGuard, step: UndoStep): void {
  const { utilities } = ctx.cornerstone;
  utilities.HistoryMemo.DefaultHistoryMemo.push({
    id: utilities.uuidv4(),
    operationType: OWN_MEMO_TYPE,
    restoreMemo: (undo?: boolean) => guard.run(() => (undo === false ? step.redo() : step.undo())),
  });
}
