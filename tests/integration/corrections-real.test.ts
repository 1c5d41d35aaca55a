/**
 * Annotated slices as hard constraints, on a real CT (ct-abdomen-3mm, the spleen): drawn
 * slices come out voxel for voxel, emptied slices empty (and nothing past an outermost one),
 * and a correction changes nothing beyond its neighbouring annotated slices, byte for byte.
 */
import { loadImage, loadLabelMap } from '../../cli/io';
import { segmentVolume, ImageVolume, LabelVolume } from '../../extension/src/engine';
import { describeWithData } from '../support/jest-data';

const SPLEEN = 1;

describeWithData(['ct-abdomen-3mm/ct.nii.gz', 'ct-abdomen-3mm/labels.nii.gz'], 'corrections on ct-abdomen-3mm', ([ctPath, labelsPath]) => {
  let image: ImageVolume;
  let truth: Uint8Array;
  let geometry: LabelVolume;
  let sl: number;
  let extent: number[];
  beforeAll(async () => {
    image = (await loadImage(ctPath)).image;
    geometry = await loadLabelMap(labelsPath);
    truth = Uint8Array.from(geometry.data, (v) => (v === SPLEEN ? 1 : 0));
    sl = image.dims[0] * image.dims[1];
    extent = [];
    for (let k = 0; k < image.dims[2]; k++) if (truth.subarray(k * sl, (k + 1) * sl).some((v) => v)) extent.push(k);
  });

  /** The spleen segmented with its true mask on `drawn` and the label emptied on `emptied`. */
  async function run(drawn: number[], emptied: number[] = []): Promise<Uint8Array> {
    const ref = new Uint8Array(truth.length);
    for (const k of drawn) ref.set(truth.subarray(k * sl, (k + 1) * sl), k * sl);
    const res = await segmentVolume({ image, referenceMask: { ...geometry, data: ref }, annotatedSlices: [...drawn, ...emptied] });
    return Uint8Array.from(res.labels.data, (v) => (v === 1 ? 1 : 0));
  }
  const slice = (m: Uint8Array, k: number) => m.subarray(k * sl, (k + 1) * sl);
  const painted = (m: Uint8Array) => [...Array(image.dims[2]).keys()].filter((k) => slice(m, k).some((v) => v));

  it('keeps every drawn slice exactly, every emptied slice empty, and paints nothing past an outermost emptied slice', async () => {
    const [first, last] = [extent[0], extent[extent.length - 1]];
    const a = first + Math.round(0.3 * (last - first));
    const b = first + Math.round(0.7 * (last - first));
    const e = last - 1; // the user says the spleen ends before its true last slice
    const out = await run([a, b], [e]);
    for (const k of [a, b]) expect(Buffer.compare(Buffer.from(slice(out, k)), Buffer.from(slice(truth, k)))).toBe(0);
    expect(painted(out).filter((k) => k >= e)).toEqual([]);
    expect(painted(out)).toContain(e - 1);
  });

  it('changes nothing beyond the neighbouring annotated slices of a correction, byte for byte', async () => {
    const [first, last] = [extent[0], extent[extent.length - 1]];
    const a = first + Math.round(0.3 * (last - first));
    const b = first + Math.round(0.7 * (last - first));
    const before = await run([a, b]);
    // A drawn correction between a and b, and an emptied one past b.
    const mid = Math.round((a + b) / 2);
    const between = await run([a, b, mid]);
    expect(Buffer.compare(Buffer.from(before.subarray(0, (a + 1) * sl)), Buffer.from(between.subarray(0, (a + 1) * sl)))).toBe(0);
    expect(Buffer.compare(Buffer.from(before.subarray(b * sl)), Buffer.from(between.subarray(b * sl)))).toBe(0);
    expect(Buffer.compare(Buffer.from(slice(between, mid)), Buffer.from(slice(truth, mid)))).toBe(0);
    const beyond = await run([a, b], [last - 1]);
    expect(Buffer.compare(Buffer.from(before.subarray(0, (b + 1) * sl)), Buffer.from(beyond.subarray(0, (b + 1) * sl)))).toBe(0);
    expect(painted(beyond).filter((k) => k >= last - 1)).toEqual([]);
  });
});
