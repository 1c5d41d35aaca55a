/**
 * WASM thread choice in Node (CLI, benchmarks): every core by default, capped, SAT_WASM_THREADS
 * overrides, a host's own setting is kept and a bad override is refused with a clear message.
 */
import * as os from 'os';
import { configureWasmThreads, ort } from '../../../extension/src/models/ort-session';

const saved = { threads: ort.env.wasm.numThreads, env: process.env.SAT_WASM_THREADS };
beforeEach(() => {
  ort.env.wasm.numThreads = undefined;
  delete process.env.SAT_WASM_THREADS;
});
afterAll(() => {
  ort.env.wasm.numThreads = saved.threads;
  if (saved.env === undefined) delete process.env.SAT_WASM_THREADS;
  else process.env.SAT_WASM_THREADS = saved.env;
});

describe('configureWasmThreads (Node)', () => {
  it('uses every core, up to 8, when nothing is set', () => {
    expect(configureWasmThreads()).toBe(Math.min(8, os.availableParallelism()));
    expect(ort.env.wasm.numThreads).toBe(Math.min(8, os.availableParallelism()));
  });

  it('takes SAT_WASM_THREADS and caps it at 8', () => {
    process.env.SAT_WASM_THREADS = '3';
    expect(configureWasmThreads()).toBe(3);
    ort.env.wasm.numThreads = undefined;
    process.env.SAT_WASM_THREADS = '64';
    expect(configureWasmThreads()).toBe(8);
  });

  it('keeps a thread count the host already set', () => {
    ort.env.wasm.numThreads = 1;
    process.env.SAT_WASM_THREADS = '4';
    expect(configureWasmThreads()).toBe(1);
  });

  it('refuses a SAT_WASM_THREADS that is not a positive whole number, naming it', () => {
    for (const bad of ['two', '0', '1.5', '']) {
      ort.env.wasm.numThreads = undefined;
      process.env.SAT_WASM_THREADS = bad;
      expect(() => configureWasmThreads()).toThrow(/SAT_WASM_THREADS=".*" is not a positive whole number/);
    }
  });
});
