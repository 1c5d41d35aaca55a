#!/usr/bin/env node
// One origin for everything the viewer needs: the prebuilt OHIF app, our plugin (/sat/),
// the app-config, and /dicom-web/ either proxied to a DICOMweb PACS (SAT_DICOMWEB_URL) or
// answered from the built-in demo study. /sat-models/ serves the installed learned models
// (model-assets/installed or SAT_MODEL_DIR) for the viewer's worker. It is a security
// boundary: it serves those folders and the PACS's DICOMweb resources, nothing else
// (server/*.mjs hold the checks), and it logs no request paths (they carry study UIDs).
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appConfigJs } from './app-config.mjs';
import { DEFAULT_STOW_MAX_BYTES, parseByteSize } from './server/byte-size.mjs';
import { parseDicomwebRequest, splitDicomwebTarget } from './server/dicomweb-grammar.mjs';
import { createDicomwebProxy } from './server/dicomweb-proxy.mjs';
import { HttpError, sendText } from './server/http-error.mjs';
import { parseRequestPath } from './server/request-path.mjs';
import { contentSecurityPolicy, inlineScriptHashes, setSecurityHeaders } from './server/security-headers.mjs';
import { assertStaticMethod, resolveInside, sendFile } from './server/static-files.mjs';
import { dicomwebUpstream } from './server/upstream.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const OHIF = join(here, 'ohif-app');
const PLUGIN = join(root, 'build', 'plugin');
const CSP_REPORT_PATH = '/__sat/csp-report';

/** The learned-model setting handed to the viewer; SAT_MODELS (JSON) overrides parts of it. */
function modelSetting(models) {
  if (models) return models;
  if (!process.env.SAT_MODELS) return undefined;
  try { return JSON.parse(process.env.SAT_MODELS); } catch (e) {
    throw new Error(`SAT_MODELS is not JSON (${e.message}); example: SAT_MODELS='{"encoder":"embedded","segmenter":"auto"}'`);
  }
}

function indexScriptHashes(ohifDir) {
  const index = join(ohifDir, 'index.html');
  return existsSync(index) ? inlineScriptHashes(readFileSync(index, 'utf8')) : [];
}

/**
 * @param {object} opt
 * @param {string} [opt.dicomweb]  DICOMweb root of the PACS to proxy (http:// or https://)
 * @param {string} [opt.dicomwebCa]  PEM file of a CA to trust for an https PACS
 * @param {Function} [opt.demo]  the built-in demo study handler, when there is no PACS
 * @param {string} [opt.pacsName]
 * @param {string} [opt.modelDir]
 * @param {string} [opt.ohifDir]  the unpacked OHIF viewer (default platform-config/ohif-app)
 * @param {string} [opt.pluginDir]  our built plugin (default build/plugin)
 * @param {object} [opt.models]
 * @param {number} [opt.maxStowBytes]  largest upload (STOW-RS) forwarded; larger ones get 413
 * @param {(report: unknown) => void} [opt.onCspViolation]  tests: receives the browser's CSP reports
 */
export function createServer({
  dicomweb, dicomwebCa = process.env.SAT_DICOMWEB_CA, demo, pacsName,
  modelDir = process.env.SAT_MODEL_DIR || join(root, 'model-assets', 'installed'), models,
  ohifDir = OHIF, pluginDir = PLUGIN,
  maxStowBytes = parseByteSize(process.env.SAT_STOW_MAX_BYTES, 'SAT_STOW_MAX_BYTES', DEFAULT_STOW_MAX_BYTES),
  onCspViolation,
}) {
  const modelBase = resolve(modelDir);
  const setting = modelSetting(models);
  const proxy = dicomweb ? createDicomwebProxy({ upstream: dicomwebUpstream(dicomweb, { caFile: dicomwebCa }), maxBodyBytes: maxStowBytes }) : undefined;
  const csp = contentSecurityPolicy({ scriptHashes: indexScriptHashes(ohifDir), reportUri: onCspViolation ? CSP_REPORT_PATH : undefined });

  /** A static file, or 404 with a hint. */
  async function serveFrom(req, res, base, segments, cache, missing) {
    assertStaticMethod(req.method);
    const file = await resolveInside(base, segments);
    if (file && await sendFile(req, res, file, cache)) return;
    sendText(res, 404, missing);
  }

  /** /dicom-web…: the grammar decides what passes (PACS and demo alike); OPTIONS is answered here. */
  function serveDicomweb(req, res, { rawPath, rawQuery }) {
    const dw = parseDicomwebRequest(req.method, rawPath, rawQuery);
    if (!dw.ok) throw new HttpError(dw.status, dw.reason, dw.allow ? { Allow: dw.allow.join(', ') } : {});
    if (req.method === 'OPTIONS') { res.writeHead(204, { Allow: dw.allow.join(', '), 'Cache-Control': 'no-store' }); return res.end(); }
    if (proxy) return proxy(req, res, dw);
    if (demo) return demo(req, res, dw.segments, dw.query ? `?${dw.query}` : '');
    return sendText(res, 404, 'Not found: no PACS is configured (SAT_DICOMWEB_URL).');
  }

  async function route(req, res) {
    const dw = splitDicomwebTarget(req.url);
    if (dw) return serveDicomweb(req, res, dw);
    const { segments } = parseRequestPath(req.url);
    const [first, ...rest] = segments;
    // Another spelling of the root (//dicom-web, /dicom%2Dweb): refused, never routed.
    if (first === 'dicom-web') throw new HttpError(400, 'Bad request: the DICOMweb root is /dicom-web, spelled plainly.');
    if (onCspViolation && '/' + segments.join('/') === CSP_REPORT_PATH && req.method === 'POST') return receiveReport(req, res, onCspViolation);
    if (segments.length === 1 && first === 'app-config.js') {
      assertStaticMethod(req.method);
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      return res.end(req.method === 'HEAD' ? undefined : appConfigJs({ pacsName, models: setting }));
    }
    if (first === 'sat') return serveFrom(req, res, pluginDir, rest, 'no-cache', 'Not found (did npm run build:plugin run?)');
    if (first === 'sat-models') {
      // The worker HEADs files to see what is installed: a missing model is a 404, never index.html.
      return serveFrom(req, res, modelBase, rest, 'no-cache', `Model file not installed in ${modelBase} (npm run models:install -- DIR).`);
    }
    if (segments.length === 1 && (first === 'sw.js' || first === 'init-service-worker.js')) {
      // No service worker: it would cache a stale plugin.
      assertStaticMethod(req.method);
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end();
    }
    assertStaticMethod(req.method);
    const file = await resolveInside(ohifDir, segments);
    const last = segments[segments.length - 1] ?? '';
    if (file && await sendFile(req, res, file, last.includes('.bundle.') ? 'max-age=31536000' : 'no-cache')) return;
    // A missing file with an extension is a 404 (a .wasm answered with HTML breaks the codecs); other paths are the app's routes.
    if (extname(last) || last.startsWith('.')) return sendText(res, 404, 'Not found.');
    if (!(await sendFile(req, res, join(ohifDir, 'index.html'), 'no-cache'))) sendText(res, 404, 'The OHIF viewer is not unpacked: run node platform-config/fetch-ohif.mjs');
  }

  const server = http.createServer((req, res) => {
    setSecurityHeaders(res, csp);
    route(req, res).catch((e) => {
      if (e instanceof HttpError) return sendText(res, e.status, e.message, e.headers);
      // Unexpected: say what failed without the path (it may hold patient UIDs).
      console.error(`server: internal error (${e?.code || e?.message || e})`);
      sendText(res, 500, 'Internal server error.');
    });
  });
  // A 2 GiB STOW on a slow link takes longer than Node's default 5 minutes per request.
  server.requestTimeout = 3_600_000;
  return server;
}

/** Collects one CSP violation report (tests only; bounded, never logged). */
function receiveReport(req, res, onReport) {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { if (body.length < 65536) body += c; });
  req.on('end', () => {
    try { onReport(JSON.parse(body)); } catch { onReport(body); }
    res.writeHead(204);
    res.end();
  });
}

async function main() {
  const port = Number(process.env.SAT_PORT || 3000);
  if (!existsSync(join(OHIF, 'index.html'))) { console.error('The OHIF viewer is not unpacked: run node platform-config/fetch-ohif.mjs'); process.exit(2); }
  if (!existsSync(join(PLUGIN, 'extension.js'))) { console.error('The plugin is not built: run npm run build:plugin'); process.exit(2); }
  const dicomweb = process.env.SAT_DICOMWEB_URL;
  let demo, server;
  try {
    if (!dicomweb) {
      const { demoDicomweb } = await import('./demo-dicomweb.mjs');
      demo = await demoDicomweb(process.env.SAT_DEMO_DIR);
    }
    server = createServer({ dicomweb, demo, pacsName: dicomweb ? 'PACS' : 'Demo study' });
  } catch (e) {
    console.error(`server: ${e.message}`);
    process.exit(2);
  }
  const shown = dicomweb ? dicomwebUpstream(dicomweb).display : 'built-in demo study';
  server.on('error', (e) => { console.error(`server: cannot listen on 127.0.0.1:${port} (${e.code || e.message}); set SAT_PORT to a free port.`); process.exit(2); });
  server.listen(port, '127.0.0.1', () => {
    console.log(`Segment Any Tissue viewer: http://127.0.0.1:${port}/  (DICOMweb: ${shown})`);
    const modelDir = resolve(process.env.SAT_MODEL_DIR || join(root, 'model-assets', 'installed'));
    console.log(existsSync(join(modelDir, 'manifest.json'))
      ? `Learned models: ${modelDir} at /sat-models/`
      : `Learned models: none installed in ${modelDir} (the viewer uses the embedded models; npm run models:install -- DIR)`);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
