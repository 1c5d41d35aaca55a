import { ResultWriter } from '../../../extension/src/ohif/controller/result-writer';
import type { ResultLabelmap } from '../../../extension/src/ohif/controller/viewer-host';
import { decodeSlice } from '../../../extension/src/ohif/review/slice-rle';

const LEN = 16;
const D = 12;

function labelmap(): ResultLabelmap & { volume: Uint8Array; batches: number[] } {
  const volume = new Uint8Array(LEN * D);
  const batches: number[] = [];
  return {
    volume,
    batches,
    segmentationId: 'result',
    writeSlices(slices) {
      batches.push(slices.size);
      for (const [k, s] of slices) volume.set(s, k * LEN);
    },
    announce() {},
    readSlice: (k) => volume.slice(k * LEN, (k + 1) * LEN),
    exists: () => true,
    setSegment() {},
    segmentColor: () => undefined,
    remove() {},
  };
}

const forEachSlice = async (n: number, step: (k: number) => void) => { for (let k = 0; k < n; k++) step(k); };

describe('the result writer', () => {
  it('writes streamed slices a few per frame, however many came in while the viewer was busy', () => {
    const lm = labelmap();
    const frames: (() => void)[] = [];
    const w = new ResultWriter(lm, new Uint8Array(LEN * D), LEN, new Set(), (fn) => frames.push(fn));
    for (let k = 0; k < 10; k++) w.stream(k, 1, new Uint8Array(LEN).fill(1));
    while (frames.length) frames.shift()!();
    expect(lm.batches).toEqual([2, 2, 2, 2, 2]);
    expect([...lm.volume].every((v, i) => (i < 10 * LEN ? v === 1 : v === 0))).toBe(true);
  });

  it('records the changes finish() made, slice by slice, as changes() computes them', async () => {
    const lm = labelmap();
    const w = new ResultWriter(lm, new Uint8Array(LEN * D), LEN, new Set(), (fn) => fn());
    w.stream(3, 2, new Uint8Array(LEN).fill(1));
    const final = new Uint8Array(LEN * D);
    final.fill(2, 3 * LEN, 4 * LEN - 5); // slice 3 trimmed
    final.fill(2, 7 * LEN, 8 * LEN); // slice 7 new
    await w.finish(final, forEachSlice);
    const { before, after } = w.changes();
    expect([...before.keys()].sort()).toEqual([3, 7]);
    expect(decodeSlice(after.get(3)!)).toEqual(final.subarray(3 * LEN, 4 * LEN));
    expect(decodeSlice(after.get(7)!)).toEqual(final.subarray(7 * LEN, 8 * LEN));
    expect(lm.volume).toEqual(final);
  });
});
