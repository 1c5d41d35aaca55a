/**
 * The engine worker's request handling, without a worker: damaged pixels (NaN/Inf) are refused
 * with a message naming the slice as the viewer numbers it; a sound request streams slices and
 * ends with the result.
 */
import type { FromWorker, RunMessage } from '../../../extension/src/worker/protocol';
import { runRequest } from '../../../extension/src/worker/run-request';

const dims: [number, number, number] = [16, 16, 6];
const geometry = { dims, spacing: [1, 1, 2] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as RunMessage['image']['direction'] };

function request(damage?: { k: number; value: number }): RunMessage {
  const len = dims[0] * dims[1];
  const data = new Float32Array(len * dims[2]);
  const mask = new Uint8Array(len * dims[2]);
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < 16; j++) for (let i = 0; i < 16; i++) {
    const inside = (i - 8) ** 2 + (j - 8) ** 2 < 16;
    data[k * len + j * 16 + i] = inside ? 200 : 0;
    if (k === 3 && inside) mask[k * len + j * 16 + i] = 1;
  }
  if (damage) data[damage.k * len + 17] = damage.value;
  return {
    type: 'run',
    image: { ...geometry, data, channels: 1, modality: 'CT' },
    referenceMask: { ...geometry, data: mask },
    models: { encoder: 'embedded', segmenter: 'embedded' },
    // The viewer shows this stack in reverse: slice k is number 6 - k.
    sliceNames: Array.from({ length: dims[2] }, (_, k) => `slice ${dims[2] - k} of ${dims[2]}`),
  };
}

async function run(msg: RunMessage): Promise<FromWorker[]> {
  const out: FromWorker[] = [];
  await runRequest(msg, (m) => out.push(m), 'http://127.0.0.1/sat/chunks/worker.js');
  return out;
}

describe('the engine worker', () => {
  it.each([NaN, Infinity])('refuses a volume holding %s, naming the slice as the viewer numbers it', async (value) => {
    const out = await run(request({ k: 1, value }));
    const err = out.find((m) => m.type === 'error');
    expect(err).toEqual({
      type: 'error',
      name: 'InputError',
      message: 'slice 5 of 6 holds 1 voxel value that is NaN or infinite (the first at column 1, row 1): the pixel data is damaged or could not be decoded; it is not segmented.',
    });
    expect(out.some((m) => m.type === 'slice' || m.type === 'done')).toBe(false);
  });

  it('segments a sound volume: backend line, slices with the worker\'s timestamps, the result', async () => {
    const out = await run(request());
    expect(out.find((m) => m.type === 'backend')).toMatchObject({ kind: 'embedded', at: expect.any(Number) });
    const slices = out.filter((m): m is Extract<FromWorker, { type: 'slice' }> => m.type === 'slice');
    expect(slices.length).toBeGreaterThan(0);
    expect(slices.every((s) => typeof s.at === 'number')).toBe(true);
    expect(out[out.length - 1].type).toBe('done');
  });

  it('looks for learned models once, at prepare, before the press: the run does not look again', async () => {
    const fetched: string[] = [];
    const real = globalThis.fetch;
    globalThis.fetch = (async (url: string) => {
      fetched.push(String(url));
      return new Response('not found', { status: 404 });
    }) as typeof fetch;
    try {
      const models = { baseUrl: '/sat-models/', encoder: 'auto', segmenter: 'auto' };
      await runRequest({ type: 'prepare', models }, () => undefined, 'http://127.0.0.1/sat/chunks/worker.js');
      expect(fetched).toEqual(['http://127.0.0.1/sat-models/manifest.json']);
      const stages = (out: FromWorker[]) => out.flatMap((m) => (m.type === 'progress' ? [m.progress.stage] : []));
      const first = await run({ ...request(), models });
      expect(stages(first)).not.toContain('Looking for learned models…');
      expect(first.find((m) => m.type === 'backend')).toMatchObject({ kind: 'embedded', why: expect.stringMatching(/no learned models are installed/) });
      const second = await run({ ...request(), models });
      expect(stages(second)).not.toContain('Looking for learned models…');
      expect(fetched).toHaveLength(1);
      // other settings (a changed app config) are looked up, and the panel says so
      const other = await run({ ...request(), models: { ...models, segmenter: 'embedded' } });
      expect(stages(other)).toContain('Looking for learned models…');
      expect(fetched).toHaveLength(2);
    } finally {
      globalThis.fetch = real;
    }
  });
});
