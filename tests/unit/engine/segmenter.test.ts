import { LikelihoodSegmenter } from '../../../extension/src/engine/segmenters/likelihood-segmenter';
import { dice, countOnes } from '../../../extension/src/engine/imaging/morphology';
import { phantom, binary } from '../../support/phantom';
import { sliceImage } from '../../../extension/src/engine/image/slices';

const { image, truth } = phantom(
  [80, 60, 1],
  [1, 1, 1],
  [
    { centre: [25, 30, 0], radii: [12, 15, 5], hu: 60, label: 1 },
    { centre: [62, 30, 0], radii: [9, 9, 5], hu: 60, label: 2 },
  ],
);
const slice = sliceImage(image, 0);
const seg = new LikelihoodSegmenter();

describe('embedded likelihood segmenter', () => {
  it('segments the tissue under a positive point and not its look-alike elsewhere', async () => {
    const prepared = await seg.prepare(slice);
    const res = await prepared.segment({ points: [{ x: 25, y: 30, positive: true }, { x: 5, y: 5, positive: false }] });
    expect(dice(res.mask, binary(truth, 1))).toBeGreaterThan(0.93);
    expect(countOnes(res.mask.map((v, i) => v & (truth.data[i] === 2 ? 1 : 0)))).toBe(0);
    expect(res.quality).toBeGreaterThan(0.5);
  });
  it('takes both tissues when both hold a positive point', async () => {
    const prepared = await seg.prepare(slice);
    const res = await prepared.segment({ points: [{ x: 25, y: 30, positive: true }, { x: 62, y: 30, positive: true }, { x: 45, y: 5, positive: false }] });
    expect(dice(res.mask, Uint8Array.from(truth.data, (v) => (v ? 1 : 0)))).toBeGreaterThan(0.93);
  });
  it('returns an empty mask and zero quality without a positive point', async () => {
    const res = await (await seg.prepare(slice)).segment({ points: [{ x: 5, y: 5, positive: false }] });
    expect(countOnes(res.mask)).toBe(0);
    expect(res.quality).toBe(0);
  });
  it('with a prior mask stays near it: a look-alike far from the prior is left out', async () => {
    const prior = binary(truth, 1);
    const res = await (await seg.prepare(slice)).segment({ points: [{ x: 25, y: 30, positive: true }], priorMask: prior });
    expect(dice(res.mask, prior)).toBeGreaterThan(0.93);
    expect(res.mask[30 * 80 + 62]).toBe(0);
  });
  it('quality is lower when the point lands in the background', async () => {
    const prepared = await seg.prepare(slice);
    const good = await prepared.segment({ points: [{ x: 25, y: 30, positive: true }, { x: 45, y: 50, positive: false }] });
    const bad = await prepared.segment({ points: [{ x: 45, y: 50, positive: true }, { x: 25, y: 30, positive: false }] });
    expect(good.quality).toBeGreaterThan(bad.quality);
  });
});
