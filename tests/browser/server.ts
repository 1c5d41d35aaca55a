/**
 * The browser tests' HTTP server: the test page and its bundle, onnxruntime-web's own .mjs/.wasm
 * files (nothing from a CDN) and the model folders. Paths under /iso/ get COOP + COEP (cross-origin
 * isolated: threaded WASM); /plain/ serves the same files without them. Every request is logged so
 * tests can assert what did (or did not) reach the network. Model files are streamed in chunks so
 * the page sees download progress.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';

export interface TestServer {
  origin: string;
  /** Paths requested so far (without the /iso or /plain prefix), in order. */
  requests: string[];
  close(): Promise<void>;
}

export interface ServeRoots {
  /** The built page: index.html + bundle. */
  page: string;
  /** onnxruntime-web's dist folder. */
  ort: string;
  /** Folder holding one sub-folder per model variant. */
  models: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

const CHUNK = 64 * 1024;

export async function startServer(roots: ServeRoots): Promise<TestServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/(iso|plain)(\/.*)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end('use /iso/… or /plain/…');
    const [, mode, rest] = m;
    requests.push(rest);
    if (mode === 'iso') {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    // onnxruntime's files may be HTTP-cached (each page would otherwise fetch and compile 28 MB again);
    // everything else not: only the Cache API may cache models, and the tests count network hits.
    res.setHeader('Cache-Control', rest.startsWith('/ort/') ? 'max-age=3600' : 'no-store');
    const file = resolve(roots, rest);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end(`not found: ${rest}`);
    const bytes = fs.readFileSync(file);
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': bytes.length });
    if (!rest.startsWith('/models/')) return void res.end(bytes);
    // Model files: several chunks with a pause between them, as a real download arrives.
    let o = 0;
    const next = (): void => {
      if (o >= bytes.length) return void res.end();
      res.write(bytes.subarray(o, o + CHUNK));
      o += CHUNK;
      setTimeout(next, 15);
    };
    next();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    // localhost (not 127.0.0.1): a secure context, so navigator.gpu and the Cache API exist.
    origin: `http://localhost:${port}`,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function resolve(roots: ServeRoots, p: string): string | undefined {
  const inside = (root: string, rel: string): string | undefined => {
    const f = path.resolve(root, '.' + path.posix.normalize('/' + rel));
    return f.startsWith(path.resolve(root) + path.sep) ? f : undefined;
  };
  if (p.startsWith('/ort/')) return /\.(mjs|wasm)$/.test(p) ? inside(roots.ort, p.slice(5)) : undefined;
  if (p.startsWith('/models/')) return inside(roots.models, p.slice(8));
  return inside(roots.page, p === '/' ? 'index.html' : p.slice(1));
}
