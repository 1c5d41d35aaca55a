/**
 * `npm run bench:speed`: seconds and peak memory to segment one organ (the liver) from one
 * slice through a 512×512×200 CT built by resampling the real ct-abdomen-3mm volume
 * (trilinear, so anatomy is real, only finer), plus per-slice times of each stage.
 * Median of several runs (SAT_BENCH_RUNS, default 3). Not a test: it prints figures.
 */
import { segmentVolume, ImageVolume, LabelVolume } from '../../extension/src/engine';
import { loadImage, loadLabelMap } from '../../cli/io';
import { dataDir } from '../support/data-dir';
import * as path from 'path';
import * as fs from 'fs';

const SIZE: [number, number, number] = [512, 512, +(process.env.SAT_BENCH_SLICES ?? 200)];
const LABEL = +(process.env.SAT_BENCH_LABEL ?? 5);

function resample(img: ImageVolume, lab: LabelVolume): { image: ImageVolume; labels: LabelVolume } {
  const [sw, sh, sd] = img.dims;
  const [W, H, D] = SIZE;
  const data = new Float32Array(W * H * D);
  const labels = new Uint8Array(W * H * D);
  const fx = (sw - 1) / (W - 1);
  const fy = (sh - 1) / (H - 1);
  const fz = (sd - 1) / (D - 1);
  for (let k = 0; k < D; k++) {
    const z = k * fz;
    const z0 = Math.floor(z);
    const z1 = Math.min(sd - 1, z0 + 1);
    const tz = z - z0;
    for (let j = 0; j < H; j++) {
      const y = j * fy;
      const y0 = Math.floor(y);
      const y1 = Math.min(sh - 1, y0 + 1);
      const ty = y - y0;
      for (let i = 0; i < W; i++) {
        const x = i * fx;
        const x0 = Math.floor(x);
        const x1 = Math.min(sw - 1, x0 + 1);
        const tx = x - x0;
        const v = (a: number, b: number, c: number) => img.data[(c * sh + b) * sw + a];
        const lerp = (c: number) => (v(x0, y0, c) * (1 - tx) + v(x1, y0, c) * tx) * (1 - ty) + (v(x0, y1, c) * (1 - tx) + v(x1, y1, c) * tx) * ty;
        const o = (k * H + j) * W + i;
        data[o] = lerp(z0) * (1 - tz) + lerp(z1) * tz;
        labels[o] = lab.data[(Math.round(z) * sh + Math.round(y)) * sw + Math.round(x)];
      }
    }
  }
  const spacing: [number, number, number] = [(img.spacing[0] * sw) / W, (img.spacing[1] * sh) / H, (img.spacing[2] * sd) / D];
  const geom = { dims: SIZE, spacing, origin: img.origin, direction: img.direction };
  return { image: { ...geom, data, channels: 1, modality: 'CT' }, labels: { ...geom, data: labels } };
}

async function main(): Promise<void> {
  const dir = path.join(dataDir(), 'ct-abdomen-3mm');
  if (!fs.existsSync(dir)) {
    console.error(`bench:speed needs ${dir} (set SAT_DATA_DIR).`);
    process.exit(2);
  }
  const src = await loadImage(path.join(dir, 'ct.nii.gz'));
  const lab = await loadLabelMap(path.join(dir, 'labels.nii.gz'));
  const { image, labels } = resample(src.image, lab);
  const sl = SIZE[0] * SIZE[1];
  let bestK = 0;
  let bestA = -1;
  for (let k = 0; k < SIZE[2]; k++) {
    let a = 0;
    for (let i = k * sl; i < (k + 1) * sl; i++) if (labels.data[i] === LABEL) a++;
    if (a > bestA) (bestA = a), (bestK = k);
  }
  const ref = new Uint8Array(labels.data.length);
  for (let i = bestK * sl; i < (bestK + 1) * sl; i++) ref[i] = labels.data[i] === LABEL ? LABEL : 0;
  const runs = +(process.env.SAT_BENCH_RUNS ?? 3);
  const seconds: number[] = [];
  const peaks: number[] = [];
  let last;
  for (let r = 0; r < runs; r++) {
    (global as { gc?: () => void }).gc?.();
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = process.hrtime.bigint();
    last = await segmentVolume({ image, referenceMask: { ...labels, data: ref } }, { onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    clearInterval(timer);
    peaks.push(Math.max(peak, process.memoryUsage().rss));
  }
  let inter = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < labels.data.length; i++) {
    const p = last!.labels.data[i] === LABEL;
    const t = labels.data[i] === LABEL;
    inter += +(p && t);
    a += +p;
    b += +t;
  }
  const med = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
  const t = last!.timings!;
  const perSlice = (ms: number) => (ms / Math.max(1, t.slices)).toFixed(1);
  console.log(`bench:speed — label ${LABEL} through ${SIZE.join('×')} CT (resampled ct-abdomen-3mm), reference slice ${bestK}`);
  console.log(`  seconds (median of ${runs}): ${med(seconds).toFixed(2)}   runs: ${seconds.map((s) => s.toFixed(2)).join(', ')}`);
  console.log(`  peak RSS (median): ${(med(peaks) / 2 ** 20).toFixed(0)} MiB (process total, the ${((image.data.byteLength + labels.data.byteLength) / 2 ** 20).toFixed(0)} MiB input volume included)`);
  console.log(`  per slice (${t.slices} slices): encode ${perSlice(t.encodeMs)} ms, plan ${perSlice(t.planMs)} ms, segment ${perSlice(t.segmentMs)} ms`);
  console.log(`  Dice vs resampled labels: ${((2 * inter) / (a + b)).toFixed(3)}; backend ${last!.backend.encoder} + ${last!.backend.segmenter}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
