import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeBinarySeg, readSeg, describeFromPreset, genericTissue, SegmentDescription } from '../../../extension/src/dicom-seg';
import { syntheticSeries } from '../../support/synthetic-series';
import { dciodvfy } from '../../support/dicom3tools';
import { canCheckWith, itWithTools, python } from '../../support/tools';
import { LabelVolume } from '../../../extension/src/engine/image/types';

const W = 63, H = 65, D = 7; // frames whose size is not a multiple of 8 bits
const { instances, grid } = syntheticSeries(W, H, D);
function labelMap(): LabelVolume {
  const data = new Uint8Array(W * H * D);
  for (let k = 1; k < 6; k++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        if ((x - 30) ** 2 + (y - 30) ** 2 < (8 + k) ** 2) data[(k * H + y) * W + x] = 5;
        else if (k > 2 && x > 50 && y > 3 * k) data[(k * H + y) * W + x] = 2;
      }
  return { ...grid, data };
}
const segments: SegmentDescription[] = [describeFromPreset(2, 'right kidney')!, describeFromPreset(5, 'liver')!];
const fixed = { uids: { series: '2.25.1', instance: '2.25.2' }, now: new Date(2025, 0, 2, 3, 4, 5) };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-seg-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('binary SEG writer', () => {
  const labels = labelMap();
  const out = writeBinarySeg({ source: instances, labels, segments, ...fixed });

  it('writes only non-empty frames, segment by segment along the slice normal', () => {
    // liver on slices 1..5, kidney on 3..5
    expect(out.frames).toBe(5 + 3);
    expect(out.warnings).toEqual([]);
  });

  it('reads back exactly, on the source grid and on its own frame geometry', () => {
    for (const src of [instances, undefined]) {
      const back = readSeg(out.bytes, src);
      expect(back.segments.map((s) => s.label)).toEqual(['Right kidney', 'Liver']);
      const k0 = src ? 0 : 1; // without the source, the grid starts at the first frame
      for (const [si, value] of [[0, 2], [1, 5]]) {
        const m = back.segments[si].mask;
        let mismatches = 0;
        for (let k = 0; k < back.grid.dims[2]; k++)
          for (let i = 0; i < W * H; i++) if (m[k * W * H + i] !== (labels.data[(k + k0) * W * H + i] === value ? 1 : 0)) mismatches++;
        expect(mismatches).toBe(0);
        expect(back.segments[si].voxels).toBeGreaterThan(100);
      }
    }
  });

  it('gives the same bytes whatever the order of the source instances', () => {
    const reversed = writeBinarySeg({ source: [...instances].reverse(), labels, segments, ...fixed });
    const shuffled = writeBinarySeg({ source: [instances[3], instances[0], instances[6], instances[1], instances[5], instances[2], instances[4]], labels, segments, ...fixed });
    // With the UIDs and time fixed, the bytes themselves are identical; the decoded masks too.
    for (const other of [reversed, shuffled]) {
      expect(Buffer.from(other.bytes).equals(Buffer.from(out.bytes))).toBe(true);
      const a = readSeg(out.bytes, instances);
      const b = readSeg(other.bytes, instances);
      expect(b.segments.map((s) => s.voxels)).toEqual(a.segments.map((s) => s.voxels));
      b.segments.forEach((s, i) => expect(Buffer.from(s.mask).equals(Buffer.from(a.segments[i].mask))).toBe(true));
      expect(other.bytes.length).toBe(out.bytes.length);
    }
  });

  itWithTools(['pydicom', 'numpy'], 'pydicom reads the same masks, per-frame references and codes', () => {
    const file = path.join(tmp, 'seg.dcm');
    fs.writeFileSync(file, out.bytes);
    const r = python(
      `import sys, json, pydicom, numpy as np
ds = pydicom.dcmread(sys.argv[1])
px = ds.pixel_array.reshape(int(ds.NumberOfFrames), ds.Rows, ds.Columns)
res = []
for i, f in enumerate(ds.PerFrameFunctionalGroupsSequence):
    res.append([int(f.SegmentIdentificationSequence[0].ReferencedSegmentNumber), f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID, int(px[i].sum()), [float(v) for v in f.PlanePositionSequence[0].ImagePositionPatient]])
print(json.dumps({"tsx": ds.file_meta.TransferSyntaxUID, "codes": [[s.SegmentedPropertyTypeCodeSequence[0].CodingSchemeDesignator, s.SegmentedPropertyTypeCodeSequence[0].CodeValue] for s in ds.SegmentSequence], "frames": res}))`,
      [file],
    );
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.tsx).toBe('1.2.840.10008.1.2.1');
    expect(j.codes).toEqual([['SCT', '64033007'], ['SCT', '10200004']]);
    for (const [segment, uid, sum, pos] of j.frames) {
      const k = instances.findIndex((s) => s.sopInstanceUID === uid);
      expect(pos).toEqual(instances[k].imagePositionPatient);
      let expected = 0;
      for (let i = 0; i < W * H; i++) if (labels.data[k * W * H + i] === (segment === 1 ? 2 : 5)) expected++;
      expect(sum).toBe(expected);
    }
  });

  itWithTools(['dicom3tools'], 'passes dciodvfy -new without errors or warnings', () => {
    const file = path.join(tmp, 'seg-v.dcm');
    fs.writeFileSync(file, out.bytes);
    const r = dciodvfy(file);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});

describe('binary SEG writer with per-segment masks', () => {
  it('writes overlapping masks, says so, and reads both back', () => {
    const n = W * H * D;
    const a = new Uint8Array(n);
    const b = new Uint8Array(n);
    for (let k = 2; k < 5; k++)
      for (let y = 10; y < 40; y++)
        for (let x = 10; x < 40; x++) {
          a[(k * H + y) * W + x] = 1;
          if (x > 30) b[(k * H + y) * W + x + 5] = 1; // x 36..44: overlaps a on 36..39
        }
    const segs = [describeFromPreset(1, 'liver')!, describeFromPreset(2, 'lesion')!];
    const out = writeBinarySeg({ source: instances, masks: { grid, byLabel: new Map([[1, a], [2, b]]) }, segments: segs, ...fixed });
    const back = readSeg(out.bytes, instances);
    expect(Buffer.from(back.segments[0].mask).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(back.segments[1].mask).equals(Buffer.from(b))).toBe(true);
    const file = path.join(tmp, 'overlap.dcm');
    fs.writeFileSync(file, out.bytes);
    if (canCheckWith(['pydicom'], 'pydicom read-back of the overlapping SEG')) {
      const r = python('import sys, pydicom; print(pydicom.dcmread(sys.argv[1]).SegmentsOverlap)', [file]);
      expect(r.stdout.trim()).toBe('YES');
    }
    if (canCheckWith(['dicom3tools'], 'dciodvfy on the overlapping SEG')) expect(dciodvfy(file).errors).toEqual([]);
  });
  it('refuses a mask of the wrong size and a mask without description', () => {
    const segs = [describeFromPreset(1, 'liver')!];
    expect(() => writeBinarySeg({ source: instances, masks: { grid, byLabel: new Map([[1, new Uint8Array(10)]]) }, segments: segs })).toThrow(/has 10 voxels; the series grid has/);
    expect(() => writeBinarySeg({ source: instances, masks: { grid, byLabel: new Map([[1, new Uint8Array(W * H * D)], [3, new Uint8Array(W * H * D)]]) }, segments: segs })).toThrow(/label\(s\) 3 have no segment description/);
  });
});

describe('binary SEG writer refuses bad input with a reason', () => {
  const labels = labelMap();
  it('images from several series', () => {
    const other = syntheticSeries(W, H, D, { seriesUID: '1.2.3.999' }).instances;
    expect(() => writeBinarySeg({ source: [...instances.slice(0, 4), ...other.slice(4)], labels, segments })).toThrow(/come from 2 series/);
  });
  it('geometry that does not match', () => {
    const moved = syntheticSeries(W, H, D, { origin: [-100.25, -80.5, 31.5] }).instances;
    expect(() => writeBinarySeg({ source: moved, labels, segments })).toThrow(/slice 1 of the mask .* matches no source image/);
    expect(() => writeBinarySeg({ source: instances.slice(1), labels, segments })).toThrow(/7 slices but the source series has 6 images/);
  });
  it('a label with no description', () => {
    expect(() => writeBinarySeg({ source: instances, labels, segments: [segments[1]] })).toThrow(/label\(s\) 2 have no segment description/);
  });
  it('more than 65535 segments', () => {
    const many = Array.from({ length: 65536 }, (_, i) => genericTissue(i + 1));
    expect(() => writeBinarySeg({ source: instances, labels, segments: many })).toThrow(/at most 65535/);
  });
  it('a mask of the wrong shape', () => {
    const small = { ...labels, dims: [W - 1, H, D] as [number, number, number], data: new Uint8Array((W - 1) * H * D) };
    expect(() => writeBinarySeg({ source: instances, labels: small, segments })).toThrow(/62×65 pixels per slice but the source images are 63×65/);
  });
  it('the retired SRT scheme and automatic segments without an algorithm', () => {
    expect(() => writeBinarySeg({ source: instances, labels, segments: [segments[0], { ...segments[1], type: { value: 'T-62000', scheme: 'SRT', meaning: 'Liver' } }] })).toThrow(/retired SRT/);
    expect(() => writeBinarySeg({ source: instances, labels, segments: [segments[0], { ...segments[1], algorithmType: 'AUTOMATIC', algorithmName: undefined }] })).toThrow(/names no algorithm/);
  });
  it('an empty label map', () => {
    expect(() => writeBinarySeg({ source: instances, labels: { ...labels, data: new Uint8Array(W * H * D) }, segments })).toThrow(/nothing to write/);
  });
});
