import { applyCorrections, collectCorrections, planReferences, SliceGrid } from '../../../extension/src/engine/corrections';
import { describeReferences } from '../../../extension/src/ohif/review/corrections';
import { contrastingColor } from '../../../extension/src/ohif/review/colors';

// 4×4 slices, 10 deep; slice k occupies [16k, 16k+16).
const grid: SliceGrid = { width: 4, height: 4, depth: 10 };
const len = 16;
const vol = () => new Uint8Array(len * grid.depth);
const fill = (v: Uint8Array, k: number, value: number, pixels: number[]) => { for (const p of pixels) v[k * len + p] = value; };
const slice = (v: Uint8Array, k: number) => Array.from(v.subarray(k * len, (k + 1) * len));
const identity = (i: number) => i;

/** A result where label 1 covers pixels 5,6,9,10 on slices 2..8. */
function produced(): Uint8Array {
  const v = vol();
  for (let k = 2; k <= 8; k++) fill(v, k, 1, [5, 6, 9, 10]);
  return v;
}

describe('collectCorrections', () => {
  it('makes an edited slice a correction and leaves unchanged slices out', () => {
    const p = produced();
    const cur = p.slice();
    fill(cur, 6, 1, [0, 1]); // brush adds two pixels on slice 6
    const c = collectCorrections([], p, cur, grid, identity);
    expect(c.map((x) => x.k)).toEqual([6]);
    expect(slice(c[0].slice, 0)).toEqual(slice(cur, 6));
    expect(c[0].erased).toEqual([]);
  });

  it('finds nothing when the user changed nothing', () => {
    const p = produced();
    expect(collectCorrections([], p, p.slice(), grid, identity)).toEqual([]);
  });

  it('maps result segment indices to reference labels, and unknown segments to empty', () => {
    // The result shows reference label 5 as segment 2; the user also painted with a segment 7 of their own.
    const p = vol();
    fill(p, 3, 2, [5, 6]);
    const cur = p.slice();
    fill(cur, 3, 2, [7]);
    fill(cur, 3, 7, [0]);
    const c = collectCorrections([], p, cur, grid, (i) => (i === 2 ? 5 : undefined));
    expect(c).toHaveLength(1);
    expect(c[0].slice[5]).toBe(5);
    expect(c[0].slice[7]).toBe(5);
    expect(c[0].slice[0]).toBe(0);
    expect(c[0].slice[1]).toBe(0);
  });

  it('does not count a paint with an unknown segment over empty voxels as a change', () => {
    const p = produced();
    const cur = p.slice();
    fill(cur, 0, 7, [0, 1, 2]);
    expect(collectCorrections([], p, cur, grid, (i) => (i === 1 ? 1 : undefined))).toEqual([]);
  });

  it('records a slice erased to empty with the labels that were erased', () => {
    const p = produced();
    const cur = p.slice();
    cur.fill(0, 7 * len, 8 * len);
    const c = collectCorrections([], p, cur, grid, identity);
    expect(c).toHaveLength(1);
    expect(c[0].k).toBe(7);
    expect(c[0].erased).toEqual([1]);
    expect(c[0].slice.every((x) => x === 0)).toBe(true);
  });

  it('keeps earlier rounds’ corrections and replaces one the user edits again', () => {
    const p1 = produced();
    const cur1 = p1.slice();
    fill(cur1, 4, 1, [0]);
    fill(cur1, 6, 1, [3]);
    const round1 = collectCorrections([], p1, cur1, grid, identity);
    // The second run wrote exactly cur1's slices; now the user edits slice 6 again only.
    const p2 = cur1.slice();
    const cur2 = p2.slice();
    fill(cur2, 6, 0, [3, 5]);
    const round2 = collectCorrections(round1, p2, cur2, grid, identity);
    expect(round2.map((x) => x.k)).toEqual([4, 6]);
    expect(slice(round2[0].slice, 0)).toEqual(slice(cur1, 4));
    expect(slice(round2[1].slice, 0)).toEqual(slice(cur2, 6));
  });

  it('refuses volumes of another grid with a message saying what to do', () => {
    expect(() => collectCorrections([], produced(), new Uint8Array(5), grid, identity)).toThrow(/Discard the result and run again/);
  });
});

describe('planReferences', () => {
  it('adds corrected slices to the drawing, the correction winning on its slice', () => {
    const drawing = vol();
    fill(drawing, 2, 1, [5, 6]);
    fill(drawing, 5, 1, [0]); // drawn, then corrected on the same slice
    const corr = vol();
    fill(corr, 5, 1, [9, 10]);
    fill(corr, 8, 3, [1]);
    const plan = planReferences(drawing, [
      { k: 5, slice: corr.slice(5 * len, 6 * len), erased: [] },
      { k: 8, slice: corr.slice(8 * len, 9 * len), erased: [] },
    ], grid);
    expect(plan.drawnSlices).toEqual([2]);
    expect(plan.correctedSlices).toEqual([5, 8]);
    expect(plan.labels).toEqual([1, 3]);
    expect(slice(plan.mask, 5)).toEqual(slice(corr, 5));
    expect(slice(plan.mask, 2)).toEqual(slice(drawing, 2));
    expect(describeReferences(plan)).toBe('reference slices: 3 (drawn), 6 (corrected), 9 (corrected)');
  });

  it('names reference slices with the numbers the viewer shows (a stack shown in reverse)', () => {
    const reversed = Array.from({ length: grid.depth }, (_, k) => grid.depth - k);
    expect(describeReferences({ drawnSlices: [2], correctedSlices: [5, 8] }, reversed)).toBe('reference slices: 2 (corrected), 5 (corrected), 8 (drawn)');
  });

  it('an erased corrected slice is listed but adds no label', () => {
    const drawing = vol();
    fill(drawing, 2, 1, [5]);
    const plan = planReferences(drawing, [{ k: 7, slice: new Uint8Array(len), erased: [1] }], grid);
    expect(plan.labels).toEqual([1]);
    expect(plan.correctedSlices).toEqual([7]);
  });
});

describe('applyCorrections', () => {
  it('puts each corrected slice back exactly as the user left it', () => {
    const drawing = vol();
    fill(drawing, 2, 1, [5]);
    const fixed = new Uint8Array(len);
    fixed[0] = 1; fixed[15] = 1;
    const plan = planReferences(drawing, [{ k: 6, slice: fixed, erased: [] }], grid);
    const out = applyCorrections(produced(), plan, grid);
    expect(slice(out, 6)).toEqual(Array.from(fixed));
    expect(slice(out, 5)).toEqual(slice(produced(), 5)); // other slices untouched
  });

  it('an erased label stops at that slice on the side away from its references', () => {
    const drawing = vol();
    fill(drawing, 2, 1, [5]);
    const plan = planReferences(drawing, [{ k: 6, slice: new Uint8Array(len), erased: [1] }], grid);
    const out = applyCorrections(produced(), plan, grid);
    for (let k = 6; k <= 9; k++) expect(slice(out, k).every((x) => x === 0)).toBe(true);
    for (let k = 2; k <= 5; k++) expect(slice(out, k)).toEqual(slice(produced(), k));
  });

  it('between two references an erased slice is cleared alone, and other labels are kept', () => {
    const drawing = vol();
    fill(drawing, 2, 1, [5]);
    fill(drawing, 8, 1, [5]);
    const res = produced();
    fill(res, 6, 2, [0]); // another label on that slice
    fill(res, 4, 2, [0]);
    const kept = new Uint8Array(len);
    kept[0] = 2;
    const plan = planReferences(drawing, [{ k: 5, slice: kept, erased: [1] }], grid);
    const out = applyCorrections(res, plan, grid);
    expect(slice(out, 5)).toEqual(Array.from(kept));
    expect(slice(out, 4)).toEqual(slice(res, 4));
    expect(slice(out, 6)).toEqual(slice(res, 6));
  });
});

describe('contrastingColor', () => {
  it('differs clearly from the user colour', () => {
    for (const user of [[255, 215, 0], [0, 220, 255], [221, 84, 84], [128, 174, 128]]) {
      const c = contrastingColor(user);
      expect(Math.hypot(c[0] - user[0], c[1] - user[1], c[2] - user[2])).toBeGreaterThanOrEqual(150);
    }
  });
});
