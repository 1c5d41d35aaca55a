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
import { BROWSER_ARGS, openStudy, preparePage, readSegmentation, runTool, startDrawing, stroke } from './support.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.SAT_DATA_DIR || resolve(root, '../shared/data');
const ART = join(root, 'tests', 'artifacts');
const PORT = Number(process.env.SAT_E2E_PORT || 3143); // runs after viewer.e2e.mjs has closed it
const BAD_PORT = PORT + 10;
const RUN_TIMEOUT_MS = Number(process.env.SAT_LEARNED_E2E_RUN_TIMEOUT_MS || 60000);
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-vulkan=swiftshader', '--disable-vulkan-surface'];
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

/** The tiny test models (committed fixtures), installed the way a user installs real ones. */
function installTinyModels() {
  const gen = join(root, 'tests/fixtures/models/tiny');
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
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1200, height: 800 }, args: [...BROWSER_ARGS, ...extraArgs],
  });
  browsers.push(b);
  return b;
}

/** Opens the study, paints a small blob on the middle slice, runs the tool; returns the final state and the panel's text. */
async function runOnce(ctx, origin, study, tag, models) {
  const page = await ctx.newPage();
  await csp.attach(page);
  // The deployment setting as a site would edit it: segmentAnyTissue.models in the app config.
  await preparePage(page, { models });
  const foreign = [];
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u); });
  page.on('pageerror', (e) => console.log(`learned-e2e: [${tag}] page error:`, e.message.slice(0, 200)));
  page.on('console', (m) => { if (m.type() === 'error' || (m.type() === 'warning' && /onnx|\bort\b|wasm|webgpu|worker/i.test(m.text()))) console.log(`learned-e2e: [${tag}] console ${m.type()}:`, m.text().slice(0, 200)); });
  const ortFiles = [];
  page.on('request', (r) => { if (r.url().includes('/sat/ort/')) ortFiles.push(r.url().slice(origin.length)); });
  const { geometry } = await openStudy(page, `${origin}/segment-any-tissue?StudyInstanceUIDs=${study}`);
  const [W, H, D] = geometry.dims;
  const toPage = await startDrawing(page, Math.floor(D / 2), 15);
  for (const dj of [-0.04, 0, 0.04]) await stroke(page, toPage, W * 0.42, W * 0.58, H * (0.5 + dj), 6); // a small blob near the centre
  await page.waitForTimeout(500);
  const stages = new Set();
  const t0 = Date.now();
  const timeline = [];
  const stagePoll = setInterval(() => page.evaluate(() => window.__sat.state().progress?.stage).then((s) => {
    if (s && !stages.has(s)) { stages.add(s); timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${s}`); }
  }).catch(() => {}), 150);
  const { st } = await runTool(page, RUN_TIMEOUT_MS).catch(async () => ({ st: await page.evaluate(() => window.__sat.state()) }));
  clearInterval(stagePoll);
  const finished = st.phase === 'review' || st.notice?.kind === 'error';
  if (!finished || process.env.SAT_LEARNED_E2E_VERBOSE) step(`[${tag}] ${finished ? 'finished' : `still running after ${RUN_TIMEOUT_MS / 1000} s`}; stages: ${timeline.join(' | ')}`);
  // The status line's reasons are behind its detail toggle.
  await page.locator('[data-testid="sat-backend"] button').first().click().catch(() => {});
  const panel = await page.locator('[data-testid="sat-panel"]').innerText();
  await page.screenshot({ path: join(ART, `learned-e2e-${tag}.png`) });
  let resultVoxels;
  if (st.phase === 'review') {
    const r = await readSegmentation(page);
    resultVoxels = r.length === W * H * D ? r.reduce((a, v) => a + (v ? 1 : 0), 0) : -1;
  }
  step(`[${tag}] ${st.phase} in ${((Date.now() - t0) / 1000).toFixed(1)} s; backend ${JSON.stringify(st.backend)}; result voxels ${resultVoxels}; ort files ${[...new Set(ortFiles)].join(', ') || 'none'}`);
  step(`[${tag}] panel: ${panel.replace(/\s+/g, ' ').slice(0, 400)}`);
  await page.close();
  return { st, message: st.notice?.text ?? '', panel, resultVoxels, stages: [...stages], foreign, ortFiles };
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
  check(a.st.phase === 'review', `WebGPU run completes (${a.st.phase}: ${a.message})`);
  check(a.st.backend?.kind === 'mixed' && /tiny-dinov2 \(learned\)/.test(a.st.backend.encoder) && /\(embedded\)/.test(a.st.backend.segmenter), 'the setting gives a learned encoder + embedded segmenter');
  check(a.st.backend?.device === 'WebGPU', `device is WebGPU (${a.st.backend?.device})`);
  check(/Learned \+ embedded models · WebGPU/.test(a.panel) && /tiny-dinov2 \(learned\)/.test(a.panel) && /WebGPU adapter available/.test(a.panel), 'the status line shows the learned model on WebGPU, and its details why');
  check(a.resultVoxels >= 0, `a result was written into the viewer (${a.resultVoxels} voxels)`);
  check(a.stages.some((s) => /^(Downloading|Checking) tiny-/.test(s)), `download progress shown (${a.stages.filter((s) => /tiny-/.test(s)).slice(0, 3).join(' | ')})`);
  check(a.ortFiles.some((u) => u.endsWith('.wasm')), 'onnxruntime wasm fetched from /sat/ort/ on our origin');
  check(a.foreign.length === 0, `no request left our origin (${a.foreign.slice(0, 3).join(', ')})`);

  step('2. browser without WebGPU flags');
  const cpu = await launch('wasm', ['--disable-gpu']);
  const b = await runOnce(cpu, origin, study, 'wasm');
  check(b.st.phase === 'review', `WASM run completes (${b.st.phase}: ${b.message})`);
  check(b.st.backend?.kind === 'learned' && /tiny-dinov2/.test(b.st.backend.encoder) && /tiny-sam/.test(b.st.backend.segmenter), 'default setting ("auto"): both stages use the installed learned models');
  check(/Learned models · WASM/.test(b.panel) && /tiny-dinov2 \(learned\)/.test(b.panel) && /tiny-sam \(learned\)/.test(b.panel), 'the status line shows the learned models on WASM');
  check(b.resultVoxels >= 0, `a result was written into the viewer (${b.resultVoxels} voxels)`);
  check(/^WASM \(\d+ threads?\)$/.test(b.st.backend?.device ?? ''), `device is WASM with threads (${b.st.backend?.device})`);
  check(/WebGPU/.test(b.st.backend?.why ?? '') && /WASM/.test(b.panel), `the reason says why not WebGPU (${b.st.backend?.why})`);
  check(/threads\)$/.test(b.st.backend?.device ?? ''), 'multithreaded WASM (the server sends COOP/COEP)');
  check(b.foreign.length === 0, 'no request left our origin');

  step('3. a corrupt encoder file');
  const c = await runOnce(cpu, badOrigin, study, 'corrupt');
  check(c.st.phase === 'idle' && c.st.notice?.kind === 'error', `the run stops with an error (${c.st.phase}, ${c.st.notice?.kind})`);
  check(/tiny-dinov2\.onnx/.test(c.message) && /sha256/.test(c.message), `the message names the file and the mismatch (${c.message})`);
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
