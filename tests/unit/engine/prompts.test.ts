import { labelPatches, PatchClass } from '../../../extension/src/engine/prompts/patch-labels';
import { matchPatches } from '../../../extension/src/engine/prompts/correspondence';
import { exclusiveSampling, sparseSampling, placeCandidates, filterPositivesInFeatureSpace } from '../../../extension/src/engine/prompts/point-sampling';
import { collectCandidates, schemeFor, DEFAULT_BANK } from '../../../extension/src/engine/prompts/prompt-planner';
import { PatchFeatures } from '../../../extension/src/engine/features/patch-encoder';
import { ContextPatchEncoder } from '../../../extension/src/engine/features/context-patch-encoder';
import { phantom } from '../../support/phantom';
import { sliceImage } from '../../../extension/src/engine/image/slices';

/** 1-D features on a grid: value per patch. */
function grid(values: number[][]): PatchFeatures {
  const gridH = values.length;
  const gridW = values[0].length;
  return { data: Float32Array.from(values.flat()), gridW, gridH, dim: 1, patchW: 2, patchH: 2 };
}

describe('patch labels', () => {
  it('marks covered patches foreground, untouched background, partial ignored', () => {
    const w = 6, h = 2;
    const g = grid([[0, 0, 0]]);
    const mask = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
    expect([...labelPatches(mask, w, h, g)]).toEqual([PatchClass.Foreground, PatchClass.Ignore, PatchClass.Background]);
  });
  it('keeps every patch row and column, including partial last ones', () => {
    const enc = new ContextPatchEncoder({ patchSize: 4 });
    const f = enc.encodeSync({ data: new Float32Array(10 * 7), width: 10, height: 7, channels: 1, pixelSpacing: [1, 1] });
    expect([f.gridW, f.gridH]).toEqual([3, 2]);
  });
});

describe('cycle-consistent correspondence', () => {
  it('matches each class to its look-alike and rejects matches whose way back lands on the other class', () => {
    // reference: fg patches value 10, bg value 0. target: a patch of 10 (true fg), 0 (bg), 6 (ambiguous, nearer fg forward but)...
    const ref = grid([[10, 10, 0, 0]]);
    const cls = Uint8Array.from([PatchClass.Foreground, PatchClass.Foreground, PatchClass.Background, PatchClass.Background]);
    const target = grid([[0, 9, 4, 1]]);
    const c = matchPatches(ref, cls, target, { sameFrame: false, windowPatches: 0, spatialWeight: 0 });
    const pos = c.filter((x) => x.positive).map((x) => x.patch);
    const neg = c.filter((x) => !x.positive).map((x) => x.patch);
    expect(pos).toEqual([1]);
    expect(neg).toEqual([0]);
  });
  it('drops a forward match whose nearest reference patch is of the other class', () => {
    const ref = grid([[10, 0, 5]]);
    const cls = Uint8Array.from([PatchClass.Foreground, PatchClass.Background, PatchClass.Background]);
    const target = grid([[6, 0]]);
    const c = matchPatches(ref, cls, target, { sameFrame: false, windowPatches: 0, spatialWeight: 0 });
    // fg 10 -> target 6, but 6's nearest reference is the background 5: rejected
    expect(c.filter((x) => x.positive)).toHaveLength(0);
    expect(c.filter((x) => !x.positive).map((x) => x.patch).sort()).toEqual([0, 1]);
  });
  it('within a series restricts the search to a window around the same place', () => {
    const ref = grid([[10, 0, 0, 0, 0, 0, 10]]);
    const cls = Uint8Array.from([1, 2, 2, 2, 2, 2, 0]);
    const target = grid([[0, 0, 0, 0, 0, 0, 10]]);
    const c = matchPatches(ref, cls, target, { sameFrame: true, windowPatches: 2, spatialWeight: 0 });
    // the fg patch at 0 may not reach the look-alike at 6: no positive candidate
    expect(c.some((x) => x.positive)).toBe(false);
  });
});

describe('point sampling', () => {
  const target = grid([[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
  const cands = [0, 1, 2, 3].map((p) => ({ patch: p, positive: true, cost: p, refPatch: 0 })).concat([4, 5, 9].map((p) => ({ patch: p, positive: false, cost: 0, refPatch: 0 })));
  const placed = placeCandidates(cands, target, 20, 2, [1, 1]);
  it('places points at patch centres with clearance to the other class', () => {
    expect(placed.map((c) => c.x)).toEqual([1, 3, 5, 7, 9, 11, 19]);
    expect(placed[3].clearance).toBeCloseTo(2); // patch 3 to patch 4: 2 px
    expect(placed[6].clearance).toBeCloseTo(12); // patch 9 to patch 3
  });
  it('exclusive sampling drops negatives near positives', () => {
    const kept = exclusiveSampling(placed, 5);
    expect(kept.filter((c) => !c.positive).map((c) => c.patch)).toEqual([9]);
    expect(kept.filter((c) => c.positive)).toHaveLength(4);
  });
  it('sparse sampling keeps points at least r apart, the ones farthest from the other class first', () => {
    const kept = sparseSampling(placed, 5, [1, 1]).filter((c) => c.positive);
    expect(kept.map((c) => c.patch).sort()).toEqual([0, 3].sort()); // 0 is farthest from negatives; 3 is 6 px away
  });
  it('drops feature-space outliers among positives', () => {
    const t = grid([[1, 1.1, 0.9, 1, 1.05, 50]]);
    const c = placeCandidates([0, 1, 2, 3, 4, 5].map((p) => ({ patch: p, positive: true, cost: 0, refPatch: 0 })), t, 12, 2, [1, 1]);
    expect(filterPositivesInFeatureSpace(c, t, 1.5).map((x) => x.patch)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('prompt planner on a phantom', () => {
  it('places positives inside the tissue and negatives outside on the next slice', () => {
    const { image, truth } = phantom([64, 64, 3], [1, 1, 3], [{ centre: [30, 32, 1], radii: [14, 10, 3], hu: 60, label: 1 }]);
    const enc = new ContextPatchEncoder({ patchSize: 4 });
    const refMask = Uint8Array.from(truth.data.subarray(0, 64 * 64), (v) => (v ? 1 : 0));
    const refFeat = enc.encodeSync(sliceImage(image, 0));
    const tgt = enc.encodeSync(sliceImage(image, 1));
    const pool = collectCandidates({ target: tgt, width: 64, height: 64, spacing: [1, 1], references: [{ features: refFeat, mask: refMask, width: 64, height: 64 }], sameFrame: true });
    const scheme = schemeFor(pool, DEFAULT_BANK[1]);
    const inside = (p: { x: number; y: number }) => truth.data[64 * 64 + p.y * 64 + p.x] === 1;
    const pos = scheme.points.filter((p) => p.positive);
    const neg = scheme.points.filter((p) => !p.positive);
    expect(pos.length).toBeGreaterThan(0);
    expect(neg.length).toBeGreaterThan(0);
    expect(pos.every(inside)).toBe(true);
    expect(neg.every((p) => !inside(p))).toBe(true);
    expect(scheme.featureScore).toBeGreaterThan(0.5);
  });
});
