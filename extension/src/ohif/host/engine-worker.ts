/** The engine's Web Worker (a module worker chunk next to extension.js), wrapped for the controller. */
import type { EngineWorker } from '../controller/viewer-host';
import type { FromWorker } from '../../worker/protocol';

export function startEngineWorker(): EngineWorker {
  const worker = new Worker(new URL('../../worker/sat.worker.ts', import.meta.url), { type: 'module', name: 'segment-any-tissue' });
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
