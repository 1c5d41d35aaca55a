/**
 * The browser test page: exposes `satTest` for the jest driver (page.evaluate). Everything goes
 * through the extension's own model classes; onnxruntime-web loads its .mjs/.wasm from this
 * server (ort/ next to the page), never from a CDN.
 */
import { loadLearnedBackends } from '../../../extension/src/models';
import { ort } from '../../../extension/src/models/ort-session';
import type { ExecutionProvider, LearnedBackends, ProviderChoice } from '../../../extension/src/models';
import { CaseResults, runCases } from '../cases';

/** The few DOM globals used here (this project compiles without lib.dom). */
interface PageGlobals {
  location: { href: string };
  crossOriginIsolated?: boolean;
  navigator: { gpu?: unknown };
  caches: {
    open(name: string): Promise<{ match(url: string): Promise<unknown>; keys(): Promise<Array<{ url: string }>> }>;
    delete(name: string): Promise<boolean>;
  };
  satTest?: unknown;
}
const g = globalThis as unknown as PageGlobals;

ort.env.wasm.wasmPaths = new URL('ort/', g.location.href).href;

export interface LoadArgs {
  /** Model folder under models/, e.g. "good". */
  variant: string;
  encoder?: string;
  segmenter?: string;
  providers?: ExecutionProvider[];
  /** Run the fixed workload after loading. */
  run?: boolean;
  /** Sets ort.env.wasm.numThreads first (takes effect only before the page's first session). */
  threads?: number;
  /** gpuLoss: destroy the device during the second run instead of before it. */
  midRun?: boolean;
}

export interface StageReport {
  file: string;
  provider: ProviderChoice;
}

export interface LoadReport {
  ok: boolean;
  error?: { name: string; message: string };
  progress: Array<[string, number, number | null]>;
  stages: StageReport[];
  results?: CaseResults;
  env: { crossOriginIsolated: boolean; hasGpu: boolean; numThreads: number | null };
}

function stages(b: LearnedBackends): StageReport[] {
  const all = [...(b.info.encoder?.files ?? []), ...(b.info.segmenter?.files ?? [])];
  return all.map((f) => ({ file: f.file, provider: { ...f.provider } }));
}

function env(): LoadReport['env'] {
  return {
    crossOriginIsolated: g.crossOriginIsolated === true,
    hasGpu: !!g.navigator.gpu,
    numThreads: ort.env.wasm.numThreads ?? null,
  };
}

function errorOf(e: unknown): { name: string; message: string } {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'non-Error', message: String(e) };
}

function baseUrl(variant: string): string {
  return new URL(`models/${variant}/`, g.location.href).href;
}

async function load(a: LoadArgs): Promise<LoadReport> {
  if (a.threads) ort.env.wasm.numThreads = a.threads;
  const progress: LoadReport['progress'] = [];
  let b: LearnedBackends | undefined;
  try {
    b = await loadLearnedBackends({
      encoder: a.encoder,
      segmenter: a.segmenter,
      baseUrl: baseUrl(a.variant),
      executionProviders: a.providers,
      onProgress: (file, n, total) => progress.push([file, n, total ?? null]),
    });
    const results = a.run ? await runCases(b) : undefined;
    return { ok: true, progress, stages: stages(b), results, env: env() };
  } catch (e) {
    return { ok: false, error: errorOf(e), progress, stages: b ? stages(b) : [], env: env() };
  } finally {
    await b?.dispose();
  }
}

export interface GpuLossReport {
  before: StageReport[];
  after: StageReport[];
  first: CaseResults;
  second?: CaseResults;
  error?: { name: string; message: string };
  deviceLost: string | null;
}

/** Loads on WebGPU, runs once, destroys the GPU device (as a driver reset would), runs again. */
async function gpuLoss(a: LoadArgs): Promise<GpuLossReport> {
  const b = await loadLearnedBackends({ encoder: a.encoder, segmenter: a.segmenter, baseUrl: baseUrl(a.variant), executionProviders: ['webgpu', 'wasm'] });
  try {
    const before = stages(b);
    const first = await runCases(b);
    const device = (ort.env.webgpu as unknown as { device?: { destroy(): void; lost: Promise<{ reason: string; message: string }> } }).device;
    if (!device) throw new Error('no WebGPU device in ort.env.webgpu.device: the sessions did not run on WebGPU');
    const report: GpuLossReport = { before, after: [], first, deviceLost: null };
    try {
      if (a.midRun) {
        // Lose the device while the second run is in flight.
        const second = runCases(b);
        device.destroy();
        report.second = await second;
      } else {
        device.destroy();
        await device.lost;
        report.second = await runCases(b);
      }
    } catch (e) {
      report.error = errorOf(e);
    }
    const info = await device.lost;
    report.deviceLost = `${info.reason}: ${info.message}`;
    report.after = stages(b);
    return report;
  } finally {
    await b.dispose().catch(() => undefined);
  }
}

async function cachedFiles(): Promise<string[]> {
  const c = await g.caches.open('sat-models-v1');
  return (await c.keys()).map((r) => new URL(r.url).pathname);
}

g.satTest = { load, gpuLoss, cachedFiles, env, clearCache: () => g.caches.delete('sat-models-v1') };
