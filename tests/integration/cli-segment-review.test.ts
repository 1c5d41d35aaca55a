/**
 * `sat segment --json` carries the review per label: a record for every painted slice and for
 * the slice past each end, the same judgement the viewer's strip shows (engine/review).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSat } from '../support/run-cli';
import { phantom, referenceOnSlice } from '../support/phantom';
import { writeNifti } from '../../extension/src/formats/nifti';
import { saveLabelMap } from '../../cli/io';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-review-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Record_ {
  slice: number;
  voxels: number;
  confidence: number;
  doubtful: boolean;
  reason: string | null;
}

describe('sat segment --json: perSlice', () => {
  it('records each painted slice and the slice past each end, the drawn one as drawn', async () => {
    const { image, truth } = phantom([40, 40, 16], [1, 1, 2], [{ centre: [20, 20, 8], radii: [9, 8, 5], hu: 60, label: 1 }], -100, 8);
    const imgPath = path.join(tmp, 'ct.nii.gz');
    fs.writeFileSync(imgPath, writeNifti(image, true));
    const refPath = path.join(tmp, 'ref.nii.gz');
    saveLabelMap(refPath, referenceOnSlice(truth, 1, 8));
    const r = await runSat(['segment', '--image', imgPath, '--reference-mask', refPath, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    const per: Record_[] = summary.labels[0].perSlice;
    const painted = per.filter((j) => j.voxels > 0).map((j) => j.slice);
    expect(painted.length).toBe(summary.labels[0].slices);
    expect(per.find((j) => j.slice === 8)).toMatchObject({ reason: 'drawn', doubtful: false, confidence: 1 });
    const first = summary.labels[0].firstSlice;
    const last = summary.labels[0].lastSlice;
    if (first > 0) expect(per.find((j) => j.slice === first - 1)).toMatchObject({ voxels: 0 });
    if (last < 15) expect(per.find((j) => j.slice === last + 1)).toMatchObject({ voxels: 0 });
    for (const j of per) {
      expect(j.confidence).toBeGreaterThanOrEqual(0);
      expect(j.confidence).toBeLessThanOrEqual(1);
      expect(j.doubtful).toBe(j.confidence < 0.5);
      if (j.doubtful) expect(typeof j.reason).toBe('string');
    }
  });
});
