#!/usr/bin/env node
/**
 * bench:viewer — a full-size CT in the viewer (issue 27). ct-abdomen-3mm zoomed to
 * 512×512×224 and written as uncompressed DICOM (make_series.py, into a temp folder), stored
 * in a development Orthanc of its own, opened in the Segment Any Tissue mode in headless
 * Debian chromium; the liver painted on its largest slice with the brush; the tool pressed.
 * Reports press → result split by phase (the run's User Timing marks, run-marks.ts), the
 * longest main-thread task during the run and whose code it was, the renderer's peak memory,
 * the Dice against the zoomed labels; and, in the same run, `sat segment` on the same DICOM
 * folder with the same drawing as its reference. Runs: --runs N (default 3; medians).
 * Ports: SAT_E2E_PORT / SAT_E2E_PACS_PORT (defaults 3243 / 8243). --json prints the figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dice, launchBrowser, openStudy, preparePage, readSegmentation, runTool, startDrawing, stroke, summariseTasks, traceTasks } from '../../e2e/support.mjs';
import { rendererMemory, threadTimes } from './renderer-memory.mjs';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.SAT_DATA_DIR || resolve(root, '../shared/data');
const PACS_PORT = Number(process.env.SAT_E2E_PACS_PORT || 8243);
const WEB_PORT = Number(process.env.SAT_E2E_PORT || 3243);
const PACS = `http://127.0.0.1:${PACS_PORT}/dicom-web`;
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 0) || 3;
const DEPTH = Number(args[args.indexOf('--depth') + 1] || 0) || 224;
const LIVER = 5;
/** An argument chromium ignores, to find our own browser's processes. */
const MARKER = `--sat-bench-viewer=${process.pid}`;
const log = (m) => console.error(`bench:viewer: ${m}`);
const median = (xs) => { const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };

const src = join(dataDir, 'ct-abdomen-3mm');
if (!existsSync(join(src, 'ct.nii.gz'))) {
  console.error(`bench:viewer: SKIPPED — test data not found at ${src} (set SAT_DATA_DIR).`);
  process.exit(0);
}
const { readNifti, niftiToLabels, writeNifti } = require(join(root, 'dist/extension/src/formats/nifti.js'));
const { resampleLabelsToGrid } = require(join(root, 'dist/extension/src/engine/image/resample.js'));
const { PYTHON } = require(join(root, 'dist/tests/support/python.js'));
const { createServer } = await import(join(root, 'platform-config/server.mjs'));

const work = mkdtempSync(join(tmpdir(), 'sat-bench-viewer-'));
const pacsEnv = { ...process.env, SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') };
let browser, server;
const rows = [];
try {
  log(`building the ${DEPTH}-slice 512×512 series in ${work}`);
  const study = execFileSync(PYTHON, [join(root, 'tests/bench/viewer/make_series.py'), join(src, 'ct.nii.gz'), join(src, 'labels.nii.gz'), work, String(DEPTH)], { encoding: 'utf8' }).trim();
  execFileSync(join(root, 'scripts/pacs.sh'), ['start'], { env: pacsEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('node', [join(root, 'scripts/import.mjs'), join(work, 'series')], { env: { ...process.env, SAT_DICOMWEB_URL: PACS }, stdio: ['ignore', 'ignore', 'inherit'] });
  server = createServer({ dicomweb: PACS, pacsName: 'Orthanc (bench)' });
  await new Promise((r) => server.listen(WEB_PORT, '127.0.0.1', r));
  browser = await launchBrowser(['--use-angle=swiftshader', '--enable-unsafe-swiftshader', MARKER]);
  const url = `http://127.0.0.1:${WEB_PORT}/segment-any-tissue?StudyInstanceUIDs=${study}`;
  for (let run = 0; run < RUNS; run++) rows.push(await oneRun(url, run));
  const cli = cliRun(rows[rows.length - 1].referencePath, rows[rows.length - 1].labels);
  report(rows, cli);
} catch (e) {
  console.error(`bench:viewer: FAILED — ${e.stack || e.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  spawnSync(join(root, 'scripts/pacs.sh'), ['stop'], { env: pacsEnv });
  rmSync(work, { recursive: true, force: true });
}

/** A fresh page: open the study, paint the liver on its largest slice, press, measure. */
async function oneRun(url, run) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await preparePage(page);
  page.on('pageerror', (e) => log(`page error: ${e.message.slice(0, 300)}`));
  const opened = Date.now();
  const { geometry, sliceNumbers } = await openStudy(page, url);
  const labels = resampleLabelsToGrid(niftiToLabels(readNifti(new Uint8Array(readFileSync(join(work, 'labels.nii.gz'))))), geometry);
  const [W, H, D] = geometry.dims;
  const len = W * H;
  const perSlice = Array.from({ length: D }, (_, k) => { let c = 0; for (let i = k * len; i < (k + 1) * len; i++) c += labels.data[i] === LIVER ? 1 : 0; return c; });
  const k = perSlice.indexOf(Math.max(...perSlice));
  const brushMm = 8;
  const toPage = await startDrawing(page, k, brushMm);
  const rpx = Math.ceil(brushMm / geometry.spacing[0]);
  const m = (i, j) => i >= 0 && j >= 0 && i < W && j < H && labels.data[(k * H + j) * W + i] === LIVER;
  const inside = (i, j) => { for (let dj = -rpx; dj <= rpx; dj += 2) for (let di = -rpx; di <= rpx; di += 2) if (di * di + dj * dj <= rpx * rpx && !m(i + di, j + dj)) return false; return true; };
  for (let j = 0; j < H; j += Math.max(1, Math.floor(rpx * 1.5))) {
    let a = -1;
    for (let i = 0; i <= W; i++) {
      const inn = i < W && inside(i, j);
      if (inn && a < 0) a = i;
      if (!inn && a >= 0) { await stroke(page, toPage, a, i - 1, j, Math.max(1, Math.ceil((i - a) / (3 * rpx)))); a = -1; }
    }
  }
  await page.waitForTimeout(1000);
  const frames = await page.evaluate(() => window.__sat.cachedFrames());
  const openedS = (Date.now() - opened) / 1000;
  log(`run ${run + 1}: opened and painted in ${openedS.toFixed(1)} s; cornerstone holds ${frames.cached} of ${frames.total} images at the press; load ${loadavg()[0].toFixed(1)}`);
  const drawingId = await page.evaluate(() => window.services.segmentationService.getActiveSegmentation(window.services.viewportGridService.getActiveViewportId())?.segmentationId);
  const drawing = await readSegmentation(page, drawingId);
  const memory = rendererMemory(MARKER);
  const memBefore = memory.now();
  memory.start();
  await page.evaluate(() => performance.clearMarks());
  // --no-trace: the run without Chromium's tracing (its CPU profiler and timeline events cost the run's threads time too).
  const stop = args.includes('--no-trace') ? async () => Object.assign([], { marks: {}, busy: {} }) : await traceTasks(browser, page);
  const load = loadavg()[0];
  const row = {};
  const sched = threadTimes(MARKER);
  const sched0 = sched.snapshot();
  // Sampled during the run: the engine's worker thread ends with the run (its last sample counts).
  let last = { ...sched0 };
  const sampler = setInterval(() => (last = { ...last, ...sched.snapshot() }), 200);
  const r = await runTool(page);
  clearInterval(sampler);
  // Per thread (the busiest of each name): seconds on a core and seconds runnable but waiting for one, press → result.
  row.sched = sched.diff(sched0, { ...last, ...sched.snapshot() });
  log(`  scheduler, press → result (s on a core / s waiting for one): ${JSON.stringify(row.sched)}`);
  await page.waitForTimeout(500); // the viewer's redraw after the last write
  // Only the run's own tasks: from the press to the viewer's redraw after the result (the bench's own page.evaluate calls come before).
  const traced = await stop();
  const tasks = Object.assign(traced.filter((t) => traced.marks?.press === undefined || t.atMs + t.ms >= traced.marks.press), { marks: traced.marks, busy: traced.busy });
  const peak = memory.stop();
  if (r.st.phase !== 'review') throw new Error(`the tool ended with ${r.st.phase}: ${r.st.notice?.text}`);
  const marks = Object.fromEntries((await page.evaluate(() => performance.getEntriesByType('mark').filter((e) => e.name.startsWith('sat:')).map((e) => [e.name.slice(4), e.startTime, e.detail]))).map(([n, t, d]) => [n, { t, d }]));
  const at = (n) => marks[n]?.t;
  const phase = (a, b) => (at(b) - at(a)) / 1000;
  const result = await readSegmentation(page);
  const liver = labels.data.map((v) => (v === LIVER ? 1 : 0));
  const sum = summariseTasks(tasks);
  const longest = tasks.reduce((b, t) => (!b || t.ms > b.ms ? t : b), undefined);
  if (args.includes('--alone')) {
    row.engineAlone = await page.evaluate((id) => window.__sat.engineAlone(id), drawingId);
    log(`run ${run + 1}: the engine alone in a worker of the idle viewer: ${row.engineAlone.toFixed(2)} s (load ${loadavg()[0].toFixed(1)})`);
  }
  const timeLeft = await page.evaluate(() => window.__sat.timeline().map((p) => p.secondsLeft).filter((x) => x !== undefined));
  let worstJump = 0;
  // Rises of the figure shown, from 1 s up (the panel shows whole seconds).
  for (let i = 1; i < timeLeft.length; i++) if (timeLeft[i - 1] >= 1) worstJump = Math.max(worstJump, timeLeft[i] / timeLeft[i - 1] - 1);
  Object.assign(row, {
    load,
    frames: `${frames.cached}/${frames.total}`,
    pressToResult: phase('press', 'result'),
    pressToResultPolled: r.pressToResultMs / 1000,
    read: phase('press', 'read'),
    engineStart: phase('read', 'engine-start'),
    engine: phase('engine-start', 'engine-done'),
    engineOwn: marks['engine-done']?.d?.seconds,
    paint: phase('engine-done', 'result'),
    longestTask: longest?.ms ?? 0,
    longestTaskOurs: longest?.oursMs ?? 0,
    longestOurs: sum.longestOurs,
    tasksOver50: tasks.length,
    oursOver50: tasks.filter((t) => t.oursMs > 50).length,
    peakMiB: peak.rss / 2 ** 20,
    beforeMiB: memBefore.rss / 2 ** 20,
    peakAnonMiB: peak.anon / 2 ** 20,
    beforeAnonMiB: memBefore.anon / 2 ** 20,
    dice: dice(result, liver, r.st.result.labels[0].value),
    timeLeftWorstJump: worstJump,
    stages: r.stages,
  });
  log(`run ${run + 1}: ${JSON.stringify({ ...row, stages: undefined })}`);
  // Where the long tasks fell (s after the press) and what ran in them.
  const press = tasks.marks?.press;
  for (const t of tasks.filter((x) => x.ms >= 100 || x.oursMs >= 50)) log(`  task ${t.ms.toFixed(0)} ms (ours ${t.oursMs.toFixed(0)}) at ${press === undefined ? '?' : ((t.atMs - press) / 1000).toFixed(2)} s: ${t.top.map(await ourSource()).join('; ')}`);
  // How much the threads that compete with the worker ran during the engine phase (s of thread time), and the worker itself.
  const [e0, e1] = [tasks.marks?.['engine-start'], tasks.marks?.['engine-done']];
  if (e0 !== undefined && e1 !== undefined) {
    const within = (spans) => spans.reduce((sum, [a, b, cpu]) => sum + cpu * Math.max(0, Math.min(b, e1) - Math.max(a, e0)), 0) / 1000;
    row.busyDuringEngine = Object.fromEntries(Object.entries(tasks.busy ?? {}).map(([k, v]) => [k, Number(within(v).toFixed(2))]));
    row.workerCpu = row.busyDuringEngine['DedicatedWorker thread'];
    row.competing = Object.entries(row.busyDuringEngine).filter(([k]) => k !== 'DedicatedWorker thread').reduce((a, [, v]) => a + v, 0);
    log(`  busy during the engine phase (${((e1 - e0) / 1000).toFixed(1)} s): ${JSON.stringify(row.busyDuringEngine)}`);
  }
  log(`  marks (s after the press): ${Object.entries(tasks.marks ?? {}).map(([n, v]) => `${n} ${((v - press) / 1000).toFixed(2)}`).join(', ')}`);
  // The same drawing as the CLI's reference: a NIfTI on the viewer's grid (volume order = NIfTI order).
  const referencePath = join(work, 'drawing.nii');
  writeFileSync(referencePath, writeNifti({ ...geometry, data: Uint8Array.from(drawing, (v) => (v ? LIVER : 0)) }, false));
  await page.close();
  return { ...row, referencePath, labels: liver, geometry };
}

/** Names our minified frames ("Fe /sat/extension.js:0:1234") by their source (build/plugin/*.map), when source-map-js is installed. */
async function ourSource() {
  const maps = new Map();
  let lib;
  try { lib = (await import('source-map-js')).default; } catch { return (s) => s; }
  return (s) => {
    const m = /^(\S+) \/sat\/(\S+\.js):(\d+):(\d+)( .*)$/.exec(s);
    if (!m) return s;
    const file = join(root, 'build/plugin', m[2] + '.map');
    if (!maps.has(file)) maps.set(file, existsSync(file) ? new lib.SourceMapConsumer(JSON.parse(readFileSync(file, 'utf8'))) : undefined);
    const p = maps.get(file)?.originalPositionFor({ line: Number(m[3]) + 1, column: Number(m[4]) });
    return p?.source ? `${p.name ?? m[1]} ${p.source.replace(/^.*\/(extension|tests)\//, '$1/')}:${p.line}${m[5]}` : s;
  };
}

/** `sat segment` on the same folder with the same drawing; its own seconds, wall clock, peak RSS, Dice. */
function cliRun(referencePath, liver) {
  const out = join(work, 'cli.nii');
  const t0 = Date.now();
  const p = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'node', join(root, 'bin/sat.js'), 'segment', '--image', join(work, 'series'), '--reference-mask', referencePath, '--label', String(LIVER), '--out', out, '--json'], { encoding: 'utf8' });
  const wall = (Date.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`sat segment failed: ${p.stderr}`);
  const summary = JSON.parse(p.stdout);
  const [rssKb, user, sys] = p.stderr.trim().split('\n').pop().split(' ').map(Number);
  const pred = niftiToLabels(readNifti(new Uint8Array(readFileSync(out))));
  return { seconds: summary.seconds, wall, cpu: user + sys, peakMiB: rssKb / 1024, dice: dice(pred.data, liver, LIVER), load: loadavg()[0] };
}

function report(rs, cli) {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const med = (key) => median(rs.map((r) => r[key]));
  const lines = [
    `bench:viewer — ${DEPTH}-slice 512×512 CT (ct-abdomen-3mm zoomed), liver painted on its largest slice; ${rs.length} runs, medians; load average at the press ${rs.map((r) => f(r.load)).join(', ')}`,
    '',
    '| | median | runs |',
    '|---|---|---|',
    ...[
      ['press → result (s)', 'pressToResult', 1],
      ['  read the series (s)', 'read', 2],
      ['  engine start (s)', 'engineStart', 2],
      ['  engine (s)', 'engine', 2],
      ["  engine, the worker's own seconds", 'engineOwn', 2],
      ['  engine alone, idle viewer (--alone)', 'engineAlone', 2],
      ["  the worker thread's run time in the engine phase (s)", 'workerCpu', 2],
      ["  the browser's other threads' run time then (s)", 'competing', 2],
      ['  paint (s)', 'paint', 2],
      ['longest main-thread task (ms)', 'longestTask', 0],
      ['  of which our code (ms)', 'longestTaskOurs', 0],
      ['most of our code in one task (ms)', 'longestOurs', 0],
      ['tasks ≥ 50 ms / with ≥ 50 ms ours', 'tasksOver50', 0],
      ['renderer before the press (MiB)', 'beforeMiB', 0],
      ['renderer peak during the run (MiB)', 'peakMiB', 0],
      ['  its own pages (RssAnon) before the press (MiB)', 'beforeAnonMiB', 0],
      ['  its own pages (RssAnon) peak (MiB)', 'peakAnonMiB', 0],
      ['Dice vs labels (liver)', 'dice', 3],
      ['time left: largest rise', 'timeLeftWorstJump', 2],
    ].map(([name, key, d]) => `| ${name} | ${f(med(key), d)} | ${rs.map((r) => (key === 'tasksOver50' ? `${r.tasksOver50}/${r.oursOver50}` : f(r[key], d))).join(', ')} |`),
    `| images held at the press | | ${rs.map((r) => r.frames).join(', ')} |`,
    '',
    `sat segment (CLI) on the same folder and drawing: engine ${f(cli.seconds, 2)} s, whole process ${f(cli.wall, 1)} s (${f(cli.cpu, 1)} s CPU), peak RSS ${f(cli.peakMiB, 0)} MiB, Dice ${f(cli.dice, 3)} (load ${f(cli.load)})`,
    `worker engine / CLI engine: ${f(med('engineOwn') / cli.seconds, 2)}× (wall clock); the worker thread's own run time in the engine phase / CLI engine: ${f(med('workerCpu') / cli.seconds, 2)}×`,
  ];
  console.log(lines.join('\n'));
  if (args.includes('--json')) console.log(JSON.stringify({ runs: rs.map((r) => ({ ...r, labels: undefined, geometry: undefined })), cli }));
}
