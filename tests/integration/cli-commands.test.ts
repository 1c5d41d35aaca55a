/**
 * The command line itself: strict options (node:util parseArgs), --version, -h, complete help
 * for every command, `sat reference` (geometry kept byte for byte) and `segment --preview`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { runSat } from '../support/run-cli';
import { commands } from '../../cli/commands';
import { phantom } from '../support/phantom';
import { writeNifti, readNifti, niftiToLabels } from '../../extension/src/formats/nifti';
import { decodePng } from '../../extension/src/formats/png';
import { describeWithData } from '../support/jest-data';
import { loadLabelMap } from '../../cli/io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-commands-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const oneLine = (s: string) => s.trim().split('\n').filter((l) => !/^\(node:\d+\)|^\(Use `node/.test(l));

describe('options', () => {
  it('sat --version prints the version', async () => {
    const r = await runSat(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`sat ${pkg.version}\n`);
  });
  it.each([
    [['segment', '--lable', '5'], /^sat segment: unknown option --lable \(did you mean --label\?\)\. Run `sat help segment` for the options\.$/],
    [['segment', '-x'], /^sat segment: unknown option -x\. Run `sat help segment` for the options\.$/],
    [['segment', '--out'], /^sat segment: --out needs a value\.$/],
    [['segment', '--out', '--json'], /^sat segment: --out needs a value, but the next argument is "--json"; write --out=--json if that really is the value\.$/],
    [['segment', '--json=yes'], /^sat segment: --json takes no value \(given "yes"\)\.$/],
    [['segment', '--out', 'a.nii.gz', '--out', 'b.nii.gz'], /^sat segment: --out was given 2 times; give it once\.$/],
    [['segment', 'stray'], /^sat segment: unexpected argument 'stray'\./],
    [['frobnicate'], /^sat: unknown command 'frobnicate'\. Run `sat help` for the list\.$/],
    [['help', 'frobnicate'], /^sat help: unknown command 'frobnicate'; the commands are segment, reference, to-seg, from-seg, models, demo\.$/],
    [['reference', '--labels', 'x.nii.gz', '--label', '5', '--slice', '3', '--largest', '--out', 'r.nii.gz'], /^sat reference: give --slice Z or --largest, not both\.$/],
  ])('%j is refused in one line', async (args, message) => {
    const r = await runSat(args);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(oneLine(r.stderr)[0]).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('help', () => {
  it('sat help lists every command', async () => {
    const r = await runSat(['help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(`  ${c.name} `);
    expect(r.stdout).toMatch(/sat --version/);
  });
  it.each(commands.map((c) => [c.name]))('sat help %s explains every option it takes, and -h prints the same', async (name) => {
    const c = commands.find((x) => x.name === name)!;
    const r = await runSat(['help', name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(c.usage + '\n');
    expect(r.stdout).toMatch(/^Usage: sat /);
    for (const option of Object.keys(c.options)) expect(r.stdout).toMatch(new RegExp(`\\n\\s+(-\\w, )?--${option}\\b`));
    expect(r.stdout).toMatch(/-h, --help\s+show this help/);
    // A complete text: no line left mid-sentence (each paragraph ends with a full stop, a colon, a bracket or an example).
    const paragraphs = c.usage.split('\n\n').map((p) => p.trim().split('\n').pop()!.trim());
    for (const last of paragraphs) expect(last).toMatch(/([.:)\]]|help|\.(gz|dcm|png|json)|totalsegmentator|\bDIR\]?)$/);
    const h = await runSat([name, '-h']);
    expect(h.stdout).toBe(r.stdout);
  });
});

describe('sat reference', () => {
  const labelsPath = path.join(tmp, 'labels.nii');
  beforeAll(() => {
    const { truth } = phantom([30, 24, 10], [1.5, 1.5, 4], [
      { label: 3, centre: [10, 12, 4], radii: [6, 6, 3], hu: 50 },
      { label: 7, centre: [22, 12, 6], radii: [5, 5, 2], hu: 80 },
    ]);
    // An oblique affine, so any change of the geometry would show.
    const direction = [0.8, -0.6, 0, 0.6, 0.8, 0, 0, 0, 1] as typeof truth.direction;
    fs.writeFileSync(labelsPath, writeNifti({ ...truth, origin: [-12.25, 40.5, -7], direction }, false));
  });

  it('keeps label N on its largest slice only, with the header copied byte for byte', async () => {
    const out = path.join(tmp, 'ref.nii.gz');
    const r = await runSat(['reference', '--labels', labelsPath, '--label', '3', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    const labels = niftiToLabels(readNifti(new Uint8Array(fs.readFileSync(labelsPath))));
    const [w, h] = labels.dims;
    const counts = Array.from({ length: 10 }, (_, k) => labels.data.subarray(k * w * h, (k + 1) * w * h).filter((v) => v === 3).length);
    expect(s.slice).toBe(counts.indexOf(Math.max(...counts)));
    expect(s.voxels).toBe(Math.max(...counts));
    const inBytes = fs.readFileSync(labelsPath);
    const outBytes = zlib.gunzipSync(fs.readFileSync(out));
    expect(outBytes.length).toBe(inBytes.length);
    expect(outBytes.subarray(0, 352).equals(inBytes.subarray(0, 352))).toBe(true); // header, affine, extensions flag
    const ref = await loadLabelMap(out);
    for (let i = 0; i < ref.data.length; i++) {
      const onSlice = Math.floor(i / (w * h)) === s.slice;
      expect(ref.data[i]).toBe(onSlice && labels.data[i] === 3 ? 3 : 0);
    }
  });

  it('--slice Z keeps that slice (0-based)', async () => {
    const out = path.join(tmp, 'ref-z.nii');
    const r = await runSat(['reference', '--labels', labelsPath, '--label', '7', '--slice', '5', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*ref-z\.nii: label 7 on slice 5 \(0-based\), \d+ voxels; the label lies on slices 4–8\. Header and geometry copied from labels\.nii\.\n$/);
    const ref = await loadLabelMap(out);
    const sl = ref.dims[0] * ref.dims[1];
    const kept = [...ref.data].flatMap((v, i) => (v ? [Math.floor(i / sl)] : []));
    expect(new Set(kept)).toEqual(new Set([5]));
  });

  it.each([
    [['--label', '4'], /^sat reference: label 4 is not in labels\.nii \(labels present: 3, 7\)\. Nothing was written\.$/],
    [['--label', '7', '--slice', '1'], /^sat reference: label 7 has no voxels on slice 1 of labels\.nii; it lies on slices 4–8 \(0-based\)\. Nothing was written\.$/],
    [['--label', '7', '--slice', '10'], /^sat reference: --slice 10: give a whole number from 0 to 9 \(labels\.nii has slices 0–9 \(0-based\)\)\. Nothing was written\.$/],
    [['--label', 'liver'], /^sat reference: --label liver: give a whole number from 1 to 65535\.$/],
  ])('%j is refused, naming the problem', async (extra, message) => {
    const out = path.join(tmp, 'bad-ref.nii.gz');
    const r = await runSat(['reference', '--labels', labelsPath, ...extra, '--out', out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)[0]).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('sat segment --preview', () => {
  it('writes a picture of the result with the reference slice marked', async () => {
    const { image, truth } = phantom([48, 40, 14], [2, 2, 3], [{ label: 4, centre: [24, 20, 7], radii: [12, 10, 5], hu: 70 }]);
    const ct = path.join(tmp, 'ph.nii.gz');
    const ref = path.join(tmp, 'ph-ref.nii.gz');
    fs.writeFileSync(ct, writeNifti(image, true));
    const refData = new Uint8Array(truth.data.length);
    for (let i = 7 * 48 * 40; i < 8 * 48 * 40; i++) refData[i] = truth.data[i];
    fs.writeFileSync(ref, writeNifti({ ...truth, data: refData }, true));
    const png = path.join(tmp, 'ph.png');
    const r = await runSat(['segment', '--image', ct, '--reference-mask', ref, '--preview', png, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.out).toBeNull();
    expect(s.referenceSlices).toEqual([7]);
    expect(s.preview.slices).toContain(7);
    expect(s.preview.slices.length).toBeGreaterThanOrEqual(3);
    const p = decodePng(new Uint8Array(fs.readFileSync(png)));
    expect(p.channels).toBe(3);
    expect(p.width).toBeGreaterThan(s.preview.slices.length * 200);
    // The reference frame (yellow) and the label outline (the first label colour, red) are drawn.
    let yellow = 0;
    let red = 0;
    for (let i = 0; i < p.width * p.height; i++) {
      const [R, G, B] = [p.data[3 * i], p.data[3 * i + 1], p.data[3 * i + 2]];
      if (R === 255 && G === 230 && B === 0) yellow++;
      if (R === 255 && G === 64 && B === 64) red++;
    }
    expect(yellow).toBeGreaterThan(1000);
    expect(red).toBeGreaterThan(200);
  });
});

describeWithData(['ct-abdomen-3mm/labels.nii.gz'], 'sat reference on a real label map', ([labelsPath]) => {
  it('the liver reference of ct-abdomen-3mm keeps the TotalSegmentator header and lies on its largest slice', async () => {
    const out = path.join(tmp, 'liver-ref.nii.gz');
    const r = await runSat(['reference', '--labels', labelsPath, '--label', '5', '--largest', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.slice).toBe(24);
    const a = zlib.gunzipSync(fs.readFileSync(labelsPath));
    const b = zlib.gunzipSync(fs.readFileSync(out));
    expect(b.subarray(0, 352).equals(a.subarray(0, 352))).toBe(true);
    const ref = await loadLabelMap(out);
    expect(ref.data.filter((v) => v === 5).length).toBe(s.voxels);
    expect(ref.data.filter((v) => v !== 0 && v !== 5).length).toBe(0);
  });
});
