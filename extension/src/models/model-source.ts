/**
 * Where model bytes come from: a folder (Node) or a URL base (browser, with download progress
 * and Cache API caching). The browser-only parts are feature-detected so Node never touches them.
 */

/** The slice of the Cache API used here (lib.dom is not in this project's compile). */
interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, r: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
}
interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
}

export type ProgressCallback = (file: string, loadedBytes: number, totalBytes: number | undefined) => void;

export interface ModelSource {
  /** Human-readable origin for messages. */
  readonly description: string;
  read(file: string, onProgress?: ProgressCallback): Promise<Uint8Array>;
}

/** Node: reads files from a folder. fs/path are required lazily so browser bundles need not resolve them. */
export function directorySource(dir: string): ModelSource {
  return {
    description: dir,
    async read(file, onProgress) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const fs = require('fs') as typeof import('fs');
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const path = require('path') as typeof import('path');
      const p = path.join(dir, file);
      if (!fs.existsSync(p)) {
        throw new Error(`model file ${file} is not in ${dir}: install it with \`npm run models:install -- <file>\``);
      }
      const b = new Uint8Array(fs.readFileSync(p));
      onProgress?.(file, b.byteLength, b.byteLength);
      return b;
    },
  };
}

export interface FetchSourceOptions {
  /** Cache API cache name; set false to disable caching. */
  cacheName?: string | false;
  fetchFn?: typeof fetch;
}

/** Browser (or any fetch): downloads baseUrl + file with progress, cached in the Cache API when available. */
export function fetchSource(baseUrl: string, opts: FetchSourceOptions = {}): ModelSource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const fetchFn = opts.fetchFn ?? globalThis.fetch.bind(globalThis);
  const cacheName = opts.cacheName === undefined ? 'sat-models-v1' : opts.cacheName;
  const caches = (globalThis as { caches?: CacheStorageLike }).caches;
  return {
    description: base,
    async read(file, onProgress) {
      const url = base + file;
      // The manifest is small and says what the model files must be: always fetched fresh, so a
      // deployment that updates its models is not judged against a stale cached manifest.
      const cacheable = file !== 'manifest.json';
      const cache = cacheable && cacheName && caches ? await caches.open(cacheName) : undefined;
      const cached = cache ? await cache.match(url) : undefined;
      if (cached) {
        const b = new Uint8Array(await cached.arrayBuffer());
        onProgress?.(file, b.byteLength, b.byteLength);
        return b;
      }
      const res = await fetchFn(url);
      if (!res.ok) throw new Error(`model file ${file}: HTTP ${res.status} from ${url}`);
      const total = Number(res.headers.get('content-length')) || undefined;
      const bytes = await readWithProgress(res, (n) => onProgress?.(file, n, total));
      // Cache only after the caller's checks could run on the same bytes; a wrong file is evicted by loadLearnedBackends.
      if (cache) await cache.put(url, new Response(bytes.slice().buffer, { headers: { 'content-type': 'application/octet-stream' } }));
      return bytes;
    },
  };
}

/** Removes a cached model file (called when its checks fail, so a corrupt download is not reused). */
export async function evictCached(baseUrl: string, file: string, cacheName = 'sat-models-v1'): Promise<void> {
  const caches = (globalThis as { caches?: CacheStorageLike }).caches;
  if (!caches) return;
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  await (await caches.open(cacheName)).delete(base + file);
}

async function readWithProgress(res: Response, progress: (n: number) => void): Promise<Uint8Array> {
  if (!res.body) {
    const b = new Uint8Array(await res.arrayBuffer());
    progress(b.byteLength);
    return b;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.byteLength;
    progress(n);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
