import { segmentVolume, CancelledError, InputError, Progress } from '../../../extension/src/engine';
import { dice, countOnes } from '../../../extension/src/engine/imaging/morphology';
import { propagationRuns } from '../../../extension/src/engine/propagation/slice-order';
import { phantom, referenceOnSlice, binary } from '../../support/phantom';

// An "organ" (label 1) over slices 4..16, and right where it ends a denser neighbour starts
// in the same place (slices 18..27): the tool must stop at the organ's end, not paint on.
const { image, truth } = phantom(
  [64, 64, 30],
  [1.5, 1.5, 3],
  [
    { centre: [30, 32, 10], radii: [14, 11, 6.5], hu: 55, label: 1 },
    { centre: [36, 30, 22.5], radii: [12, 12, 4.5], hu: 130, label: 3 },
    { centre: [11, 11, 14], radii: [8, 8, 10], hu: 10, label: 2 },
  ],
  -100,
  12,
);

describe('slice order', () => {
  it('goes outward from one annotation and splits gaps between two at the middle', () => {
    expect(propagationRuns([3], 6)).toEqual([
      { from: 3, slices: [2, 1, 0], mayStop: true },
      { from: 3, slices: [4, 5], mayStop: true },
    ]);
    const runs = propagationRuns([1, 6], 8);
    expect(runs).toContainEqual({ from: 1, slices: [2, 3], mayStop: false });
    expect(runs).toContainEqual({ from: 6, slices: [5, 4], mayStop: false });
    expect(runs).toContainEqual({ from: 6, slices: [7], mayStop: true });
  });
});

describe('segmentVolume on a phantom', () => {
  it('follows the organ from one slice, stops where it ends, never paints the neighbour', async () => {
    const progress: Progress[] = [];
    const res = await segmentVolume({ image, referenceMask: referenceOnSlice(truth, 1, 10) }, { onProgress: (p) => progress.push(p) });
    const pred = binary(res.labels, 1);
    expect(dice(pred, binary(truth, 1))).toBeGreaterThan(0.9);
    const s = 64 * 64;
    for (let k = 18; k < 30; k++) expect(countOnes(pred.subarray(k * s, (k + 1) * s))).toBe(0);
    expect(res.perLabel[0].slices[0]).toBeGreaterThanOrEqual(3);
    expect(res.perLabel[0].slices.at(-1)).toBeLessThanOrEqual(17);
    expect(progress.at(-1)!.fraction).toBeCloseTo(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction);
    expect(res.perLabel[0].sliceConfidence[10]).toBe(1);
  });

  it('segments several labels of one reference mask, each propagated, keeping the user strokes', async () => {
    const ref = referenceOnSlice(truth, 1, 10);
    for (let i = 14 * 64 * 64; i < 15 * 64 * 64; i++) if (truth.data[i] === 2) ref.data[i] = 2;
    const res = await segmentVolume({ image, referenceMask: ref });
    expect(res.perLabel.map((l) => l.label)).toEqual([1, 2]);
    expect(dice(binary(res.labels, 2), binary(truth, 2))).toBeGreaterThan(0.85);
    for (let i = 0; i < ref.data.length; i++) if (ref.data[i]) expect(res.labels.data[i]).toBe(ref.data[i]);
  });

  it('reports slices as they finish and can be cancelled', async () => {
    const seen: number[] = [];
    const signal = { aborted: false };
    const run = segmentVolume(
      { image, referenceMask: referenceOnSlice(truth, 1, 10) },
      {
        signal,
        onSlice: (s) => {
          seen.push(s.k);
          if (seen.length === 3) signal.aborted = true;
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toHaveLength(3);
  });

  it('refuses bad input with messages that say what to do', async () => {
    const empty = { ...truth, data: new Uint8Array(truth.data.length) };
    await expect(segmentVolume({ image, referenceMask: empty })).rejects.toThrow(/empty.*draw/);
    await expect(segmentVolume({ image, referenceMask: referenceOnSlice(truth, 1, 10), labels: [7] })).rejects.toThrow(/label 7 is not in the reference mask \(labels present: 1\)/);
    const shifted = { ...referenceOnSlice(truth, 1, 10), dims: [64, 64, 29] as [number, number, number], data: new Uint8Array(64 * 64 * 29) };
    await expect(segmentVolume({ image, referenceMask: shifted })).rejects.toBeInstanceOf(InputError);
  });
});
