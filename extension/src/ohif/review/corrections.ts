/** How the viewer names the reference slices of a run (the planning itself is the engine's: engine/corrections.ts). */
import type { ReferencePlan } from '../../engine/corrections';

/**
 * "reference slices: 43 (drawn), 58 (corrected)" in the numbers the viewer shows for the
 * slices (sliceNumbers[k]; default k + 1), in that numbering's order.
 */
export function describeReferences(plan: Pick<ReferencePlan, 'drawnSlices' | 'correctedSlices'>, sliceNumbers?: readonly number[]): string {
  const n = (k: number) => sliceNumbers?.[k] ?? k + 1;
  const all = [...plan.drawnSlices.map((k) => ({ k, why: 'drawn' })), ...plan.correctedSlices.map((k) => ({ k, why: 'corrected' }))].sort((a, b) => n(a.k) - n(b.k));
  return `reference slices: ${all.map((r) => `${n(r.k)} (${r.why})`).join(', ')}`;
}
