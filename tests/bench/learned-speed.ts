/**
 * Speed of the learned path on onnxruntime-node (native CPU, when installed) and
 * onnxruntime-web (WASM), side by side, with full-size graphs of the real
 * architectures carrying random weights (generated here by scripts/models/make_speed_models.py;
 * never committed). Each stage runs in its own child process, through the same classes the
 * product uses (preprocessing and output mapping included), so its peak RSS is its own (WASM
 * memory never shrinks). Prints per-slice medians, threads, peak RSS and the load average.
 * Usage: npm run bench:models [-- runs]
 *   env SAT_BENCH_MODELS=dinov2-s14,sam-b-encoder,mobilesam-encoder,sam-decoder (also dinov2-b14)
 *   env SAT_BENCH_PROVIDER=cpu,wasm  runtimes to time (default; cpu = onnxruntime-node, skipped with a
 *                                    note when it is not installed; webgpu = onnxruntime-web on a GPU)
 *   env SAT_WASM_THREADS=N  (default: every core; see configureWasmThreads)
 */
import { execFileSync, execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dinov2PatchEncoder, ModelEntry, ModelSession, SamSegmenter } from '../../extension/src/models';
import { configureWasmThreads, ExecutionProvider, ort } from '../../extension/src/models/ort-session';
import { nodeOrt } from '../../extension/src/models/node-ort';
import type { Image2D } from '../../extension/src/engine/image/types';
import { PYTHON } from '../support/python';

const REPO = path.resolve(__dirname, '../..', fs.existsSync(path.resolve(__dirname, '../../package.json')) ? '' : '..');
const DIR = path.join(REPO, 'model-assets', 'generated', 'speed');
// SAT_BENCH_PROVIDER=webgpu times the GPU (in Node through Dawn: npm "webgpu" + a Vulkan driver).
const PROVIDERS = (process.env.SAT_BENCH_PROVIDER ?? 'cpu,wasm').split(',').map((s) => s.trim()) as ExecutionProvider[];
if (PROVIDERS.includes('webgpu')) process.env.SAT_NODE_WEBGPU ??= '1';
const RUNTIME_NAME: Record<ExecutionProvider, string> = { cpu: 'onnxruntime-node', wasm: 'onnxruntime-web WASM', webgpu: 'onnxruntime-web WebGPU' };
const MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const STD: [number, number, number] = [0.229, 0.224, 0.225];
const STAGES = ['dinov2-s14', 'dinov2-b14', 'sam-b-encoder', 'mobilesam-encoder', 'sam-decoder'] as const;
type Stage = (typeof STAGES)[number];

/** Published figures of the onnxruntime segment-anything example (js/segment-anything README). */
const PUBLISHED: Partial<Record<Stage, string>> = {
  'sam-b-encoder': '~45 s (ORT SAM example, WASM)',
  'sam-decoder': '~0.2 s (ORT SAM example, WASM)',
};

interface StageResult {
  stage: Stage;
  provider: ExecutionProvider;
  what: string;
  medianS: number;
  runsS: number[];
  /** CPU seconds per run (all threads): the work done, less sensitive to other load than wall time. */
  cpuS: number;
  threads: number;
  peakRssMiB: number;
  load: [number, number];
  /** Where the stage ran (WASM threads, or WebGPU and its adapter). */
  ranOn: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function slice(): Image2D {
  const w = 512;
  const data = new Float32Array(w * w);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 400) - 100; // HU-like texture
  return { data, width: w, height: w, channels: 1, pixelSpacing: [0.8, 0.8], modality: 'CT' };
}

/** One warm-up run (kernel set-up, arena growth), then n timed runs: wall seconds and median CPU seconds. */
async function timeRuns(n: number, f: () => Promise<unknown>): Promise<{ t: number[]; cpu: number }> {
  await f();
  const t: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    t.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { t, cpu: median(cpu) };
}

function dinoEntry(id: string, dim: number): ModelEntry {
  return {
    id, contract: 'dinov2-patch-encoder',
    preprocessing: { inputSize: 518, patchSize: 14, mean: MEAN, std: STD, channelOrder: 'RGB', prefixTokens: 1 },
    files: { encoder: { file: `${id}.onnx`, inputs: [{ name: 'pixel_values', dtype: 'float32', shape: [1, 3, 518, 518] }], outputs: [{ name: 'last_hidden_state', dtype: 'float32', shape: [1, 1370, dim] }] } },
  };
}

function samEntry(encoderFile: string): ModelEntry {
  return {
    id: encoderFile.replace(/\.onnx$/, ''), contract: 'sam-promptable-segmenter',
    preprocessing: { inputSize: 1024, mean: MEAN, std: STD, channelOrder: 'RGB' },
    files: {
      encoder: { file: encoderFile, inputs: [{ name: 'input_image', dtype: 'float32', shape: [1, 3, 1024, 1024] }], outputs: [{ name: 'image_embeddings', dtype: 'float32', shape: [1, 256, 64, 64] }] },
      decoder: { file: 'sam-decoder.onnx', inputs: [], outputs: [] },
    },
  };
}

let ranOn = '';
let provider: ExecutionProvider = 'wasm';
const session = async (f: string) => {
  const m = await ModelSession.create(f, new Uint8Array(fs.readFileSync(path.join(DIR, f))), [provider]);
  ranOn = m.choice.provider === 'webgpu' ? `WebGPU (${m.choice.reason})` : m.choice.provider === 'cpu' ? m.choice.reason : `WASM ×${ort.env.wasm.numThreads ?? 1}`;
  return m;
};

/** Child process: time one stage and print its result as one JSON line. */
async function runStage(stage: Stage, runs: number, p: ExecutionProvider): Promise<void> {
  provider = p;
  const load0 = os.loadavg()[0];
  const img = slice();
  let what: string;
  let m: { t: number[]; cpu: number };
  if (stage === 'dinov2-s14' || stage === 'dinov2-b14') {
    const s = await session(`${stage}.onnx`);
    const enc = new Dinov2PatchEncoder(dinoEntry(stage, stage === 'dinov2-s14' ? 384 : 768), s);
    what = `${stage === 'dinov2-s14' ? 'DINOv2 ViT-S/14' : 'DINOv2 ViT-B/14'} encode 518²`;
    m = await timeRuns(runs, () => enc.encode(img));
  } else if (stage === 'sam-decoder') {
    // Embeddings from the small encoder: the decoder's cost does not depend on which one made them.
    const sam = new SamSegmenter(samEntry('mobilesam-encoder.onnx'), await session('mobilesam-encoder.onnx'), await session('sam-decoder.onnx'));
    const prepared = await sam.prepare(img);
    what = 'SAM decoder, per prompt (1 point + pad point)';
    m = await timeRuns(Math.max(5, runs * 3), () => prepared.segment({ points: [{ x: 200, y: 260, positive: true }] }));
  } else {
    const file = `${stage}.onnx`;
    const sam = new SamSegmenter(samEntry(file), await session(file), await session('sam-decoder.onnx'));
    what = `${stage === 'sam-b-encoder' ? 'SAM ViT-B' : 'MobileSAM (TinyViT-5M)'} encoder 1024², prepare()`;
    m = await timeRuns(runs, () => sam.prepare(img));
  }
  const r: StageResult = {
    stage, provider, what, medianS: median(m.t), runsS: m.t, cpuS: m.cpu, threads: p === 'cpu' ? os.cpus().length : ort.env.wasm.numThreads ?? 1,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), load: [load0, os.loadavg()[0]], ranOn,
  };
  console.log(`RESULT ${JSON.stringify(r)}`);
}

function child(stage: Stage, runs: number, p: ExecutionProvider): Promise<StageResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [__filename, '--stage', stage, String(runs), p], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (err || !line) reject(new Error(`stage ${stage} on ${p} failed: ${err?.message ?? 'no result'}\n${stderr}`));
      else resolve(JSON.parse(line.slice(7)) as StageResult);
    });
  });
}

function printTable(rows: string[][]): void {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log(`| ${r.map((c, j) => c.padEnd(w[j])).join(' | ')} |`);
    if (i === 0) console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  }
}

/** Per stage, the median of each runtime side by side, and how much faster the first is than the others. */
function sideBySide(rs: StageResult[], providers: ExecutionProvider[]): void {
  const stages = [...new Set(rs.map((r) => r.stage))];
  const fmt = (r?: StageResult) => (r ? `${r.medianS.toFixed(r.medianS < 1 ? 3 : 2)} s` : '–');
  const head = ['stage', ...providers.map((p) => RUNTIME_NAME[p]), ...(providers.length > 1 ? [`${RUNTIME_NAME[providers[0]]} speed-up`] : [])];
  printTable([head, ...stages.map((s) => {
    const by = providers.map((p) => rs.find((r) => r.stage === s && r.provider === p));
    const up = by[0] && by.slice(1).filter(Boolean).map((r) => `×${(r!.medianS / by[0]!.medianS).toFixed(1)}`).join(', ');
    return [by.find(Boolean)!.what, ...by.map(fmt), ...(providers.length > 1 ? [up || '–'] : [])];
  })]);
}

function table(rs: StageResult[]): void {
  const rows = [['stage', 'runtime', 'per-slice median', 'runs (s)', 'CPU s/run', 'threads', 'peak RSS', 'load 1-min (start→end)', 'ran on', 'published'],
    ...rs.map((r) => [r.what, RUNTIME_NAME[r.provider], `${r.medianS.toFixed(r.medianS < 1 ? 3 : 2)} s`, r.runsS.map((x) => x.toFixed(2)).join(' '),
      r.cpuS.toFixed(2), String(r.threads), `${r.peakRssMiB} MiB`, `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`, r.ranOn, PUBLISHED[r.stage] ?? '']),
  ];
  printTable(rows);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs "${process.argv[2]}" must be a whole number ≥ 1 (e.g. npm run bench:models -- 3)`);
  const want = (process.env.SAT_BENCH_MODELS ?? 'dinov2-s14,sam-b-encoder,mobilesam-encoder,sam-decoder').split(',').map((s) => s.trim());
  const bad = want.filter((w) => !(STAGES as readonly string[]).includes(w));
  if (bad.length) throw new Error(`SAT_BENCH_MODELS: unknown stage(s) ${bad.join(', ')}; choose from ${STAGES.join(', ')}`);
  const graphs = new Set(want.flatMap((w) => (w === 'sam-b-encoder' || w === 'mobilesam-encoder' ? [w, 'sam-decoder'] : w === 'sam-decoder' ? [w, 'mobilesam-encoder'] : [w])));
  execFileSync(PYTHON, [path.join(REPO, 'scripts/models/make_speed_models.py'), DIR, ...graphs], { stdio: 'inherit' });
  const cpus = os.cpus();
  const bad2 = PROVIDERS.filter((p) => !(p in RUNTIME_NAME));
  if (bad2.length) throw new Error(`SAT_BENCH_PROVIDER: unknown runtime(s) ${bad2.join(', ')}; choose from cpu (onnxruntime-node), wasm, webgpu`);
  const native = nodeOrt();
  const providers = PROVIDERS.filter((p) => p !== 'cpu' || 'ok' in native);
  if (providers.length < PROVIDERS.length) console.log(`onnxruntime-node: not timed (${'why' in native ? native.why : ''})`);
  console.log(`${providers.map((p) => `${RUNTIME_NAME[p]} ${p === 'cpu' && 'ok' in native ? native.version : ort.env.versions?.web ?? ''}`).join(' vs ')} (Node ${process.version}), ${cpus.length} CPUs (${cpus[0]?.model}), wasm threads ${configureWasmThreads()}; 512×512 CT slice; random weights, full-size graphs; median of ${runs} runs after 1 warm-up`);
  const results: StageResult[] = [];
  for (const s of STAGES.filter((x) => want.includes(x)))
    for (const p of providers) {
      const r = await child(s, runs, p);
      console.log(`${r.what} on ${RUNTIME_NAME[p]}: median ${r.medianS.toFixed(3)} s [${r.runsS.map((x) => x.toFixed(2)).join(', ')}]`);
      results.push(r);
    }
  sideBySide(results, providers);
  console.log('');
  table(results);
}

const i = process.argv.indexOf('--stage');
(i > 0 ? runStage(process.argv[i + 1] as Stage, Number(process.argv[i + 2]), process.argv[i + 3] as ExecutionProvider) : main()).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
