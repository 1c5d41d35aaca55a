/**
 * Issue 5 in a real browser: the extension's model classes bundled into a test page, served with
 * COOP/COEP by a local server, driven in Debian's headless Chromium (playwright-core).
 * - WebGPU (SwiftShader) equals WASM, and the browser equals Node (same classes, same inputs).
 * - Provider choice and reason: webgpu with an adapter; wasm with the reason without one; threads only
 *   when cross-origin isolated.
 * - Cache API: download progress on the first load, no network request for the model on the second;
 *   a corrupt or wrong file gets a message naming the file and the mismatch and is evicted.
 * - A lost GPU device: the run goes on, on WASM, with the fallback reason reported.
 * Chromium missing skips them with the reason (fails them under CI); SAT_SKIP_BROWSER=1 skips them on
 * purpose. SAM on WebGPU takes minutes on SwiftShader: it runs only with SAT_BROWSER_SAM_WEBGPU=1.
 * SwiftShader runs the SAM-contract graphs (fixed 1024² input) far too slowly for every run, so SAM
 * on WebGPU is compared only with SAT_BROWSER_SAM_WEBGPU=1 (minutes); DINOv2 always is.
 */
import type { Browser, Page } from 'playwright-core';
import { loadLearnedBackends } from '../../../extension/src/models';
import { CaseResults, difference, runCases } from '../../browser/cases';
import { Harness, SKIP_BROWSER, startHarness } from '../../browser/harness';
import { describeWithTools, recordSkip } from '../../support/tools';
import type { GpuLossReport, LoadArgs, LoadReport } from '../../browser/page/main';
import { ensureTinyModels } from './tiny-models';

const DINO = { encoder: 'tiny-dinov2' };
const SAM = { segmenter: 'tiny-sam' };
const BOTH = { ...DINO, ...SAM };
/** WebGPU vs WASM: float32 features after a 14×14 conv summed in a different order. */
const GPU_FEATURE_TOL = 1e-4;
const SAME = { featureMaxAbs: 0, maskPixels: 0, qualityMaxAbs: 0 };

const suite = (name: string, fn: () => void) => {
  if (!SKIP_BROWSER) return describeWithTools(['chromium'], name, fn);
  recordSkip(name, 'SAT_SKIP_BROWSER=1 was set', 'unset SAT_SKIP_BROWSER');
  describe.skip(name, () => it('skipped on purpose', () => undefined));
};
/** Opt-in (minutes on a software GPU): not defined at all otherwise, so a normal run has nothing skipped. */
const samOnGpu = (name: string, fn: () => Promise<void>, timeout: number) => (process.env.SAT_BROWSER_SAM_WEBGPU === '1' ? it(name, fn, timeout) : undefined);

suite('learned models in headless Chromium', () => {
  let h: Harness;
  let gpuBrowser: Browser;
  let plainBrowser: Browser;
  let node: CaseResults;

  beforeAll(async () => {
    const dir = ensureTinyModels();
    // Node's outputs (same classes, same inputs) are computed while webpack bundles the page.
    h = await startHarness(dir, async () => {
      const b = await loadLearnedBackends({ ...BOTH, modelDir: dir, executionProviders: ['wasm'] });
      try {
        node = await runCases(b);
      } finally {
        await b.dispose();
      }
    });
    [gpuBrowser, plainBrowser] = await Promise.all([h.launch(true), h.launch(false)]);
  }, 120000);

  afterAll(async () => {
    await h?.close();
  });

  const pages: Page[] = [];
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close().catch(() => undefined);
  });

  async function open(browser: Browser, mode: 'iso' | 'plain', page?: Page): Promise<Page> {
    // One context per browser: its HTTP cache keeps onnxruntime's compiled wasm between pages.
    const ctx = browser.contexts()[0] ?? (await browser.newContext());
    const p = page ?? (await ctx.newPage());
    pages.push(p);
    // A script error while the page starts fails at once, with the error, instead of a timeout.
    const failed = new Promise<never>((_, reject) => p.once('pageerror', (e) => reject(new Error(`the test page failed: ${e.message}`))));
    failed.catch(() => undefined);
    await p.goto(`${h.server.origin}/${mode}/index.html`);
    await Promise.race([p.waitForFunction(() => 'satTest' in globalThis, undefined, { timeout: 20000 }), failed]);
    return p;
  }

  type Api = { satTest: { load(a: LoadArgs): Promise<LoadReport>; gpuLoss(a: LoadArgs): Promise<GpuLossReport>; cachedFiles(): Promise<string[]> } };
  const load = (page: Page, a: LoadArgs): Promise<LoadReport> => page.evaluate((x) => (globalThis as unknown as Api).satTest.load(x), a);
  const gpuLoss = (page: Page, a: LoadArgs): Promise<GpuLossReport> => page.evaluate((x) => (globalThis as unknown as Api).satTest.gpuLoss(x), a);
  const cachedFiles = (page: Page): Promise<string[]> => page.evaluate(() => (globalThis as unknown as Api).satTest.cachedFiles());
  const hits = (file: string): number => h.server.requests.filter((r) => r === file).length;

  it('DINOv2 on WebGPU (SwiftShader) equals WASM; both models on browser WASM equal Node', async () => {
    const page = await open(gpuBrowser, 'iso');
    const gpu = await load(page, { variant: 'good', ...DINO, run: true });
    expect(gpu.error).toBeUndefined();
    expect(gpu.env).toMatchObject({ crossOriginIsolated: true, hasGpu: true });
    expect(gpu.stages).toEqual([{ file: 'tiny-dinov2.onnx', provider: { provider: 'webgpu', reason: 'WebGPU adapter available' } }]);
    const wasm = await load(page, { variant: 'good', ...BOTH, run: true, providers: ['wasm'] });
    expect(wasm.error).toBeUndefined();
    expect(wasm.stages.map((s) => s.provider.provider)).toEqual(['wasm', 'wasm', 'wasm']);
    const gw = difference(gpu.results!, { encoder: wasm.results!.encoder });
    console.log(`DINOv2 WebGPU vs WASM: max |Δfeature| ${gw.featureMaxAbs.toExponential(2)} (tolerance ${GPU_FEATURE_TOL})`);
    expect(gw.featureMaxAbs).toBeLessThan(GPU_FEATURE_TOL);
    expect(gpu.results!.encoder!.data.some((v) => v !== 0)).toBe(true);
    expect(difference(wasm.results!, node)).toEqual(SAME);
  });

  samOnGpu('SAM on WebGPU (SwiftShader) equals WASM and Node (slow: opt-in)', async () => {
    const page = await open(gpuBrowser, 'iso');
    const gpu = await load(page, { variant: 'good', ...SAM, run: true });
    expect(gpu.error).toBeUndefined();
    expect(gpu.stages.map((s) => s.provider.provider)).toEqual(['webgpu', 'webgpu']);
    const d = difference(gpu.results!, { segmenter: node.segmenter });
    console.log(`SAM WebGPU vs Node WASM: ${JSON.stringify(d)}`);
    expect(d.qualityMaxAbs).toBeLessThan(1e-6);
    expect(d.maskPixels).toBeLessThanOrEqual(3 * 2); // at most a couple of boundary pixels per prompt
  }, 600000);

  it('without a WebGPU adapter: WASM with the reason; threads only when cross-origin isolated', async () => {
    const iso = await open(plainBrowser, 'iso');
    const r = await load(iso, { variant: 'good', ...DINO, run: true });
    expect(r.error).toBeUndefined();
    expect(r.env.crossOriginIsolated).toBe(true);
    for (const s of r.stages) {
      expect(s.provider.provider).toBe('wasm');
      expect(s.provider.reason).toMatch(/WebGPU (present but no adapter was offered|.*navigator\.gpu is missing)/);
      expect(s.provider.reason).toContain(`WASM with ${r.env.numThreads} thread`);
      expect(s.provider.reason).toContain('cross-origin isolated: threads allowed');
    }
    expect(difference(r.results!, { encoder: node.encoder })).toEqual(SAME);

    const plain = await open(plainBrowser, 'plain');
    const p = await load(plain, { variant: 'good', ...DINO, run: true });
    expect(p.env).toMatchObject({ crossOriginIsolated: false, numThreads: 1 });
    expect(p.stages[0].provider.reason).toContain('single-threaded WASM: the page is not cross-origin isolated');
    expect(difference(p.results!, { encoder: node.encoder })).toEqual(SAME);

    // Two threads really run (SharedArrayBuffer + worker threads under COEP) and give the same numbers.
    const threaded = await open(plainBrowser, 'iso');
    const t = await load(threaded, { variant: 'good', ...DINO, run: true, threads: 2 });
    expect(t.error).toBeUndefined();
    expect(t.env.numThreads).toBe(2);
    expect(t.stages[0].provider.reason).toContain('WASM with 2 threads');
    expect(difference(t.results!, { encoder: node.encoder })).toEqual(SAME);
  });

  it('Cache API: progress on the first load, no network request for the model files on the second', async () => {
    const page = await open(plainBrowser, 'iso');
    const files = ['tiny-dinov2.onnx', 'tiny-sam-encoder.onnx', 'tiny-sam-decoder.onnx'];
    const url = (f: string): string => `/models/good2/${f}`;
    for (const f of files) expect(hits(url(f))).toBe(0);
    const first = await load(page, { variant: 'good2', ...BOTH });
    expect(first.error).toBeUndefined();
    for (const f of files) {
      expect(hits(url(f))).toBe(1);
      const ev = first.progress.filter(([file]) => file === f);
      const size = ev[ev.length - 1][2]!;
      expect(size).toBeGreaterThan(0);
      expect(ev[ev.length - 1][1]).toBe(size); // ends complete, total known from Content-Length
      for (let i = 1; i < ev.length; i++) expect(ev[i][1]).toBeGreaterThan(ev[i - 1][1]);
    }
    // The decoder (padded to ≈ 0.5 MB in this variant) arrives in several chunks: the user sees it advance.
    expect(first.progress.filter(([f]) => f === 'tiny-sam-decoder.onnx').length).toBeGreaterThan(2);
    expect(await cachedFiles(page)).toEqual(expect.arrayContaining(files.map((f) => `/iso${url(f)}`)));

    await page.reload();
    await open(plainBrowser, 'iso', page);
    const second = await load(page, { variant: 'good2', ...BOTH });
    expect(second.error).toBeUndefined();
    for (const f of files) expect(hits(url(f))).toBe(1); // served from the Cache API
    // From the cache: one complete progress event per file (the bytes passed the sha256 check again).
    expect(second.progress.map(([f, n, t]) => [f, n === t])).toEqual(files.map((f) => [f, true]));
  });

  it('a corrupt or wrong model file: a message naming the file and the mismatch, and it is evicted from the cache', async () => {
    const page = await open(plainBrowser, 'iso');
    const corrupt = await load(page, { variant: 'corrupt', ...DINO });
    expect(corrupt.ok).toBe(false);
    expect(corrupt.error!.message).toMatch(/model file tiny-dinov2\.onnx: sha256 is [0-9a-f]{64}, the manifest expects [0-9a-f]{64} \(corrupt or a different model\)/);
    expect(corrupt.error!.name).toBe('ModelMismatchError');
    expect(await cachedFiles(page)).not.toContain('/iso/models/corrupt/tiny-dinov2.onnx');
    await load(page, { variant: 'corrupt', ...DINO });
    expect(hits('/models/corrupt/tiny-dinov2.onnx')).toBe(2); // fetched again, not reused from the cache

    const wrong = await load(page, { variant: 'wrong', ...SAM });
    expect(wrong.error!.message).toMatch(/model file tiny-sam-decoder\.onnx: has no input "image_embeddings"/);
    const cached = await cachedFiles(page);
    expect(cached).not.toContain('/iso/models/wrong/tiny-sam-decoder.onnx');
    expect(cached).toContain('/iso/models/wrong/tiny-sam-encoder.onnx'); // the good file stays cached

    const garbage = await load(page, { variant: 'garbage', ...DINO });
    expect(garbage.error!.message).toMatch(/model file tiny-dinov2\.onnx: onnxruntime cannot load it on wasm \(not a valid ONNX model/);
    expect(await cachedFiles(page)).not.toContain('/iso/models/garbage/tiny-dinov2.onnx');
  });

  it('a GPU device lost between runs: the run goes on, on WASM, with the reason reported', async () => {
    const page = await open(gpuBrowser, 'iso');
    const r = await gpuLoss(page, { variant: 'good', ...DINO });
    expect(r.error).toBeUndefined();
    expect(r.deviceLost).toMatch(/^destroyed/);
    expect(r.before[0].provider.provider).toBe('webgpu');
    expect(r.after[0].provider.provider).toBe('wasm');
    expect(r.after[0].provider.reason).toMatch(/^fell back from WebGPU to WASM with \d+ threads? .*: the WebGPU device was lost \(destroyed/);
    expect(difference(r.second!, { encoder: node.encoder })).toEqual(SAME);
    expect(difference(r.first, { encoder: node.encoder }).featureMaxAbs).toBeLessThan(GPU_FEATURE_TOL);
  });

  it('a GPU device lost during a run: the run stops with a message saying how to go on', async () => {
    // onnxruntime-web never settles a run whose GPU readback was lost and allows one run at a
    // time, so this page cannot continue on WASM; the message must say so instead of hanging.
    const page = await open(gpuBrowser, 'iso');
    const r = await gpuLoss(page, { variant: 'good', ...DINO, midRun: true });
    expect(r.after[0].provider.reason).toMatch(/fell back from WebGPU .*device was lost/);
    expect(r.error?.message).toMatch(/model file tiny-dinov2\.onnx: WebGPU failed .*device was lost.*reload the page or restart the worker/);
  });
});
