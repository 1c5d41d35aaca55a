/**
 * The engine's Web Worker (a module worker chunk next to extension.js), wrapped for the
 * controller. One worker is kept started ahead of the press: it loads its code and looks for
 * the learned models while the user draws, so a run starts at once. Each run takes the warm
 * worker and a new one is started behind it (a run's worker ends with the run, so its memory
 * goes with it, and Cancel can terminate it).
 */
import type { EngineWorker } from '../controller/viewer-host';
import type { FromWorker } from '../../worker/protocol';
import type { ModelSettings } from '../../worker/model-settings';

function startEngineWorker(models: ModelSettings | undefined): EngineWorker {
  const worker = new Worker(new URL('../../worker/sat.worker.ts', import.meta.url), { type: 'module', name: 'segment-any-tissue' });
  worker.postMessage({ type: 'prepare', models });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => {
      worker.onmessage = (ev: MessageEvent<FromWorker>) => handler(ev.data);
    },
    onFailure: (handler) => {
      worker.onerror = (ev) => handler(ev.message || 'it could not start');
    },
    terminate: () => worker.terminate(),
  };
}

export interface WarmWorkers {
  /** Starts the spare worker now (on entering the mode), if none is waiting for these settings. */
  prepare(models: ModelSettings | undefined): void;
  /** The warm worker for a run (started now if there is none), and a new spare behind it. */
  take(models: ModelSettings | undefined): EngineWorker;
  /** Leaving the mode: the spare is terminated. */
  release(): void;
}

export function warmEngineWorkers(): WarmWorkers {
  let spare: { key: string; worker: EngineWorker } | undefined;
  const keyOf = (models: ModelSettings | undefined) => JSON.stringify(models ?? null);
  const prepare = (models: ModelSettings | undefined) => {
    const key = keyOf(models);
    if (spare?.key === key) return;
    spare?.worker.terminate();
    spare = { key, worker: startEngineWorker(models) };
  };
  return {
    prepare,
    take(models) {
      prepare(models);
      const taken = spare!.worker;
      spare = undefined;
      prepare(models);
      return taken;
    },
    release() {
      spare?.worker.terminate();
      spare = undefined;
    },
  };
}
