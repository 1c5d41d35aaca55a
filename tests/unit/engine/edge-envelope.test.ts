import { edgeEnvelope, keepWithinReach } from '../../../extension/src/engine/propagation/edge-envelope';

describe('edge envelope', () => {
  it('holds the edge to one slice when slices are as thick as the pixels', () => {
    const e = edgeEnvelope(3, 3, 1.5, 2);
    expect(e.slices).toBe(1);
    expect(e.perSliceMm).toBeCloseTo(6.5);
  });

  it('on slices thinner than the pixels allows a pixel and a half per slice but the physical slope over the slices spanning a pixel', () => {
    const e = edgeEnvelope(3, 0.5, 1.5, 2);
    expect(e.perSliceMm).toBeCloseTo(4.5);
    expect(e.slices).toBe(6);
    // the same ground as one 3 mm slice: six thin slices may not take 6 × 4.5 mm
    expect(e.stretchMm).toBeCloseTo(edgeEnvelope(3, 3, 1.5, 2).perSliceMm);
    expect(edgeEnvelope(3, 1, 1.5, 2).slices).toBe(3);
    expect(edgeEnvelope(3, 1.2, 1.5, 2).slices).toBe(3);
  });

  it('removes what lies beyond the reach of the earlier mask and keeps what lies within', () => {
    const w = 20;
    const h = 5;
    const earlier = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x <= 4; x++) earlier[y * w + x] = 1;
    const mask = new Uint8Array(w * h).fill(1);
    // 3 mm pixels, reach 6.5 mm: columns 5 and 6 (3 and 6 mm away) stay, column 7 (9 mm) goes
    const removed = keepWithinReach(mask, earlier, w, h, [3, 3], 6.5);
    expect(removed).toBe(h * (w - 7));
    for (let y = 0; y < h; y++) {
      expect(mask[y * w + 6]).toBe(1);
      expect(mask[y * w + 7]).toBe(0);
    }
  });
});
