/**
 * What a reference mask leaves to segment. A full label map given where a one-slice reference
 * was meant (every slice of the structure annotated) would come back unchanged; the CLI says
 * so instead of exiting 0 with the input as the "result".
 */
import { LabelVolume } from '../../extension/src/engine';
import { UsageError } from '../errors';

export interface LabelCoverage {
  label: number;
  /** Annotated slices (0-based k), ascending. */
  slices: number[];
}

/** Per label, the slices the reference annotates. */
export function referenceCoverage(mask: LabelVolume, labels: number[]): LabelCoverage[] {
  const [w, h, d] = mask.dims;
  const sliceLen = w * h;
  const on = new Map<number, Set<number>>(labels.map((l) => [l, new Set<number>()]));
  for (let k = 0; k < d; k++)
    for (let i = k * sliceLen; i < (k + 1) * sliceLen; i++) {
      const s = on.get(mask.data[i]);
      if (s) s.add(k);
    }
  return labels.map((label) => ({ label, slices: [...on.get(label)!].sort((a, b) => a - b) }));
}

/** True when the label is annotated on every slice from its first to its last (a whole structure, not a start). */
export function coversItsRange(c: LabelCoverage): boolean {
  const n = c.slices.length;
  return n > 1 && c.slices[n - 1] - c.slices[0] + 1 === n;
}

function describe(c: LabelCoverage): string {
  return `label ${c.label} on ${c.slices.length} slice${c.slices.length === 1 ? '' : 's'} (${c.slices[0]}–${c.slices[c.slices.length - 1]})`;
}

const ONE_SLICE_HINT = 'To segment from one slice, make a one-slice reference first: sat reference --labels MASK --label N --out ref.nii.gz';

/** Refuses a reference that annotates every slice of the volume for every label: there is nothing to segment. */
export function refuseNothingToSegment(coverage: LabelCoverage[], depth: number, maskName: string): void {
  if (depth > 1 && coverage.length > 0 && coverage.every((c) => c.slices.length === depth))
    throw new UsageError(`the reference mask ${maskName} annotates every slice of the series (${coverage.map(describe).join('; ')}): nothing is left to segment. ${ONE_SLICE_HINT}`);
}

/**
 * After the run: when every label was already annotated on each slice of its range and the
 * engine added nothing beyond, the "result" is the input; refused (exit 2, nothing written).
 */
export function refuseUnchangedResult(coverage: LabelCoverage[], paintedSlices: Map<number, number[]>, maskName: string): void {
  const unchanged = coverage.every((c) => {
    if (!coversItsRange(c) || c.slices.length < 3) return false;
    const annotated = new Set(c.slices);
    return (paintedSlices.get(c.label) ?? []).every((k) => annotated.has(k));
  });
  if (unchanged && coverage.length > 0)
    throw new UsageError(
      `nothing was segmented: the reference mask ${maskName} already holds ${coverage.map(describe).join('; ')}, every slice of its range, and the engine found no more beyond its ends. ${ONE_SLICE_HINT}`,
    );
}

/** One line per label that uses more than one annotated slice: how many it used, and which. */
export function coverageNotes(coverage: LabelCoverage[]): string[] {
  return coverage
    .filter((c) => c.slices.length > 1)
    .map((c) => `${describe(c)} used as given${coversItsRange(c) ? ', every slice of its range: only slices beyond its ends were segmented' : ''}.`);
}
