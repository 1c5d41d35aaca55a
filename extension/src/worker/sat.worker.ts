/**
 * The Web Worker that runs the SAT engine, so the viewer never freezes. It receives the
 * volume and the reference mask (transferred, not copied) and answers as run-request.ts says.
 * Cancel = the viewer terminates it.
 */
import { runRequest } from './run-request';
import type { ToWorker } from './protocol';

const worker = self as unknown as Worker;
self.onmessage = (ev: MessageEvent<ToWorker>) => void runRequest(ev.data, (m, transfer = []) => worker.postMessage(m, transfer), self.location.href);
