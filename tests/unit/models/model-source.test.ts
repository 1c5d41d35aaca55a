/** The browser path of model loading (fetch with progress, Cache API) with a stand-in fetch and cache. */
import { evictCached, fetchSource } from '../../../extension/src/models/model-source';

function fakeFetch(bytes: Uint8Array, calls: string[]): typeof fetch {
  return (async (url: string) => {
    calls.push(url);
    return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
  }) as unknown as typeof fetch;
}

describe('fetchSource', () => {
  const bytes = Uint8Array.from({ length: 100000 }, (_, i) => i % 251);

  it('downloads with progress reaching the total (no Cache API in Node: not touched)', async () => {
    const calls: string[] = [];
    const progress: Array<[number, number | undefined]> = [];
    const src = fetchSource('https://models.example/sat', { fetchFn: fakeFetch(bytes, calls) });
    const got = await src.read('m.onnx', (_f, n, t) => progress.push([n, t]));
    expect(Buffer.from(got).equals(Buffer.from(bytes))).toBe(true);
    expect(calls).toEqual(['https://models.example/sat/m.onnx']);
    expect(progress[progress.length - 1]).toEqual([100000, 100000]);
  });

  it('serves the second read from the Cache API and evicts on request', async () => {
    const store = new Map<string, Response>();
    const cache = {
      match: async (u: string) => store.get(u)?.clone(),
      put: async (u: string, r: Response) => void store.set(u, r),
      delete: async (u: string) => store.delete(u),
    };
    (globalThis as { caches?: unknown }).caches = { open: async () => cache };
    try {
      const calls: string[] = [];
      const src = fetchSource('https://models.example/sat/', { fetchFn: fakeFetch(bytes, calls) });
      await src.read('m.onnx');
      const again = await src.read('m.onnx');
      expect(calls.length).toBe(1);
      expect(again.byteLength).toBe(100000);
      await evictCached('https://models.example/sat', 'm.onnx');
      await src.read('m.onnx');
      expect(calls.length).toBe(2);
      // the manifest is never cached: an updated deployment is not checked against a stale one
      await src.read('manifest.json');
      await src.read('manifest.json');
      expect(calls.filter((u) => u.endsWith('/manifest.json')).length).toBe(2);
      expect([...store.keys()].some((u) => u.endsWith('manifest.json'))).toBe(false);
    } finally {
      delete (globalThis as { caches?: unknown }).caches;
    }
  });
});
