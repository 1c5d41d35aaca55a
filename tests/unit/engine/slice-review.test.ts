/**
 * The per-slice review on phantoms whose wrong slices are known: a result that runs on past
 * the tissue's end, one that stops while the tissue goes on, and an area jump (a look-alike
 * neighbour taken on). The review observes results only, so the results here are built by hand.
 */
import { reviewLabel, SliceJudgement } from '../../../extension/src/engine';
import { binary, phantom } from '../../support/phantom';

const dims: [number, number, number] = [48, 48, 24];
const spacing: [number, number, number] = [1, 1, 2];
const len = dims[0] * dims[1];

function onSlice(mask: Uint8Array, k: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  out.set(mask.subarray(k * len, (k + 1) * len), k * len);
  return out;
}

const at = (js: SliceJudgement[], k: number) => js.find((j) => j.slice === k);

describe('review of a finished result', () => {
  // A cylinder-like tissue (60 HU in fat) on slices 4..19, drawn on slice 12.
  const { image, truth } = phantom(dims, spacing, [{ centre: [24, 24, 12], radii: [10, 9, 10], hu: 60, label: 1 }], -100, 8);
  const t = binary(truth, 1);
  const drawn = onSlice(t, 12);

  it('passes a result that matches the tissue, and records the slice past each end', () => {
    const js = reviewLabel({ image, drawn, result: t });
    const painted = js.filter((j) => j.voxels > 0);
    expect(painted.map((j) => j.slice)).toEqual([...new Set(painted.map((j) => j.slice))]);
    expect(at(js, 12)).toMatchObject({ reason: 'drawn', doubtful: false, confidence: 1 });
    for (let k = 8; k <= 16; k++) expect(at(js, k)?.doubtful).toBe(false);
    const first = painted[0].slice;
    const last = painted[painted.length - 1].slice;
    expect(at(js, first - 1)).toMatchObject({ voxels: 0 });
    expect(at(js, last + 1)).toMatchObject({ voxels: 0 });
  });

  it('flags a run past the end of the tissue as past-the-end', () => {
    const result = t.slice();
    let last = 0;
    for (let k = 0; k < dims[2]; k++) if (t.subarray(k * len, (k + 1) * len).some((v) => v)) last = k;
    const mid = onSlice(t, 14);
    for (let k = last + 1; k < dims[2]; k++) result.set(mid.subarray(14 * len, 15 * len), k * len); // a full section painted where there is only fat
    const js = reviewLabel({ image, drawn, result });
    for (let k = last + 1; k < dims[2]; k++) expect(at(js, k)).toMatchObject({ doubtful: true, reason: 'past-the-end' });
    for (let k = 10; k <= 14; k++) expect(at(js, k)?.doubtful).toBe(false);
  });

  it('flags the slice past an end where the tissue plainly goes on', () => {
    const result = t.slice();
    for (let k = 16; k < dims[2]; k++) result.fill(0, k * len, (k + 1) * len); // stops at slice 15, the tissue goes on to 21
    const js = reviewLabel({ image, drawn, result });
    expect(at(js, 16)).toMatchObject({ voxels: 0, doubtful: true, reason: 'past-the-end' });
  });

  it('flags an area jump where a look-alike neighbour is taken on', () => {
    const two = phantom(dims, spacing, [{ centre: [16, 24, 12], radii: [6, 6, 12], hu: 60, label: 1 }], -100, 8);
    const tissue = binary(two.truth, 1);
    const result = tissue.slice();
    // A look-alike column (same 60 HU) touching it from slice 15 on, painted too.
    for (let k = 15; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++)
        for (let i = 0; i < dims[0]; i++) {
          if ((i - 30) ** 2 + (j - 24) ** 2 > 64) continue;
          two.image.data[k * len + j * dims[0] + i] = 60;
          if (tissue.subarray(k * len, (k + 1) * len).some((v) => v)) result[k * len + j * dims[0] + i] = 1;
        }
    const js = reviewLabel({ image: two.image, drawn: onSlice(tissue, 12), result });
    expect(at(js, 15)).toMatchObject({ doubtful: true, reason: 'area-jump' });
    for (let k = 10; k <= 14; k++) expect(at(js, k)?.doubtful).toBe(false);
  });

  it('returns nothing without a drawing', () => {
    expect(reviewLabel({ image, drawn: new Uint8Array(t.length), result: t })).toEqual([]);
  });
});
