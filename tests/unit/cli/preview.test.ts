/** The preview renderer: which slices, reading orientation, outline colours, reference frame, CT window. */
import { renderPreview, LABEL_COLOURS } from '../../../cli/preview/render-preview';
import { previewSlices } from '../../../cli/preview/choose-slices';
import { previewWindow, CT_WINDOW } from '../../../cli/preview/window';
import { sliceView } from '../../../cli/preview/slice-view';
import { ImageVolume, LabelVolume, Mat3 } from '../../../extension/src/engine/image/types';

const I: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('slices shown', () => {
  it('spreads through the painted range and adds the reference slices', () => {
    const painted = Array.from({ length: 41 }, (_, i) => i + 10); // 10..50
    expect(previewSlices(painted, [{ k: 33, voxels: 500 }])).toEqual([15, 25, 33, 35, 45]);
  });
  it('keeps the largest two reference slices and never repeats a slice', () => {
    expect(previewSlices([4, 5, 6], [{ k: 5, voxels: 10 }, { k: 9, voxels: 30 }, { k: 2, voxels: 20 }])).toEqual([2, 4, 5, 6, 9]);
    expect(previewSlices([], [])).toEqual([]);
  });
});

describe('orientation', () => {
  it('shows an LPS axial slice as stored (left on the right, posterior down) and mirrors flipped axes', () => {
    const geom = { dims: [4, 2, 1] as [number, number, number], spacing: [1, 1, 1] as [number, number, number] };
    const plain = sliceView({ ...geom, direction: I }, 4);
    expect(plain.source(0.01, 0.01).map(Math.round)).toEqual([0, 0]);
    const flipped = sliceView({ ...geom, direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] }, 4); // a RAS-stored NIfTI
    const [i, j] = flipped.source(0, 0);
    expect(Math.round(i)).toBe(3);
    expect(Math.round(j)).toBe(1);
  });
  it('keeps the feet at the bottom of a coronal slice whose rows run head-wards', () => {
    // rows along +x, columns along +z (superior): the tile must turn the columns upside down.
    const v = sliceView({ dims: [2, 4, 1], spacing: [1, 1, 1], direction: [1, 0, 0, 0, 0, 1, 0, 1, 0] }, 4);
    expect(Math.round(v.source(0, 0)[1])).toBe(3); // top of the tile = the most superior row
  });
  it('draws in physical proportions', () => {
    const v = sliceView({ dims: [100, 100, 1], spacing: [1, 2, 1], direction: I }, 200);
    expect([v.width, v.height]).toEqual([100, 200]);
  });
});

describe('window', () => {
  it('uses the soft-tissue window for CT and percentiles otherwise', () => {
    const data = Float32Array.from({ length: 1000 }, (_, i) => i);
    expect(previewWindow({ modality: 'CT', data, dims: [10, 10, 10] }, [0])).toEqual(CT_WINDOW);
    const [lo, hi] = previewWindow({ modality: 'MR', data, dims: [10, 10, 10] }, [5]);
    expect(lo).toBe(501);
    expect(hi).toBe(599);
  });
});

describe('picture', () => {
  it('outlines each label in its colour and frames the reference tile', () => {
    const dims: [number, number, number] = [20, 20, 3];
    const n = 20 * 20 * 3;
    const image: ImageVolume = { dims, spacing: [1, 1, 1], origin: [0, 0, 0], direction: I, data: new Float32Array(n).fill(40), channels: 1, modality: 'CT' };
    const data = new Uint8Array(n);
    for (let k = 0; k < 3; k++) for (let j = 5; j < 15; j++) for (let i = 5; i < 15; i++) data[(k * 20 + j) * 20 + i] = k === 1 ? 9 : 2;
    const labels: LabelVolume = { ...image, data };
    const p = renderPreview({ image, labels, references: [{ k: 1, voxels: 100 }], tileSize: 100 });
    expect(p.slices).toEqual([0, 1, 2]);
    const colours = new Set<string>();
    for (let i = 0; i < p.width * p.height; i++) colours.add(`${p.rgb[3 * i]},${p.rgb[3 * i + 1]},${p.rgb[3 * i + 2]}`);
    expect(colours).toContain(LABEL_COLOURS[0].join(',')); // label 2, the first present
    expect(colours).toContain(LABEL_COLOURS[1].join(',')); // label 9
    expect(colours).toContain('255,230,0'); // reference frame
    // Inside the square (away from its edge) the image shows through: level 40 HU is mid-grey.
    const tileX = 12 + 100 + 12; // second tile
    const o = (12 + 50) * p.width + tileX + 50;
    expect([p.rgb[3 * o], p.rgb[3 * o + 1], p.rgb[3 * o + 2]]).toEqual([128, 128, 128]);
  });
  it('shows a colour picture (endoscopy) in its own colours', () => {
    const dims: [number, number, number] = [10, 10, 1];
    const data = new Float32Array(10 * 10 * 3);
    for (let i = 0; i < 100; i++) data.set([200, 40, 90], 3 * i);
    const image: ImageVolume = { dims, spacing: [1, 1, 1], origin: [0, 0, 0], direction: I, data, channels: 3, modality: 'RGB' };
    const p = renderPreview({ image, labels: { ...image, data: new Uint8Array(100) }, references: [], tileSize: 50 });
    const o = (12 + 25) * p.width + 12 + 25;
    expect([p.rgb[3 * o], p.rgb[3 * o + 1], p.rgb[3 * o + 2]]).toEqual([200, 40, 90]);
  });
});
