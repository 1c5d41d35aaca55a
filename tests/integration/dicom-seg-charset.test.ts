/**
 * The SEG writer carries the source series' Specific Character Set and encodes its text in
 * it: an ISO_IR 100 series named "Müller^Jürgen" gives a Latin-1 SEG that says so (before:
 * UTF-8 bytes with no character set, read as "MÃ¼ller^JÃ¼rgen"). Sources are made with
 * pydicom (tests/support/make_charset_series.py); the SEGs are checked with dciodvfy,
 * dcentvfy and read back with pydicom.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSat } from '../support/run-cli';
import { dciodvfy, dcentvfy } from '../support/dicom3tools';
import { canCheckWith, describeWithTools, python, runPythonScript } from '../support/tools';
import { loadSeriesGeometry, saveLabelMap } from '../../cli/io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-charset-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const withPydicom = (name: string, fn: () => void) => describeWithTools(['pydicom'], name, fn);

let n = 0;
/** A 3-slice series in `charset`, a one-slice label map on it and a segments file naming it `label`. */
async function source(charset: string, patientName: string, label: string): Promise<{ series: string; labels: string; segments: string }> {
  const dir = path.join(tmp, `case${++n}`);
  const series = path.join(dir, 'series');
  runPythonScript(path.join(__dirname, '..', 'support', 'make_charset_series.py'), [series, charset, patientName]);
  const g = await loadSeriesGeometry(series);
  const data = new Uint8Array(32 * 32 * 3);
  for (let y = 10; y < 20; y++) for (let x = 10; x < 20; x++) data[32 * 32 + y * 32 + x] = 1;
  const labels = path.join(dir, 'labels.nii.gz');
  saveLabelMap(labels, { ...g.grid, data });
  const segments = path.join(dir, 'segments.json');
  fs.writeFileSync(segments, JSON.stringify([{ label: 1, preset: 'lesion', name: label }]));
  return { series, labels, segments };
}

function readBack(file: string): { charset: string[]; patient: string; label: string } {
  const r = python(
    `import sys, json, pydicom
ds = pydicom.dcmread(sys.argv[1])
cs = ds.get("SpecificCharacterSet", [])
print(json.dumps({"charset": [cs] if isinstance(cs, str) else list(cs), "patient": str(ds.PatientName), "label": ds.SegmentSequence[0].SegmentLabel}))`,
    [file],
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function validate(seg: string, series: string): void {
  if (!canCheckWith(['dicom3tools'], 'dciodvfy and dcentvfy on the character-set SEGs')) return;
  expect(dciodvfy(seg).errors).toEqual([]);
  expect(dcentvfy([seg, ...fs.readdirSync(series).map((f) => path.join(series, f))])).toEqual([]);
}

withPydicom('Specific Character Set of the source, carried into the SEG', () => {
  const cases: [string, string, string, string, string[]][] = [
    ['ISO_IR 100 (Latin-1)', 'ISO_IR 100', 'Müller^Jürgen', 'Läsion rechts', ['ISO_IR 100']],
    ['ISO_IR 192 (UTF-8), with a Japanese segment name', 'ISO_IR 192', 'Müller^Jürgen', '肝臓の病変', ['ISO_IR 192']],
    ['the default repertoire (ASCII), ASCII text', '', 'Smith^John', 'Lesion', []],
    ['the default repertoire, a non-ASCII segment name: declared UTF-8', '', 'Smith^John', 'Läsion', ['ISO_IR 192']],
  ];
  it.each(cases)('%s', async (_, charset, patient, label, expected) => {
    const s = await source(charset, patient, label);
    const seg = path.join(path.dirname(s.series), 'seg.dcm');
    const r = await runSat(['to-seg', '--series', s.series, '--labels', s.labels, '--segments', s.segments, '--out', seg]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readBack(seg)).toEqual({ charset: expected, patient, label });
    validate(seg, s.series);
  });

  const refusals: [string, string, string, string][] = [
    ['a name Latin-1 cannot hold, for an ISO_IR 100 series', 'ISO_IR 100', '肝臓', 'sat to-seg: SegmentLabel "肝臓" cannot be written in the source series\' character set (ISO_IR 100, Latin-1); use characters of that set (the Segmentation keeps its source\'s character set). Nothing was written.\n'],
    ['a backslash in a segment label', 'ISO_IR 192', 'left\\right', 'sat to-seg: the segment label "left\\right" holds a backslash, which DICOM uses to separate values; remove it or use another character (e.g. "/"). Nothing was written.\n'],
  ];
  it.each(refusals)('refuses %s: exit 2, one line, no file', async (_, charset, label, message) => {
    const s = await source(charset, 'Müller^Jürgen', label);
    const seg = path.join(path.dirname(s.series), 'seg.dcm');
    const r = await runSat(['to-seg', '--series', s.series, '--labels', s.labels, '--segments', s.segments, '--out', seg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
    expect(fs.existsSync(seg)).toBe(false);
  });
});
