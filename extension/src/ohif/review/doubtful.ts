/**
 * "Next doubtful slice" (pure): the slices worth a second look, in slice order, as the shared
 * review judged them (engine/review): masks likely wrong, and slices past an end where the
 * tissue may go on. Without a review (engine confidence only), masks below the threshold and
 * each place the tissue was judged to end. The walk starts again after the last one.
 */
import { REASON_WORDS } from '../../engine/review/slice-review';
import type { StripCell } from './strip';

export const DOUBTFUL_BELOW = 0.5;

export function doubtfulSlices(cells: readonly StripCell[], ends: readonly number[], threshold = DOUBTFUL_BELOW, reviewed = false): number[] {
  const out = new Set<number>(reviewed ? [] : ends.filter((k) => cells[k]?.kind !== 'reference'));
  cells.forEach((c, k) => {
    if (reviewed ? (c.kind === 'mask' || c.kind === 'empty') && c.doubtful : c.kind === 'mask' && c.confidence < threshold) out.add(k);
  });
  return [...out].sort((a, b) => a - b);
}

/** Position in the list after `at` (-1: before the first); undefined when the list is empty. */
export function nextDoubtful(list: readonly number[], at: number): number | undefined {
  if (!list.length) return undefined;
  return (at + 1) % list.length;
}

/** Why a slice is on the list, for the panel. */
export function doubtReason(cell: StripCell | undefined, isEnd: boolean): string {
  if ((cell?.kind === 'mask' || cell?.kind === 'empty') && cell.reason) {
    const words = REASON_WORDS[cell.reason];
    return cell.kind === 'mask' ? `${words} (confidence ${cell.confidence.toFixed(2)})` : `no tissue painted: ${words}`;
  }
  if (cell?.kind === 'mask') return `confidence ${cell.confidence.toFixed(2)}`;
  return isEnd ? 'the tissue was judged to end here' : 'no tissue found';
}
