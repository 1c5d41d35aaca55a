#!/usr/bin/env node
// One origin for everything the viewer needs: the prebuilt OHIF app, our plugin (/sat/),
// the app-config, and /dicom-web/ either proxied to a DICOMweb PACS (SAT_DICOMWEB_URL) or
// answered from the built-in demo study. Sends COOP/COEP so multithreaded WASM can run,
// and 404 (never index.html) for a missing file with an extension. /sat-models/ serves the
// installed learned models (model-assets/installed or SAT_MODEL_DIR) for the viewer's worker.
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appConfigJs } from './app-config.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const OHIF = join(here, 'ohif-app');
const PLUGIN = join(root, 'build', 'plugin');

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon', '.map': 'application/json', '.woff2': 'font/woff2', '.woff': 'font/woff', '.txt': 'text/plain',
  '.onnx': 'application/octet-stream',
};

function isolation(res) {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendFile(res, file, cache) {
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Content-Length': statSync(file).size, 'Cache-Control': cache });
  createReadStream(file).pipe(res);
}

/** A file under base for the URL path, or undefined (never escapes base). */
function fileUnder(base, urlPath) {
  const p = normalize(join(base, decodeURIComponent(urlPath)));
  if (!p.startsWith(base)) return undefined;
  return existsSync(p) && statSync(p).isFile() ? p : undefined;
}

function proxy(req, res, upstream) {
  const target = new URL(upstream.replace(/\/$/, '') + req.url.slice('/dicom-web'.length));
  const headers = { ...req.headers, host: target.host };
  const up = http.request(target, { method: req.method, headers }, (ur) => {
    const h = { ...ur.headers };
    res.writeHead(ur.statusCode || 502, h);
    ur.pipe(res);
  });
  up.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`The PACS at ${upstream} did not answer (${e.code || e.message}). Start it with npm run start:pacs or set SAT_DICOMWEB_URL.`);
  });
  req.pipe(up);
}

/** The learned-model setting handed to the viewer; SAT_MODELS (JSON) overrides parts of it. */
function modelSetting(models) {
  if (models) return models;
  if (!process.env.SAT_MODELS) return undefined;
  try { return JSON.parse(process.env.SAT_MODELS); } catch (e) {
    throw new Error(`SAT_MODELS is not JSON (${e.message}); example: SAT_MODELS='{"encoder":"embedded","segmenter":"auto"}'`);
  }
}

export function createServer({ dicomweb, demo, pacsName, modelDir = process.env.SAT_MODEL_DIR || join(root, 'model-assets', 'installed'), models }) {
  const modelBase = resolve(modelDir);
  const setting = modelSetting(models);
  return http.createServer(async (req, res) => {
    isolation(res);
    const path = new URL(req.url, 'http://x').pathname;
    try {
      if (path === '/app-config.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
        return res.end(appConfigJs({ pacsName, models: setting }));
      }
      if (path === '/dicom-web' || path.startsWith('/dicom-web/')) {
        if (dicomweb) return proxy(req, res, dicomweb);
        if (demo) return demo(req, res);
        res.writeHead(404); return res.end();
      }
      if (path.startsWith('/sat/')) {
        const f = fileUnder(PLUGIN, path.slice('/sat/'.length));
        if (f) return sendFile(res, f, 'no-cache');
        res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end('not found (did npm run build:plugin run?)');
      }
      if (path.startsWith('/sat-models/')) {
        // The worker HEADs files to see what is installed: a missing model is a 404, never index.html.
        const f = fileUnder(modelBase, path.slice('/sat-models/'.length));
        if (f) return sendFile(res, f, 'no-cache');
        res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end(`model file not installed in ${modelBase} (npm run models:install -- DIR)`);
      }
      if (path === '/sw.js' || path === '/init-service-worker.js') {
        // No service worker: it would cache a stale plugin.
        res.writeHead(200, { 'Content-Type': 'text/javascript' }); return res.end('');
      }
      const f = fileUnder(OHIF, path);
      if (f) return sendFile(res, f, path.includes('.bundle.') ? 'max-age=31536000' : 'no-cache');
      if (extname(path)) { res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end('not found'); }
      return sendFile(res, join(OHIF, 'index.html'), 'no-cache');
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e && e.message));
    }
  });
}

async function main() {
  const port = Number(process.env.SAT_PORT || 3000);
  if (!existsSync(join(OHIF, 'index.html'))) { console.error('The OHIF viewer is not unpacked: run node platform-config/fetch-ohif.mjs'); process.exit(2); }
  if (!existsSync(join(PLUGIN, 'extension.js'))) { console.error('The plugin is not built: run npm run build:plugin'); process.exit(2); }
  const dicomweb = process.env.SAT_DICOMWEB_URL;
  let demo;
  if (!dicomweb) {
    const { demoDicomweb } = await import('./demo-dicomweb.mjs');
    demo = await demoDicomweb(process.env.SAT_DEMO_DIR);
  }
  const server = createServer({ dicomweb, demo, pacsName: dicomweb ? 'PACS' : 'Demo study' });
  server.listen(port, '127.0.0.1', () => {
    console.log(`Segment Any Tissue viewer: http://127.0.0.1:${port}/  (DICOMweb: ${dicomweb || 'built-in demo study'})`);
    const modelDir = resolve(process.env.SAT_MODEL_DIR || join(root, 'model-assets', 'installed'));
    console.log(existsSync(join(modelDir, 'manifest.json'))
      ? `Learned models: ${modelDir} at /sat-models/`
      : `Learned models: none installed in ${modelDir} (the viewer uses the embedded models; npm run models:install -- DIR)`);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
