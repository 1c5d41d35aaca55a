/**
 * One run of the engine in its Web Worker: the volume and the reference go in (transferred,
 * not copied), backend lines, progress and finished slices come out, and Cancel terminates
 * the worker.
 */
import type { SegmentationResult } from '../../engine';
import type { FromWorker, RunMessage } from '../../worker/protocol';
import type { EngineWorker } from './viewer-host';

export interface EngineHandlers {
  backend(line: Extract<FromWorker, { type: 'backend' }>): void;
  progress(p: Extract<FromWorker, { type: 'progress' }>['progress']): void;
  slice(s: Extract<FromWorker, { type: 'slice' }>): void;
}

export function cancelledError(): Error {
  const e = new Error('Segmentation was cancelled.');
  e.name = 'CancelledError';
  return e;
}

export class EngineRun {
  readonly done: Promise<SegmentationResult>;
  /** The series' pixels, back from the worker with the result (the main thread's copy was transferred to it). */
  returnedImage?: Float32Array;
  private reject?: (e: Error) => void;
  private finished = false;

  constructor(private readonly worker: EngineWorker, message: RunMessage, handlers: EngineHandlers) {
    this.done = new Promise<SegmentationResult>((resolve, reject) => {
      this.reject = reject;
      worker.onFailure((why) => this.finish(() => reject(new Error(`The segmentation worker failed: ${why}`))));
      worker.onMessage((m) => {
        if (this.finished) return;
        if (m.type === 'backend') handlers.backend(m);
        else if (m.type === 'progress') handlers.progress(m.progress);
        else if (m.type === 'slice') handlers.slice(m);
        else if (m.type === 'done') {
          this.returnedImage = m.image;
          this.finish(() => resolve(m.result));
        }
        else if (m.type === 'error') {
          const e = new Error(m.message);
          e.name = m.name;
          this.finish(() => reject(e));
        }
      });
    });
    worker.post(message, [message.image.data.buffer, message.referenceMask.data.buffer] as ArrayBuffer[]);
  }

  cancel(): void {
    const reject = this.reject;
    this.finish(() => reject?.(cancelledError()));
  }

  private finish(then: () => void): void {
    if (this.finished) return;
    this.finished = true;
    this.worker.terminate();
    then();
  }
}
