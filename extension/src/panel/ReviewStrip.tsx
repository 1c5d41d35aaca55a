/**
 * One cell per slice, in the viewer's slice order; click a cell to show that slice. Blue:
 * reference (drawn or corrected); red to green: the review's confidence (doubtful slices are
 * below the middle, and marked orange above the cell); dark: no tissue (an empty slice is
 * never coloured as a confident mask); hatched: not reached yet. A light bar under a cell marks
 * the slice the viewer shows.
 */
import React from 'react';
import { REASON_WORDS } from '../engine/review/slice-review';
import type { StripCell } from '../ohif/review/strip';
import { colors } from './styles';

function look(cell: StripCell): { background: string; title: string } {
  switch (cell.kind) {
    case 'reference': return { background: colors.reference, title: `reference (${cell.why})` };
    case 'mask': return { background: `hsl(${Math.round(120 * Math.max(0, Math.min(1, cell.confidence)))},70%,45%)`, title: `confidence ${cell.confidence.toFixed(2)}${cell.reason ? `, doubtful: ${REASON_WORDS[cell.reason]}` : ''}` };
    case 'empty': return { background: '#1b1f3a', title: cell.reason ? `no tissue painted; doubtful: ${REASON_WORDS[cell.reason]}` : cell.looked ? 'no tissue' : 'no tissue (not reached: the tissue ended before)' };
    case 'pending': return { background: 'repeating-linear-gradient(45deg,#2a2f55 0 3px,#1b1f3a 3px 6px)', title: 'not segmented yet' };
  }
}

const isDoubtful = (c: StripCell) => (c.kind === 'mask' || c.kind === 'empty') && Boolean(c.doubtful);

export function ReviewStrip({ cells, sliceNumbers, current, shown, onPick }: { cells: readonly StripCell[]; sliceNumbers: readonly number[]; current?: number; shown?: number; onPick?: (k: number) => void }) {
  if (!cells.length) return null;
  const order = cells.map((_, k) => k).sort((a, b) => (sliceNumbers[a] ?? a) - (sliceNumbers[b] ?? b));
  return (
    <div style={{ display: 'flex', height: 16, marginTop: 6 }} data-testid="sat-strip">
      {order.map((k) => {
        const { background, title } = look(cells[k]);
        const n = sliceNumbers[k] ?? k + 1;
        return (
          <div
            key={k}
            data-testid="sat-strip-cell"
            data-k={k}
            data-slice={n}
            data-kind={cells[k].kind}
            data-doubtful={isDoubtful(cells[k]) ? 'true' : undefined}
            data-shown={shown === k ? 'true' : undefined}
            title={`slice ${n}: ${title}`}
            onClick={onPick ? () => onPick(k) : undefined}
            style={{ flex: 1, background, marginRight: 1, cursor: onPick ? 'pointer' : 'default', outline: current === k ? `2px solid ${colors.text}` : undefined, border: cells[k].kind === 'empty' ? '1px solid #2e3566' : undefined, borderTop: isDoubtful(cells[k]) ? `3px solid ${colors.doubt}` : undefined, boxShadow: shown === k ? `inset 0 -4px 0 ${colors.text}` : undefined }}
          />
        );
      })}
    </div>
  );
}
