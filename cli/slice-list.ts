/**
 * `--annotated-slices 12,40-42`: 0-based slice indices along the volume's third axis, commas
 * and inclusive ranges. Checked against the series' depth so a typo is refused, not ignored.
 */
import { UsageError } from './errors';

export function parseSliceList(value: string, option: string): number[] {
  const out = new Set<number>();
  for (const raw of value.split(',')) {
    const part = raw.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`${option} ${value}: "${part}" is not a slice index or range; write 0-based indices and ranges like 12,40-42.`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UsageError(`${option} ${value}: the range ${part} runs backwards; write ${b}-${a}.`);
    for (let k = a; k <= b; k++) out.add(k);
  }
  return [...out].sort((x, y) => x - y);
}

/** Refuses indices outside a series of `depth` slices. */
export function checkSliceList(slices: number[], depth: number, option: string): void {
  const bad = slices.filter((k) => k >= depth);
  if (bad.length) throw new UsageError(`${option}: slice ${bad[0]} is outside the series (slices 0-${depth - 1}).`);
}
