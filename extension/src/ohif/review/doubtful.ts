/**
 * "Next doubtful slice" (pure): the slices worth a second look, in slice order: masks the
 * engine was unsure of, and each place where it decided the tissue ends (once each). The
 * walk goes through the list in order and starts again after the last one.
 */
import type { StripCell } from './strip';

export const DOUBTFUL_BELOW = 0.5;

export function doubtfulSlices(cells: readonly StripCell[], ends: readonly number[], threshold = DOUBTFUL_BELOW): number[] {
  const out = new Set<number>(ends.filter((k) => cells[k]?.kind !== 'reference'));
  cells.forEach((c, k) => {
    if (c.kind === 'mask' && c.confidence < threshold) out.add(k);
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
  if (cell?.kind === 'mask') return `confidence ${cell.confidence.toFixed(2)}`;
  return isEnd ? 'the tissue was judged to end here' : 'no tissue found';
}
