/** The review's pure parts: time left, the strip, the doubtful walk, tissue names, slice RLE. */
import { doubtfulSlices, nextDoubtful } from '../../../extension/src/ohif/review/doubtful';
import { decodeSlice, encodeSlice } from '../../../extension/src/ohif/review/slice-rle';
import { endSlices, stripCells } from '../../../extension/src/ohif/review/strip';
import { labelParts, TimeLeftEstimator } from '../../../extension/src/ohif/review/time-left';
import { describeTissue, suggestTissue, tissueNameProblem } from '../../../extension/src/ohif/review/tissue-names';

/**
 * A run as the engine does it: label 1 from reference slice 12 of 40, down until the tissue
 * ends at slice 5 (its area shrinking), then up until it ends at slice 20; 200 ms per slice
 * after 3 s of start-up. Returns the estimate and the true time left at each slice.
 */
function simulate(): { t: number; estimate?: number; actual: number }[] {
  const depth = 40;
  const est = new TimeLeftEstimator(new Map([[1, { slices: [12], area: 4000 }]]), depth, [1, 1, 1]);
  const order = [...Array.from({ length: 7 }, (_, i) => 11 - i), ...Array.from({ length: 8 }, (_, i) => 13 + i)]; // 11..5, 13..20
  const area = (k: number) => (k < 12 ? 4000 * (k - 4) / 8 : 4000 * (21 - k) / 9);
  const start = 3000;
  // After the last slice: the label's finishing work, a fifth of the series' slice times.
  const end = start + order.length * 200 + 0.2 * depth * 200;
  const out: { t: number; estimate?: number; actual: number }[] = [];
  est.begin(start);
  order.forEach((k, i) => {
    const t = start + (i + 1) * 200;
    est.slice(1, k, area(k), t);
    out.push({ t, estimate: est.secondsLeft(t), actual: (end - t) / 1000 });
  });
  return out;
}

describe('time left', () => {
  it("every estimate shown once 20 % of the run is done is within ±50 % of the truth (or within the panel's 1 s resolution)", () => {
    const points = simulate();
    const total = points[points.length - 1].t;
    // Shown from the third slice on ("estimating…" before).
    const checked = points.filter((p) => p.t >= 0.2 * total && p.actual > 0 && p.estimate !== undefined);
    expect(checked.length).toBe(points.length - 2);
    for (const p of checked) {
      const error = Math.abs(p.estimate! - p.actual);
      expect(error <= 0.5 * p.actual || error <= 1).toBe(true);
    }
  });

  it('is not thrown by slow first slices (code not yet compiled): it goes by the recent gaps', () => {
    const est = new TimeLeftEstimator(new Map([[1, { slices: [0], area: 5000 }]]), 21, [1, 1, 1]);
    est.begin(0);
    // 20 slices above the reference, area steady: the first two take 600 ms, the rest 100 ms.
    const at = [600, 1200, 1300, 1400, 1500, 1600];
    at.forEach((t, i) => est.slice(1, i + 1, 5000, t));
    const left = est.secondsLeft(1600)!;
    expect(left).toBeCloseTo(1.4 + 0.42, 5); // 14 slices left at 100 ms, and the finishing work (a fifth of 21 slices)
  });

  it('a tube that keeps its area (an aorta) is expected to reach the end once it has gone past the size of a ball', () => {
    // Area 100 px at 1 mm: a ball of that size reaches ~6 slices. The tube goes on: from slice 10
    // on, the rest of the 40-slice stretch is expected.
    const est = new TimeLeftEstimator(new Map([[1, { slices: [0], area: 100 }]]), 41, [1, 1, 1]);
    est.begin(0);
    for (let k = 1; k <= 3; k++) est.slice(1, k, 100, k);
    expect(est.slicesLeft()).toBe(3);
    for (let k = 4; k <= 10; k++) est.slice(1, k, 100, k);
    expect(est.slicesLeft()).toBe(30);
  });

  it('says nothing until three slices have come (the first ones are slow)', () => {
    const est = new TimeLeftEstimator(new Map([[1, { slices: [5], area: 100 }]]), 10, [1, 1, 1]);
    est.begin(100);
    expect(est.secondsLeft(150)).toBeUndefined();
    est.slice(1, 4, 100, 900);
    est.slice(1, 3, 100, 1000);
    expect(est.secondsLeft(1000)).toBeUndefined();
    est.slice(1, 2, 100, 1100);
    expect(est.secondsLeft(1100)).toBeGreaterThan(0);
  });

  it('splits a label into the stretches the engine visits: below, gaps between references, above', () => {
    expect(labelParts(1, [3, 7], 10).map((p) => [p.slices, p.mayStop])).toEqual([
      [[2, 1, 0], true],
      [[4, 5], false],
      [[6], false],
      [[8, 9], true],
    ]);
  });
});

describe('strip and doubtful slices', () => {
  const presence = [[], [], [1], [1], [], []];
  const confidence = new Map([[1, Float32Array.from([NaN, 0.6, 0.4, 1, 0.7, NaN])]]);
  const cells = stripCells({ presence, drawnSlices: [3], correctedSlices: [], confidence });

  it('an empty slice is empty however confident the engine was; a slice it never looked at is "not reached"', () => {
    expect(cells.map((c) => c.kind)).toEqual(['empty', 'empty', 'mask', 'reference', 'empty', 'empty']);
    expect(cells[4]).toEqual({ kind: 'empty', looked: true });
    expect(cells[5]).toEqual({ kind: 'empty', looked: false });
  });

  it('the tissue ends next to its last slices; each end is listed once with the doubtful masks', () => {
    expect(endSlices(presence, [1])).toEqual([1, 4]);
    const list = doubtfulSlices(cells, endSlices(presence, [1]));
    expect(list).toEqual([1, 2, 4]);
    expect([nextDoubtful(list, -1), nextDoubtful(list, 0), nextDoubtful(list, 2)]).toEqual([0, 1, 0]);
    expect(nextDoubtful([], -1)).toBeUndefined();
  });
});

describe('tissue names', () => {
  it('suggests a preset from the segment name, whatever its spelling', () => {
    expect(suggestTissue(' Left-Kidney ')).toEqual({ preset: 'left kidney' });
    expect(suggestTissue('Segment 1')).toBeUndefined();
  });

  it('names what cannot be written', () => {
    expect(tissueNameProblem(undefined)).toMatch(/^Name the tissue before exporting/);
    expect(tissueNameProblem({ text: '  ' })).toBe('Type a name for the tissue, or pick one from the list.');
    expect(tissueNameProblem({ text: 'x'.repeat(65) })).toBe('The tissue name is 65 characters long; DICOM allows 64.');
    expect(tissueNameProblem({ text: 'a\\b' })).toMatch(/backslash/);
    expect(tissueNameProblem({ text: 'Tumour bed' })).toBeUndefined();
  });

  it('a preset carries its SNOMED CT codes; free text is a coded "Tissue" with the user\'s label', () => {
    const left = describeTissue(2, { preset: 'left kidney' });
    expect([left.label, left.type.value, left.typeModifier?.meaning, left.algorithmType]).toEqual(['Left kidney', '64033007', 'Left', 'SEMIAUTOMATIC']);
    const free = describeTissue(3, { text: ' Tumour bed ' });
    expect([free.label, free.type.value, free.type.scheme]).toEqual(['Tumour bed', '85756007', 'SCT']);
  });
});

describe('slice RLE (undo history)', () => {
  it('round-trips and stays small for masks', () => {
    const s = new Uint8Array(512 * 512);
    s.fill(3, 1000, 50000);
    const rle = encodeSlice(s);
    expect(rle.runs.length).toBe(6);
    expect(Buffer.from(decodeSlice(rle)).equals(Buffer.from(s))).toBe(true);
  });
});
