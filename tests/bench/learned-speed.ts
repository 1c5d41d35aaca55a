/**
 * Speed of the learned path on onnxruntime-web (wasm) with full-size graphs of the real
 * architectures carrying random weights (generated here by scripts/models/make_speed_models.py;
 * never committed). Prints the median of several runs per stage, through the same classes the
 * product uses (preprocessing and output mapping included), and the process memory.
 * Usage: npm run bench:learned [-- runs]   (env SAT_BENCH_MODELS=dinov2-s14,sam-b-encoder,...)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dinov2PatchEncoder, ModelEntry, ModelSession, SamSegmenter } from '../../extension/src/models';
import { ort } from '../../extension/src/models/ort-session';
import type { SegmenterImage } from '../../extension/src/engine/segmenters/promptable-segmenter';

const REPO = path.resolve(__dirname, '../..', fs.existsSync(path.resolve(__dirname, '../../package.json')) ? '' : '..');
const DIR = path.join(REPO, 'model-assets', 'generated', 'speed');
const RUNS = Number(process.argv[2] ?? 3);
// SAT_BENCH_PROVIDER=webgpu times the GPU (in Node through Dawn: npm "webgpu" + a Vulkan driver).
const PROVIDER = (process.env.SAT_BENCH_PROVIDER ?? 'wasm') as 'wasm' | 'webgpu';
if (PROVIDER === 'webgpu') process.env.SAT_NODE_WEBGPU ??= '1';
const MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const STD: [number, number, number] = [0.229, 0.224, 0.225];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function slice(): SegmenterImage {
  const w = 512;
  const data = new Float32Array(w * w);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 400) - 100; // HU-like texture
  return { data, width: w, height: w, channels: 1, pixelSpacing: [0.8, 0.8], modality: 'CT' };
}

async function timeIt(label: string, n: number, f: () => Promise<unknown>): Promise<void> {
  await f(); // warm-up (first run compiles kernels / allocates)
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    t.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(44)} median ${(median(t) / 1000).toFixed(3)} s over ${n} runs [${t.map((x) => (x / 1000).toFixed(2)).join(', ')}]  rss ${mib(process.memoryUsage().rss)}`);
}

function dinoEntry(id: string, dim: number): ModelEntry {
  return {
    id, contract: 'dinov2-patch-encoder',
    preprocessing: { inputSize: 518, patchSize: 14, mean: MEAN, std: STD, channelOrder: 'RGB', prefixTokens: 1 },
    files: { encoder: { file: `${id}.onnx`, inputs: [{ name: 'pixel_values', dtype: 'float32', shape: [1, 3, 518, 518] }], outputs: [{ name: 'last_hidden_state', dtype: 'float32', shape: [1, 1370, dim] }] } },
  };
}

async function main(): Promise<void> {
  const want = (process.env.SAT_BENCH_MODELS ?? 'dinov2-s14,sam-b-encoder,sam-decoder').split(',');
  if (want.includes('sam-b-encoder') && !want.includes('sam-decoder')) want.push('sam-decoder');
  execFileSync(process.env.SAT_PYTHON ?? '/usr/bin/python3', [path.join(REPO, 'scripts/models/make_speed_models.py'), DIR, ...want], { stdio: 'inherit' });
  console.log(`onnxruntime-web ${ort.env.versions?.web ?? ''} ${PROVIDER}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), wasm threads ${ort.env.wasm.numThreads ?? 'default'}; 512×512 CT slice`);
  const img = slice();
  const providerNote = async (s: ModelSession) => console.log(`  ${s.file}: ${s.choice.provider} (${s.choice.reason})`);
  const read = (f: string) => new Uint8Array(fs.readFileSync(path.join(DIR, f)));
  for (const [id, dim] of [['dinov2-s14', 384], ['dinov2-b14', 768]] as const) {
    if (!want.includes(id)) continue;
    const s = await ModelSession.create(`${id}.onnx`, read(`${id}.onnx`), [PROVIDER]);
    await providerNote(s);
    const enc = new Dinov2PatchEncoder(dinoEntry(id, dim), s);
    await timeIt(`${id} encode (518², random weights)`, RUNS, () => enc.encode(img));
    await s.release();
  }
  if (want.includes('sam-b-encoder')) {
    const e = await ModelSession.create('sam-b-encoder.onnx', read('sam-b-encoder.onnx'), [PROVIDER]);
    const d = await ModelSession.create('sam-decoder.onnx', read('sam-decoder.onnx'), [PROVIDER]);
    const entry: ModelEntry = {
      id: 'sam-vit-b', contract: 'sam-promptable-segmenter',
      preprocessing: { inputSize: 1024, mean: MEAN, std: STD, channelOrder: 'RGB' },
      files: {
        encoder: { file: 'sam-b-encoder.onnx', inputs: [{ name: 'input_image', dtype: 'float32', shape: [1, 3, 1024, 1024] }], outputs: [{ name: 'image_embeddings', dtype: 'float32', shape: [1, 256, 64, 64] }] },
        decoder: { file: 'sam-decoder.onnx', inputs: [], outputs: [] },
      },
    };
    await providerNote(e);
    await providerNote(d);
    const sam = new SamSegmenter(entry, e, d);
    let prepared = await sam.prepare(img);
    await timeIt('SAM ViT-B encoder (1024², prepare)', Math.max(1, RUNS - 1), async () => {
      prepared = await sam.prepare(img);
    });
    await timeIt('SAM decoder per prompt (1 point + mask)', Math.max(5, RUNS * 3), () =>
      prepared.segment({ points: [{ x: 200, y: 260, positive: true }] }));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
