/**
 * The panel's time-left estimate on the real engine's stream of slices: the liver of the
 * ct-abdomen-dicom series from its largest slice, and the kidney of ct-abdomen-3mm (a run that
 * stops where the organ ends). A virtual clock (one unit per slice, the finishing work a fifth
 * of the series per label) keeps the test free of timings: what is tested is how many slices
 * the estimator expects, against how many the engine then segments. (A run that stops because
 * the tissue changes look rather than tapering, like the pancreas here after three slices, is
 * beyond it: there the estimate runs high until the run ends.)
 */
import { loadImage, loadLabelMap, resampleLabelsToGrid } from '../../cli/io';
import { segmentVolume } from '../../extension/src/engine';
import { TimeLeftEstimator } from '../../extension/src/ohif/review/time-left';
import { describeWithData } from '../support/jest-data';

async function stream(imagePath: string, labelPath: string, label: number) {
  const img = await loadImage(imagePath);
  const labels = resampleLabelsToGrid(await loadLabelMap(labelPath), img.image);
  const [W, H, D] = img.image.dims;
  const len = W * H;
  const per = Array.from({ length: D }, (_, k) => { let c = 0; for (let i = k * len; i < (k + 1) * len; i++) c += labels.data[i] === label ? 1 : 0; return c; });
  const k = per.indexOf(Math.max(...per));
  const ref = new Uint8Array(len * D);
  for (let i = k * len; i < (k + 1) * len; i++) ref[i] = labels.data[i] === label ? 1 : 0;
  const slices: { k: number; area: number }[] = [];
  await segmentVolume({ image: img.image, referenceMask: { ...img.image, data: ref } }, {
    onSlice: (s) => { let a = 0; for (const v of s.mask) a += v ? 1 : 0; slices.push({ k: s.k, area: a }); },
  });
  return { slices, reference: { k, area: per[k] }, depth: D, spacing: img.image.spacing };
}

function estimates(run: Awaited<ReturnType<typeof stream>>) {
  const est = new TimeLeftEstimator(new Map([[1, { slices: [run.reference.k], area: run.reference.area }]]), run.depth, run.spacing);
  est.begin(0);
  const total = run.slices.length + 0.2 * run.depth; // virtual units: slices, then the finishing work
  return run.slices.map((s, i) => {
    est.slice(1, s.k, s.area, i + 1);
    return { done: (i + 1) / total, estimate: est.secondsLeft(i + 1)! * 1000, actual: total - (i + 1) };
  });
}

describeWithData(['ct-abdomen-dicom/series', 'ct-abdomen-dicom/labels.nii.gz', 'ct-abdomen-3mm/ct.nii.gz', 'ct-abdomen-3mm/labels.nii.gz'], 'time left on real runs', ([series, seriesLabels, ct, ctLabels]) => {
  it.each([
    ['the liver through the DICOM series', series, seriesLabels, 5],
    ['the right kidney of the 3 mm CT (the run stops where it ends)', ct, ctLabels, 2],
    ['the spleen of the 3 mm CT', ct, ctLabels, 1],
  ])('%s: within ±50 % once 20 % is done', async (_name, image, labels, value) => {
    const run = await stream(image, labels, value);
    const all = estimates(run);
    if (process.env.SAT_DEBUG_TIME_LEFT) console.log(run.reference, run.slices.map((s, i) => `k=${s.k} a=${s.area} est=${all[i].estimate.toFixed(1)} act=${all[i].actual.toFixed(1)}`).join("\n"));
    const points = all.filter((p) => p.done >= 0.2 && p.actual > 0);
    expect(points.length).toBeGreaterThan(3);
    for (const p of points) expect(Math.abs(p.estimate - p.actual)).toBeLessThanOrEqual(0.5 * p.actual + 1e-9);
  }, 300000);
});
