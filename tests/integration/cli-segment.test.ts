import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSat } from '../support/run-cli';
import { labelDice } from '../../extension/src/engine/imaging/morphology';
import { describeWithData } from '../support/jest-data';
import { copyWithValidUids } from '../support/uid-copy';
import { loadImage, loadLabelMap, saveLabelMap } from '../../cli/io';
import { writeNifti } from '../../extension/src/formats/nifti';
import { LabelVolume, Mat3 } from '../../extension/src/engine/image/types';
import { voxelToWorld } from '../../extension/src/engine/image/geometry';

const dice = labelDice;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const leftovers = () => fs.readdirSync(tmp).filter((f) => f.includes('partial') || f.startsWith('out'));

describeWithData(['ct-abdomen-3mm/ct.nii.gz', 'ct-abdomen-3mm/labels.nii.gz'], 'sat segment on ct-abdomen-3mm', ([ct, labelsPath]) => {
  let labels: LabelVolume;
  let refPath: string;
  beforeAll(async () => {
    labels = await loadLabelMap(labelsPath);
    const sl = 122 * 101;
    const ref = new Uint8Array(labels.data.length);
    for (let i = 24 * sl; i < 25 * sl; i++) if (labels.data[i] === 5) ref[i] = 5; // liver, largest slice
    for (let i = 8 * sl; i < 9 * sl; i++) if (labels.data[i] === 2) ref[i] = 2; // right kidney, largest slice
    refPath = path.join(tmp, 'ref.nii.gz');
    saveLabelMap(refPath, { ...labels, data: ref });
  });

  it('segments liver and right kidney through the volume from one slice each', async () => {
    const out = path.join(tmp, 'pred.nii.gz');
    const r = await runSat(['segment', '--image', ct, '--reference-mask', refPath, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.labels.map((l: { label: number }) => l.label)).toEqual([2, 5]);
    const pred = await loadLabelMap(out);
    expect(dice(pred.data, labels.data, 5)).toBeGreaterThan(0.88);
    expect(dice(pred.data, labels.data, 2)).toBeGreaterThan(0.85);
    // the right kidney ends at slice 18: nothing painted beyond
    const kidney = summary.labels.find((l: { label: number }) => l.label === 2);
    expect(kidney.lastSlice).toBeLessThanOrEqual(19);
    expect(kidney.voxels).toBeGreaterThan(3000);
  });

  it('segments only the --label asked for', async () => {
    const out = path.join(tmp, 'liver.nii');
    const r = await runSat(['segment', '--image', ct, '--reference-mask', refPath, '--label', '5', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/label 5: \d+ voxels, 30 slices/);
    const pred = await loadLabelMap(out);
    expect(pred.data.some((v) => v === 2)).toBe(false);
  });

  it('matches a mask stored on another grid through its affine', async () => {
    // the same reference, stored with the rows reversed (a different but equivalent affine)
    const ref = await loadLabelMap(refPath);
    const [w, h, d] = ref.dims;
    const flipped = new Uint8Array(ref.data.length);
    for (let k = 0; k < d; k++) for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) flipped[(k * h + (h - 1 - j)) * w + i] = ref.data[(k * h + j) * w + i];
    const origin = voxelToWorld(ref, 0, h - 1, 0);
    const dir = ref.direction;
    const direction: Mat3 = [dir[0], -dir[1], dir[2], dir[3], -dir[4], dir[5], dir[6], -dir[7], dir[8]];
    const p = path.join(tmp, 'ref-flipped.nii.gz');
    fs.writeFileSync(p, writeNifti({ ...ref, origin, direction, data: flipped }, true));
    const out = path.join(tmp, 'pred-flipped.nii.gz');
    const r = await runSat(['segment', '--image', ct, '--reference-mask', p, '--label', '5', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(dice((await loadLabelMap(out)).data, labels.data, 5)).toBeGreaterThan(0.88);
  });

  it('a whole label map as the reference: says how many slices it used and that only slices beyond were segmented', async () => {
    const full = path.join(tmp, 'kidney-full.nii.gz');
    saveLabelMap(full, { ...labels, data: Uint8Array.from(labels.data, (v) => (v === 2 ? 2 : 0)) });
    const r = await runSat(['segment', '--image', ct, '--reference-mask', full, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.reference).toEqual([{ label: 2, slices: 19, firstSlice: 0, lastSlice: 18 }]);
    const text = await runSat(['segment', '--image', ct, '--reference-mask', full]);
    expect(text.stdout).toMatch(/reference: label 2 on 19 slices \(0–18\) used as given, every slice of its range: only slices beyond its ends were segmented/);
  });

  describe('bad input: exit 2, one clear line, no output file', () => {
    const cases: [string, () => string[], RegExp][] = [
      ['missing image', () => ['--image', path.join(tmp, 'nope.nii.gz'), '--reference-mask', refPath], /image .*nope.nii.gz does not exist/],
      ['missing mask', () => ['--image', ct, '--reference-mask', path.join(tmp, 'none.nii.gz')], /mask .*none.nii.gz does not exist/],
      ['unreadable image', () => ['--image', writeJunk('junk.nii.gz'), '--reference-mask', refPath], /junk.nii.gz is not a readable gzip file/],
      ['label not present', () => ['--image', ct, '--reference-mask', refPath, '--label', '7'], /label 7 is not in the reference mask \(labels present: 2, 5\)/],
      ['empty reference', () => ['--image', ct, '--reference-mask', writeEmpty()], /reference mask is empty/],
      ['mask off the image', () => ['--image', ct, '--reference-mask', writeFar()], /does not overlap the image/],
      ['reference on every slice', () => ['--image', ct, '--reference-mask', writeEverySlice()], /annotates every slice of the series \(label 1 on 30 slices \(0–29\)\): nothing is left to segment.*sat reference/],
      ['unknown output type', () => ['--image', ct, '--reference-mask', refPath], /unknown output type/],
      ['unknown option', () => ['--image', ct, '--reference-mask', refPath, '--lable', '5'], /unknown option --lable/],
    ];
    it.each(cases)('%s', async (name, args, message) => {
      const out = path.join(tmp, name === 'unknown output type' ? 'out.tiff' : 'out.nii.gz');
      const r = await runSat(['segment', ...args(), '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
      expect(leftovers()).toEqual([]);
    });
    function writeJunk(name: string): string {
      const p = path.join(tmp, name);
      fs.writeFileSync(p, Buffer.from([0x1f, 0x8b, 8, 0, 9, 9, 9, 9]));
      return p;
    }
    function writeEmpty(): string {
      const p = path.join(tmp, 'empty.nii.gz');
      saveLabelMap(p, { ...labels, data: new Uint8Array(labels.data.length) });
      return p;
    }
    function writeEverySlice(): string {
      const p = path.join(tmp, 'every-slice.nii.gz');
      const [w, h, d] = labels.dims;
      const data = new Uint8Array(labels.data.length);
      for (let k = 0; k < d; k++) for (let y = 40; y < 50; y++) for (let x = 40; x < 50; x++) data[k * w * h + y * w + x] = 1;
      saveLabelMap(p, { ...labels, data });
      return p;
    }
    function writeFar(): string {
      const p = path.join(tmp, 'far.nii.gz');
      saveLabelMap(p, { ...labels, origin: [9000, 9000, 9000], data: Uint8Array.from(labels.data, (v) => (v === 5 ? 5 : 0)) });
      return p;
    }
  });
});

describeWithData(['cxr-lung-dev/1.jpg', 'cxr-lung-dev/2.jpg'], 'sat segment one-shot on 2D images', ([one, two]) => {
  it('segments the lungs of one X-ray from the other and writes a PNG label map', async () => {
    const out = path.join(tmp, 'lungs.png');
    const r = await runSat(['segment', '--image', two, '--reference-image', one, '--reference-mask', one.replace('1.jpg', '1-mask.png'), '--out', out]);
    expect(r.code).toBe(0);
    const pred = await loadLabelMap(out);
    const truth = await loadLabelMap(two.replace('2.jpg', '2-mask.png'));
    expect(pred.dims).toEqual(truth.dims);
    expect(dice(pred.data, truth.data, 1)).toBeGreaterThan(0.8);
    expect((await loadImage(two)).image.dims).toEqual(pred.dims);
  });
  it('refuses a 2D target without a reference image', async () => {
    const r = await runSat(['segment', '--image', two, '--reference-mask', one.replace('1.jpg', '1-mask.png')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give another annotated image with --reference-image/);
  });
});

describeWithData(['ct-abdomen-3mm/ct.nii.gz', 'ct-abdomen-3mm/labels.nii.gz', 'ct-abdomen-dicom/series', 'ct-abdomen-dicom/labels.nii.gz'], 'sat segment across studies', ([ct3, lab3, series, labDicom]) => {
  it('finds and segments the liver of one patient from a slice annotated in another', async () => {
    const out = path.join(tmp, 'cross-liver.nii.gz');
    const r = await runSat(['segment', '--image', series, '--reference-image', ct3, '--reference-mask', lab3, '--label', '5', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const img = (await loadImage(series)).image;
    const { resampleLabelsToGrid } = await import('../../cli/io');
    const truth = resampleLabelsToGrid(await loadLabelMap(labDicom), img);
    expect(dice((await loadLabelMap(out)).data, truth.data, 5)).toBeGreaterThan(0.85);
  });
});

describeWithData(['ct-abdomen-dicom/series', 'ct-abdomen-dicom/labels.nii.gz'], 'a series whose UIDs an anonymiser blanked', ([series, labelsPath]) => {
  it('sat segment --out x.dcm refuses before the run and names the import command; that command makes a copy sat to-seg accepts', async () => {
    const here = fs.mkdtempSync(path.join(tmp, 'uids-'));
    const out = path.join(here, 'x.dcm');
    const r = await runSat(['segment', '--image', series, '--reference-mask', labelsPath, '--out', out], { cwd: here });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no Study Instance UID and no Series Instance UID .*must reference them/);
    const command = /npm run import -- "([^"]+)" --fill-uids --copy-to "([^"]+)" --no-store/.exec(r.stderr);
    expect(command).not.toBeNull();
    expect(command![1]).toBe(path.resolve(series));
    expect(command![2]).toBe(path.join(fs.realpathSync(here), 'series-with-uids'));
    expect(fs.readdirSync(here)).toEqual([]);
    copyWithValidUids(command![1], command![2]);
    const seg = path.join(here, 'labels.dcm');
    const t = await runSat(['to-seg', '--series', command![2], '--labels', labelsPath, '--out', seg, '--segments', 'totalsegmentator']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
  });
});
