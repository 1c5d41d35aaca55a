/**
 * Shared by the browser tests: headless Debian chromium, the test-only hooks extension added to
 * the app config (window.__sat), main-thread long tasks recorded from the first script on, and
 * small steps (open a study, draw, run the tool, leave the mode).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BROWSER_ARGS = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser(extraArgs = ['--disable-gpu']) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...BROWSER_ARGS, ...extraArgs] });
}

/**
 * Before the page loads: the app config gains e2e-hooks.js (and, if given, another
 * segmentAnyTissue.models setting), and a PerformanceObserver records every long task.
 */
export async function preparePage(page, { models } = {}) {
  await page.route('**/app-config.js', async (route) => {
    let body = await (await route.fetch()).text();
    body = body.replace("extensions: [location.origin + '/sat/extension.js']", "extensions: [location.origin + '/sat/extension.js', location.origin + '/sat/e2e-hooks.js']");
    if (models) body = body.replace(/models: \{[^}]*\}/, `models: ${JSON.stringify(models)}`);
    if (!body.includes('/sat/e2e-hooks.js')) throw new Error('the app config no longer lists /sat/extension.js as the tests expect');
    await route.fulfill({ body, contentType: 'text/javascript' });
  });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function openStudy(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => { try { return window.__sat?.series().geometry.dims[2] > 0 && document.querySelector('canvas'); } catch { return false; } }, null, { timeout: 120000 });
  await page.waitForTimeout(2000);
  return page.evaluate(() => window.__sat.series());
}

/** A new segmentation with the brush active, slice k shown; returns voxel (i, j) → page pixel. */
export async function startDrawing(page, k, brushMm) {
  await page.getByText('Add segmentation').first().click();
  await page.waitForTimeout(800);
  await page.locator('[data-cy="Brush"]').first().click();
  await page.waitForTimeout(300);
  if (brushMm) await page.evaluate((mm) => window.__sat.setBrushSize(mm), brushMm);
  return showSliceForDrawing(page, k);
}

export async function showSliceForDrawing(page, k) {
  await page.evaluate((kk) => window.__sat.showSlice(kk), k);
  await page.waitForTimeout(800);
  const A = await page.evaluate((kk) => window.__sat.pixelToPage(kk), k);
  return (i, j) => [A.o[0] + A.di[0] * i + A.dj[0] * j, A.o[1] + A.di[1] * i + A.dj[1] * j];
}

export async function stroke(page, toPage, i0, i1, j, steps = 4) {
  const [x0, y0] = toPage(i0, j), [x1, y1] = toPage(i1, j);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps });
  await page.mouse.up();
}

/**
 * Press the toolbar button and wait until the run has settled; returns the state, the run's time
 * window, and what the page itself saw (polled every 10 ms in the page): the time from the press
 * to the first segmented slice and to the result, and every stage line the panel showed.
 */
export async function runTool(page, timeout = 600000) {
  const before = await page.evaluate(() => window.__sat.settledRuns());
  await page.evaluate(() => {
    const r = (window.__satRunWatch = { pressed: undefined, firstSlice: undefined, result: undefined, stages: [], stop: false });
    document.addEventListener('click', (e) => { if (r.pressed === undefined && e.target.closest?.('[data-cy="SegmentAnyTissue"]')) r.pressed = performance.now(); }, { capture: true, once: false });
    const tick = () => {
      const st = window.__sat.state();
      const stage = st.progress?.stage;
      if (stage && r.stages[r.stages.length - 1] !== stage) r.stages.push(stage);
      if (r.pressed !== undefined && r.firstSlice === undefined && (st.liveCells ?? []).some((c) => c.kind !== 'pending' && c.kind !== 'reference')) r.firstSlice = performance.now();
      if (r.pressed !== undefined && r.result === undefined && st.phase === 'review') r.result = performance.now();
      if (!r.stop) setTimeout(tick, 10);
    };
    tick();
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  await page.waitForFunction((n) => window.__sat.settledRuns() > n, before, { timeout, polling: 250 });
  const t1 = await page.evaluate(() => performance.now());
  const st = await page.evaluate(() => window.__sat.state());
  const seen = await page.evaluate(() => {
    const r = window.__satRunWatch;
    r.stop = true;
    const since = (t) => (t === undefined || r.pressed === undefined ? undefined : Math.round(t - r.pressed));
    return { pressToFirstSliceMs: since(r.firstSlice), pressToResultMs: since(r.result), stages: r.stages };
  });
  return { st, window: [t0, t1], ...seen };
}

/** The longest main-thread task (ms) inside the given time windows, and how many over 100 ms. */
export async function longestTask(page, windows) {
  const tasks = await page.evaluate(() => window.__longTasks);
  const inside = tasks.filter((t) => windows.some(([a, b]) => t.start + t.duration >= a && t.start <= b));
  return { longest: inside.reduce((m, t) => Math.max(m, t.duration), 0), over100: inside.filter((t) => t.duration > 100).length, count: inside.length };
}

export const readSegmentation = async (page, id) => Buffer.from((await page.evaluate((x) => window.__sat.readSegmentation(x), id)) ?? '', 'base64');

/** The viewport overlay's "(n/N)" image index. */
export async function shownSliceNumber(page) {
  const text = await page.evaluate(() => [...document.querySelectorAll('.overlay-item')].map((e) => e.textContent).join(' '));
  const m = text.match(/\((\d+)\/(\d+)\)/) ?? text.match(/\b(\d+)\/(\d+)\b/);
  return m ? Number(m[1]) : undefined;
}

export function dice(a, b, value) {
  let inter = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] === value ? 1 : 0, y = b[i] ? 1 : 0; inter += x & y; na += x; nb += y; }
  return (2 * inter) / Math.max(1, na + nb);
}

/** Names the tissue in the panel from the presets (by its key, e.g. 'liver'). */
export async function nameTissue(page, presetKey) {
  await page.locator('[data-testid="sat-tissue-preset"]').first().selectOption(presetKey);
  await page.waitForTimeout(200);
}

/**
 * Main-thread tasks of at least 50 ms between start() and stop(), from a Chromium trace with
 * CPU samples. For each: how long it ran, and how much of it was spent with our plugin's code
 * (files under /sat/) on the stack: the tool's own share. The rest of a long task is the
 * viewer's own work (redraws, its React panels, segment statistics).
 */
export async function traceTasks(browser, page) {
  await browser.startTracing(page, { categories: ['blink.user_timing', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
  return async () => {
    const events = JSON.parse((await browser.stopTracing()).toString('utf8')).traceEvents;
    const names = {};
    for (const e of events) if (e.name === 'thread_name') names[`${e.pid}:${e.tid}`] = e.args.name;
    const mainKey = Object.keys(names).find((t) => names[t] === 'CrRendererMain');
    if (!mainKey) return [];
    const [pid, tid] = mainKey.split(':').map(Number);
    const profile = events.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
    const nodes = new Map();
    const samples = [];
    const deltas = [];
    for (const e of events) {
      if (e.name !== 'ProfileChunk' || e.pid !== pid || e.id !== profile?.id) continue;
      for (const n of e.args.data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
      samples.push(...(e.args.data.cpuProfile?.samples ?? []));
      deltas.push(...(e.args.data.timeDeltas ?? []));
    }
    const ours = new Map();
    const isOurs = (id) => {
      if (ours.has(id)) return ours.get(id);
      const n = nodes.get(id);
      const v = Boolean(n && ((n.callFrame?.url ?? '').includes('/sat/') || (n.parent !== undefined && isOurs(n.parent))));
      ours.set(id, v);
      return v;
    };
    let t = profile?.args?.data?.startTime ?? 0;
    const times = deltas.map((d) => (t += d));
    const tasks = events.filter((e) => e.pid === pid && e.tid === tid && e.name === 'RunTask' && e.dur >= 50000);
    const ownFrame = (id) => (nodes.get(id)?.callFrame?.url ?? '').includes('/sat/');
    // The run's User Timing marks (run-marks.ts), on the trace's clock, so tasks can be placed in the run's phases.
    const marks = {};
    for (const e of events) if (e.pid === pid && typeof e.name === 'string' && e.name.startsWith('sat:') && (e.ph === 'R' || e.ph === 'I' || e.ph === 'n' || e.ph === 'b')) marks[e.name.slice(4)] ??= e.ts / 1000;
    const frameName = (id) => { const f = nodes.get(id)?.callFrame; return f ? `${f.functionName || '(anonymous)'} ${(f.url ?? '').replace(/^.*\/sat\//, '/sat/').replace(/^.*\//, (m) => (m.startsWith('/sat/') ? m : ''))}:${f.lineNumber}:${f.columnNumber}` : '?'; };
    const out = tasks.map((task) => {
      let all = 0;
      let mine = 0;
      let self = 0;
      const hot = new Map();
      times.forEach((ts, i) => {
        if (ts < task.ts || ts > task.ts + task.dur) return;
        all++;
        if (isOurs(samples[i])) mine++;
        if (ownFrame(samples[i])) self++;
        const name = frameName(samples[i]);
        hot.set(name, (hot.get(name) ?? 0) + 1);
      });
      const ms = task.dur / 1000;
      const top = [...hot].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, c]) => `${n} ${((ms * c) / all).toFixed(0)} ms`);
      // oursMs: with the tool's code anywhere on the stack (the viewer's handlers it calls included); selfMs: in the tool's own functions.
      // atMs: the task's start on the trace clock; top: the functions most samples were in.
      return { ms, oursMs: all ? (ms * mine) / all : 0, selfMs: all ? (ms * self) / all : 0, atMs: task.ts / 1000, top };
    });
    out.marks = marks;
    // Every task of the threads that compete with the engine's worker for the CPU (and the worker's own), as [start, end, cpu share], ms on the trace clock.
    out.busy = {};
    for (const e of events) {
      const name = names[`${e.pid}:${e.tid}`];
      if (e.name !== 'RunTask' || !e.dur || !['CrRendererMain', 'CrGpuMain', 'VizCompositorThread', 'Compositor', 'DedicatedWorker thread'].includes(name)) continue;
      const key = name === 'CrRendererMain' && e.pid !== pid ? 'other renderer' : name;
      // cpu: the share of the task's wall time the thread actually ran (its thread duration, where the trace has it).
      (out.busy[key] ??= []).push([e.ts / 1000, (e.ts + e.dur) / 1000, e.tdur ? Math.min(1, e.tdur / e.dur) : 1]);
    }
    return out;
  };
}

/** The longest task, the most time our code took within one task, and the tasks over 100 ms. */
export function summariseTasks(tasks) {
  const max = (f) => tasks.reduce((m, t) => Math.max(m, f(t)), 0);
  return { longest: max((t) => t.ms), longestOurs: max((t) => t.oursMs), longestSelf: max((t) => t.selfMs), over100: tasks.filter((t) => t.ms > 100), oursOver100: tasks.filter((t) => t.oursMs > 100), count: tasks.length };
}

/**
 * How the last run's time-left estimates compare with the time that was really left, from
 * 20 % of the run's duration on: the worst relative error, and how many estimates were off by
 * more than ±50 % and more than the panel's 1 s resolution.
 */
export async function timeLeftAccuracy(page) {
  const tl = await page.evaluate(() => window.__sat.timeline());
  if (tl.length < 2) return { points: 0, worst: 0, bad: [] };
  const start = tl[0].t;
  const end = tl[tl.length - 1].t;
  const points = tl.filter((p) => p.phase === 'running' && p.secondsLeft !== undefined && p.t - start >= 0.2 * (end - start) && p.t < end);
  const rows = points.map((p) => ({ estimate: p.secondsLeft, actual: (end - p.t) / 1000 }));
  const bad = rows.filter((r) => Math.abs(r.estimate - r.actual) > 0.5 * r.actual && Math.abs(r.estimate - r.actual) > 1);
  const worst = rows.reduce((m, r) => Math.max(m, Math.abs(r.estimate - r.actual) / Math.max(r.actual, 1e-3)), 0);
  return { points: rows.length, worst, bad, seconds: (end - start) / 1000 };
}

/**
 * Starts the test Orthanc (scripts/pacs.sh with pacsEnv) and stores the labelled CT series as a
 * user would: its UIDs are blank (anonymised) and a PACS refuses that, so `npm run import
 * --fill-uids` sends copies with UIDs (the source is not written). Returns the study's UID.
 */
export async function startPacsWithCtSeries(root, dataDir, pacs, pacsEnv) {
  execFileSync(join(root, 'scripts/pacs.sh'), ['start'], { env: pacsEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('node', [join(root, 'scripts/import.mjs'), join(dataDir, 'ct-abdomen-dicom/series'), '--fill-uids'], { env: { ...process.env, SAT_DICOMWEB_URL: pacs }, stdio: 'inherit' });
  const studies = await (await fetch(`${pacs}/studies`)).json();
  if (studies.length !== 1) throw new Error(`the test Orthanc holds ${studies.length} studies after the import; expected 1`);
  return studies[0]['0020000D'].Value[0];
}
