#!/usr/bin/env node
/**
 * End to end, learned models in the real viewer (headless Debian chromium via playwright-core).
 * Generates the tiny contract-exact ONNX models, installs them with `sat models install` into a
 * temp folder that our server serves at /sat-models/, opens a small real CT study (the built-in
 * demo DICOMweb, no PACS needed), paints one brush stroke and runs the tool:
 *   1. browser with WebGPU (SwiftShader), setting {segmenter: 'embedded'}: the panel reports the
 *      learned encoder on WebGPU next to the embedded segmenter (any mix works);
 *   2. browser without WebGPU flags, default setting ('auto'): both learned models on WASM
 *      (threads, cross-origin isolated) with the reason;
 *   3. a second server whose encoder file is corrupt: the run stops and the panel names the file.
 * Tiny random-ish models cannot segment: this checks the wiring, not Dice. No request may leave
 * our origin (onnxruntime's .mjs/.wasm come from /sat/ort/). Screenshots go to tests/artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openForDrawing } from './draw-setup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.SAT_DATA_DIR || resolve(root, '../shared/data');
const ART = join(root, 'tests', 'artifacts');
const PORT = Number(process.env.SAT_E2E_PORT || 3143); // runs after viewer.e2e.mjs has closed it
const BAD_PORT = PORT + 10;
const RUN_TIMEOUT_MS = Number(process.env.SAT_LEARNED_E2E_RUN_TIMEOUT_MS || 60000);
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-vulkan=swiftshader', '--disable-vulkan-surface'];
const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const step = (m) => console.log(`learned-e2e: ${m}`);
const failures = [];
const check = (ok, what) => { if (ok) step(`ok: ${what}`); else { failures.push(what); console.error(`learned-e2e: FAIL — ${what}`); } };

const { createServer } = await import(join(root, 'platform-config/server.mjs'));
const { cspWatch } = await import(join(root, 'tests/e2e/csp-watch.mjs'));
const csp = cspWatch();
const { demoDicomweb, defaultDemoFolder } = await import(join(root, 'platform-config/demo-dicomweb.mjs'));

mkdirSync(ART, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sat-learned-e2e-'));
const servers = [];
const browsers = [];

/** Tiny models generated and installed the way a user installs real ones. */
function installTinyModels() {
  const gen = join(work, 'generated');
  execFileSync('/usr/bin/python3', [join(root, 'scripts/models/make_test_models.py'), gen], { stdio: 'pipe' });
  const good = join(work, 'models');
  execFileSync('node', [join(root, 'bin/sat.js'), 'models', 'install', gen, '--dir', good], { stdio: 'pipe' });
  const bad = join(work, 'models-corrupt');
  cpSync(good, bad, { recursive: true });
  const f = join(bad, 'tiny-dinov2.onnx');
  const b = readFileSync(f);
  for (let i = b.length >> 1; i < (b.length >> 1) + 16; i++) b[i] ^= 0xff; // same size, different bytes
  writeFileSync(f, b);
  return { good, bad };
}

async function serve(port, modelDir, demo) {
  const s = createServer({ demo, pacsName: 'Demo (learned e2e)', modelDir, onCspViolation: csp.onCspViolation });
  await new Promise((r) => s.listen(port, '127.0.0.1', r));
  servers.push(s);
  return `http://127.0.0.1:${port}`;
}

async function launch(name, extraArgs) {
  const b = await chromium.launchPersistentContext(join(work, `profile-${name}`), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1200, height: 800 }, args: [...BASE_ARGS, ...extraArgs],
  });
  browsers.push(b);
  return b;
}

/** Opens the study, paints one stroke on the middle slice, runs the tool; returns the final state. */
async function runOnce(ctx, origin, study, tag, models) {
  const page = await ctx.newPage();
  await csp.attach(page);
  if (models) {
    // The deployment setting as a site would edit it: segmentAnyTissue.models in the app config.
    await page.route('**/app-config.js', async (route) => {
      const body = (await (await route.fetch()).text()).replace(/models: \{[^}]*\}/, `models: ${JSON.stringify(models)}`);
      await route.fulfill({ body, contentType: 'text/javascript' });
    });
  }
  const foreign = [];
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u); });
  page.on('pageerror', (e) => console.log(`learned-e2e: [${tag}] page error:`, e.message.slice(0, 200)));
  page.on('console', (m) => { if (m.type() === 'error' || (m.type() === 'warning' && /onnx|\bort\b|wasm|webgpu|worker/i.test(m.text()))) console.log(`learned-e2e: [${tag}] console ${m.type()}:`, m.text().slice(0, 200)); });
  const ortFiles = [];
  page.on('request', (r) => { if (r.url().includes('/sat/ort/')) ortFiles.push(r.url().slice(origin.length)); });
  const { geometry, k, toPage } = await openForDrawing(page, `${origin}/segment-any-tissue?StudyInstanceUIDs=${study}`);
  const [W, H, D] = geometry.dims;
  await page.evaluate(() => {
    const tg = window.services.toolGroupService.getToolGroupForViewport(window.services.viewportGridService.getActiveViewportId());
    window.cornerstoneTools.utilities.segmentation.setBrushSizeForToolGroup(tg.id, 15);
  });
  for (const dj of [-0.04, 0, 0.04]) { // three short strokes near the centre: a small blob
    const [x0, y0] = toPage(W * 0.42, H * (0.5 + dj)), [x1, y1] = toPage(W * 0.58, H * (0.5 + dj));
    await page.mouse.move(x0, y0); await page.mouse.down(); await page.mouse.move(x1, y1, { steps: 6 }); await page.mouse.up();
  }
  await page.waitForTimeout(500);
  const stages = new Set();
  const t0 = Date.now();
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  const timeline = [];
  const stagePoll = setInterval(() => page.evaluate(() => window.__satState?.stage).then((s) => {
    if (s && !stages.has(s)) { stages.add(s); timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${s}`); }
  }).catch(() => {}), 150);
  const finished = await page.waitForFunction(() => ['review', 'error', 'cancelled'].includes(window.__satState?.phase), null, { timeout: RUN_TIMEOUT_MS, polling: 200 }).then(() => true, () => false);
  clearInterval(stagePoll);
  if (!finished || process.env.SAT_LEARNED_E2E_VERBOSE) step(`[${tag}] ${finished ? 'finished' : `still running after ${RUN_TIMEOUT_MS / 1000} s`}; stages: ${timeline.join(' | ')}`);
  const st = await page.evaluate(() => window.__satState);
  const panel = await page.locator('[data-testid="sat-panel"]').innerText();
  await page.screenshot({ path: join(ART, `learned-e2e-${tag}.png`) });
  let resultVoxels;
  if (st.phase === 'review') {
    const b64 = await page.evaluate(() => window.__segmentAnyTissue.readResult());
    const r = Buffer.from(b64 ?? '', 'base64');
    resultVoxels = r.length === W * H * D ? r.reduce((a, v) => a + (v ? 1 : 0), 0) : -1;
  }
  step(`[${tag}] ${st.phase} in ${((Date.now() - t0) / 1000).toFixed(1)} s; backend ${JSON.stringify(st.backend)}; result voxels ${resultVoxels}; ort files ${[...new Set(ortFiles)].join(', ') || 'none'}`);
  step(`[${tag}] panel: ${panel.replace(/\s+/g, ' ').slice(0, 400)}`);
  await page.close();
  return { st, panel, resultVoxels, stages: [...stages], foreign, ortFiles };
}

try {
  step('generating and installing the tiny models');
  const dirs = installTinyModels();
  const ct3 = join(dataDir, 'dicom-seg-dcmqi/ct-3slice');
  const folder = existsSync(ct3) ? ct3 : defaultDemoFolder(); // a 3-slice real CT keeps the SwiftShader run short
  step(`study: ${folder}`);
  const demo = await demoDicomweb(folder);
  const origin = await serve(PORT, dirs.good, demo);
  const badOrigin = await serve(BAD_PORT, dirs.bad, demo);
  const study = (await (await fetch(`${origin}/dicom-web/studies`)).json())[0]['0020000D'].Value[0];

  step('1. WebGPU browser (SwiftShader)');
  const gpu = await launch('webgpu', WEBGPU_ARGS);
  // A mix: learned encoder on WebGPU, embedded segmenter. The tiny SAM decoder takes minutes on
  // SwiftShader (a CPU emulation of a GPU); its WebGPU path is covered by the speed benchmarks.
  const a = await runOnce(gpu, origin, study, 'webgpu', { baseUrl: '/sat-models/', encoder: 'auto', segmenter: 'embedded' });
  check(a.st.phase === 'review', `WebGPU run completes (${a.st.phase}: ${a.st.message})`);
  check(a.st.backend?.kind === 'mixed' && /tiny-dinov2 \(learned\)/.test(a.st.backend.encoder) && /\(embedded\)/.test(a.st.backend.segmenter), 'the setting gives a learned encoder + embedded segmenter');
  check(a.st.backend?.device === 'WebGPU', `device is WebGPU (${a.st.backend?.device})`);
  check(/tiny-dinov2 \(learned\).*WebGPU — WebGPU adapter available/.test(a.panel), 'the panel text shows the learned model on WebGPU and why');
  check(a.resultVoxels >= 0, `a result was written into the viewer (${a.resultVoxels} voxels)`);
  check(a.stages.some((s) => /^(Downloading|Checking) tiny-/.test(s)), `download progress shown (${a.stages.filter((s) => /tiny-/.test(s)).slice(0, 3).join(' | ')})`);
  check(a.ortFiles.some((u) => u.endsWith('.wasm')), 'onnxruntime wasm fetched from /sat/ort/ on our origin');
  check(a.foreign.length === 0, `no request left our origin (${a.foreign.slice(0, 3).join(', ')})`);

  step('2. browser without WebGPU flags');
  const cpu = await launch('wasm', ['--disable-gpu']);
  const b = await runOnce(cpu, origin, study, 'wasm');
  check(b.st.phase === 'review', `WASM run completes (${b.st.phase}: ${b.st.message})`);
  check(b.st.backend?.kind === 'learned' && /tiny-dinov2/.test(b.st.backend.encoder) && /tiny-sam/.test(b.st.backend.segmenter), 'default setting ("auto"): both stages use the installed learned models');
  check(/learned models \(tiny-dinov2 \(learned\) \+ tiny-sam \(learned\)\), WASM/.test(b.panel), 'the panel text shows the learned models on WASM');
  check(b.resultVoxels >= 0, `a result was written into the viewer (${b.resultVoxels} voxels)`);
  check(/^WASM \(\d+ threads?\)$/.test(b.st.backend?.device ?? ''), `device is WASM with threads (${b.st.backend?.device})`);
  check(/WebGPU/.test(b.st.backend?.why ?? '') && /WASM/.test(b.panel), `the reason says why not WebGPU (${b.st.backend?.why})`);
  check(/threads\)$/.test(b.st.backend?.device ?? ''), 'multithreaded WASM (the server sends COOP/COEP)');
  check(b.foreign.length === 0, 'no request left our origin');

  step('3. a corrupt encoder file');
  const c = await runOnce(cpu, badOrigin, study, 'corrupt');
  check(c.st.phase === 'error', `the run stops (${c.st.phase})`);
  check(/tiny-dinov2\.onnx/.test(c.st.message) && /sha256/.test(c.st.message), `the message names the file and the mismatch (${c.st.message})`);
  check(c.panel.includes('tiny-dinov2.onnx'), 'the panel shows that message');
  check(csp.violations.length === 0, `the Content-Security-Policy blocked nothing (${csp.violations.slice(0, 5).join('; ')})`);
} catch (e) {
  failures.push(e.message);
  console.error(`learned-e2e: FAIL — ${e.stack || e.message}`);
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  for (const s of servers) s.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `learned-e2e: FAILED (${failures.length})` : 'learned-e2e: PASSED');
process.exit(failures.length ? 1 : 0);
