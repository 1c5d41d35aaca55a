#!/usr/bin/env node
/**
 * End to end in a real browser: headless Debian chromium (playwright-core, never a downloaded
 * browser), our server in front of a test Orthanc loaded with the real CT series of
 * ../shared/data/ct-abdomen-dicom. In the Segment Any Tissue mode: paint the liver on one slice
 * with the brush, run the tool (Dice against labels.nii.gz; the panel docked in OHIF's right
 * panel; strip cells jump to their slice; slice numbers as the viewport shows them); correct
 * the worst slice and run again (kept exactly, listed as corrected); undo and redo the run
 * with Ctrl+Z / Ctrl+Y; cancel a run (nothing half-written, the previous result kept);
 * discard; name the tissue and store the SEG through the viewer's data source (its
 * authorization header reaches the PACS); find it with QIDO, validate it with dciodvfy; reopen
 * the study and see the SEG on the viewport at once (no double-click, no prompt) under the tissue's name; leave the mode during a run (no panel, no
 * worker left). Reports (does not assert: timings on a shared machine) the longest
 * main-thread task during the runs, the most time the tool's own code took in one task, and how
 * the time-left estimate compared with the time really left. Screenshots go to tests/artifacts/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dice, launchBrowser, startPacsWithCtSeries, timeLeftAccuracy, nameTissue, openStudy, preparePage, readSegmentation, runTool, showSliceForDrawing, shownSliceNumber, startDrawing, stroke, summariseTasks, traceTasks } from './support.mjs';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.SAT_DATA_DIR || resolve(root, '../shared/data');
const ART = join(root, 'tests', 'artifacts');
const PACS_PORT = Number(process.env.SAT_E2E_PACS_PORT || 8143);
const WEB_PORT = Number(process.env.SAT_E2E_PORT || 3143);
const PACS = `http://127.0.0.1:${PACS_PORT}/dicom-web`;
const LIVER = 5;
const TOKEN = 'Bearer sat-e2e-token';
const step = (m) => console.log(`e2e: ${m}`);
const failures = [];
const check = (ok, what) => { if (ok) step(`ok: ${what}`); else { failures.push(what); console.error(`e2e: FAIL — ${what}`); } };

if (!existsSync(join(dataDir, 'ct-abdomen-dicom/series'))) {
  console.error(`e2e: SKIPPED — test data not found at ${dataDir}/ct-abdomen-dicom (set SAT_DATA_DIR).`);
  process.exit(0);
}

const { readNifti, niftiToLabels } = require(join(root, 'dist/extension/src/formats/nifti.js'));
const { resampleLabelsToGrid } = require(join(root, 'dist/extension/src/engine/image/resample.js'));
const { qido } = require(join(root, 'dist/extension/src/dicomweb/stow.js'));
const { createServer } = await import(join(root, 'platform-config/server.mjs'));
const { cspWatch } = await import(join(root, 'tests/e2e/csp-watch.mjs'));
const { dicomwebWatch } = await import(join(root, 'tests/e2e/dicomweb-watch.mjs'));
const csp = cspWatch();
const dicomweb = dicomwebWatch(`http://127.0.0.1:${WEB_PORT}`);

mkdirSync(ART, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sat-e2e-'));
const pacsEnv = { ...process.env, SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') };
let browser, server;
/** Main-thread tasks of ≥ 50 ms traced during the runs. */
const runTasks = [];

/** Row-wise runs of pixels (i0..i1 on row j) where ok(i, j) holds, scored by score(i0, i1, j); the best `max` with a positive score. */
function bestRuns(W, H, rowStep, ok, score, max) {
  const runs = [];
  for (let j = 0; j < H; j += rowStep) {
    let a = -1;
    for (let i = 0; i <= W; i++) {
      const inn = i < W && ok(i, j);
      if (inn && a < 0) a = i;
      if (!inn && a >= 0) { runs.push({ i0: a, i1: i - 1, j, score: score(a, i - 1, j) }); a = -1; }
    }
  }
  return runs.filter((r) => r.score > 0).sort((x, y) => y.score - x.score).slice(0, max);
}

const sliceEq = (a, b, k, len) => Buffer.compare(a.subarray(k * len, (k + 1) * len), b.subarray(k * len, (k + 1) * len)) === 0;
const segmentationIds = (page) => page.evaluate(() => window.services.segmentationService.getSegmentations().map((s) => s.segmentationId));
const state = (page) => page.evaluate(() => window.__sat.state());
async function run(page) {
  const stop = await traceTasks(browser, page);
  const r = await runTool(page);
  await page.waitForTimeout(500); // the viewer's redraw after the last write
  runTasks.push(...(await stop()));
  return r.st;
}
const rectOf = (page, sel) => page.locator(sel).first().boundingBox();

try {
  step('starting a test Orthanc');
  const study = await startPacsWithCtSeries(root, dataDir, PACS, pacsEnv);

  server = createServer({ dicomweb: PACS, pacsName: 'Orthanc (e2e)', onCspViolation: csp.onCspViolation });
  await new Promise((r) => server.listen(WEB_PORT, '127.0.0.1', r));
  // WebGL through SwiftShader in the GPU process, as close to a browser with a GPU as this machine gets.
  browser = await launchBrowser(['--use-angle=swiftshader', '--enable-unsafe-swiftshader']);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await csp.attach(page);
  dicomweb.attach(page);
  await preparePage(page);
  page.on('pageerror', (e) => console.log('e2e: page error:', e.message.slice(0, 300)));
  page.on('console', (m) => { if (m.type() === 'error') console.log('e2e: console error:', m.text().slice(0, 300)); });
  const stow = [];
  page.on('request', (r) => { if (r.method() === 'POST' && /\/dicom-web\/studies/.test(r.url())) stow.push({ url: r.url(), type: r.resourceType(), auth: r.headers().authorization }); });

  step('opening the study in the Segment Any Tissue mode');
  const url = `http://127.0.0.1:${WEB_PORT}/segment-any-tissue?StudyInstanceUIDs=${study}`;
  const { geometry, sliceNumbers } = await openStudy(page, url);
  check(await page.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated (COOP/COEP)');
  // A PACS that needs the data source's authorization: OHIF's user authentication service supplies it.
  await page.evaluate((t) => window.services.userAuthenticationService.setServiceImplementation({ getAuthorizationHeader: () => ({ Authorization: t }) }), TOKEN);
  await page.screenshot({ path: join(ART, 'e2e-0-opened.png') });
  {
    // What one redraw of the viewer costs here, without the tool: page through four slices.
    const stop = await traceTasks(browser, page);
    for (const kk of [2, 6, 10, 14]) { await page.evaluate((x) => window.__sat.showSlice(x), kk); await page.waitForTimeout(600); }
    const base = summariseTasks(await stop());
    step(`the viewer alone (paging through 4 slices): longest main-thread task ${base.longest.toFixed(0)} ms, ${base.over100.length} over 100 ms`);
  }

  step('reading labels.nii.gz onto the viewer grid');
  const labels = resampleLabelsToGrid(niftiToLabels(readNifti(new Uint8Array(readFileSync(join(dataDir, 'ct-abdomen-dicom/labels.nii.gz'))))), geometry);
  const [W, H, D] = geometry.dims;
  const len = W * H;
  const perSlice = Array.from({ length: D }, (_, k) => { let c = 0; for (let i = k * len; i < (k + 1) * len; i++) c += labels.data[i] === LIVER ? 1 : 0; return c; });
  const k = perSlice.indexOf(Math.max(...perSlice));
  step(`liver voxels on the grid: ${perSlice.reduce((a, b) => a + b, 0)}; reference slice k=${k}, shown by the viewer as ${sliceNumbers[k]} (${perSlice[k]} px)`);

  step('adding a segmentation and painting the liver with the brush');
  const brushMm = 8;
  const toPage = await startDrawing(page, k, brushMm);
  check((await shownSliceNumber(page)) === sliceNumbers[k], `the viewport shows slice ${sliceNumbers[k]} for k=${k} (overlay ${await shownSliceNumber(page)})`);
  // Pressed before painting: the tool says the drawing is empty; that message must go once the user paints.
  await page.locator('[data-testid="sat-run"]').click();
  await page.waitForFunction(() => /is empty|Draw the tissue/.test(window.__sat.state().notice?.text ?? ''), null, { timeout: 60000 });
  const emptyMsg = await page.locator('[data-testid="sat-message"]').innerText();
  const rpx = Math.ceil(brushMm / geometry.spacing[0]);
  const m = (i, j) => i >= 0 && j >= 0 && i < W && j < H && labels.data[(k * H + j) * W + i] === LIVER;
  const inside = (i, j) => { for (let dj = -rpx; dj <= rpx; dj += 2) for (let di = -rpx; di <= rpx; di += 2) if (di * di + dj * dj <= rpx * rpx && !m(i + di, j + dj)) return false; return true; };
  let strokes = 0;
  for (let j = 0; j < H; j += Math.max(1, Math.floor(rpx * 1.5))) {
    let a = -1;
    for (let i = 0; i <= W; i++) {
      const inn = i < W && inside(i, j);
      if (inn && a < 0) a = i;
      if (!inn && a >= 0) { await stroke(page, toPage, a, i - 1, j, Math.max(1, Math.ceil((i - a) / (3 * rpx)))); strokes++; a = -1; }
    }
  }
  step(`${strokes} brush strokes`);
  await page.waitForTimeout(1000);
  check((await page.locator('[data-testid="sat-message"]').count()) === 0, `the stale message ("${emptyMsg}") is gone after painting`);
  await page.screenshot({ path: join(ART, 'e2e-1-reference.png') });

  step('running Segment Any Tissue');
  const t0 = Date.now();
  const st = await run(page);
  if (st.phase !== 'review') throw new Error(`the tool ended with ${st.phase}: ${st.notice?.text}`);
  step(`result in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${st.notice?.text}; backend: ${JSON.stringify(st.backend)}`);
  const tla = await timeLeftAccuracy(page);
  // Reported, not asserted (timings on a shared machine); the estimator's accuracy is asserted in its unit test.
  step(`time left: ${tla.points} estimates after 20 % of the ${tla.seconds?.toFixed(1)} s run, worst error ${(tla.worst * 100).toFixed(0)} %, ${tla.bad.length} off by more than ±50 % and 1 s${tla.bad.length ? ` (${tla.bad.slice(0, 4).map((b) => `${b.estimate.toFixed(1)} s shown, ${b.actual.toFixed(1)} s left`).join('; ')})` : ''}`);
  const resultId = await page.evaluate(() => window.__sat.resultId());
  const result = await readSegmentation(page);
  const seg1 = st.result.labels[0].value;
  const liver = labels.data.map((v) => (v === LIVER ? 1 : 0));
  const d = dice(result, liver, seg1);
  check(d >= 0.85, `Dice (viewer result vs labels, liver) = ${d.toFixed(3)} ≥ 0.85`);
  // The review sees the series' pixels (handed back by the worker): a good result is not doubtful everywhere.
  check(st.result.doubtful.length <= D / 2, `the review doubts ${st.result.doubtful.length} of ${D} slices of a result with Dice ${d.toFixed(2)}`);
  check(st.result.references === `reference slices: ${sliceNumbers[k]} (drawn)`, `the panel names the drawn slice as the viewer does: "${st.result.references}"`);

  step('after a run the result is never confused with the drawing');
  {
    const drawingId0 = (await segmentationIds(page)).find((x) => x !== resultId);
    const look = await page.evaluate(({ r, d }) => {
      const s = window.services.segmentationService;
      const vp = window.services.viewportGridService.getActiveViewportId();
      const seg = (id) => ({ label: s.getSegmentation(id)?.segments?.[1]?.label, color: Array.from(s.getSegmentColor(vp, id, 1) ?? []).slice(0, 3) });
      return { result: seg(r), drawing: seg(d), active: s.getActiveSegmentation(vp)?.segmentationId };
    }, { r: resultId, d: drawingId0 });
    check(look.result.label && look.result.label !== look.drawing.label, `the result segment is named apart from the drawing ("${look.result.label}" vs "${look.drawing.label}")`);
    check(look.result.color.length === 3 && look.result.color.join() !== look.drawing.color.join(), `the result's colour differs from the drawing's (${look.result.color} vs ${look.drawing.color})`);
    check(look.active === drawingId0, `the drawing is the active segmentation again (${look.active})`);
    const resultBefore = await readSegmentation(page);
    const drawingBefore = await readSegmentation(page, drawingId0);
    const C0 = await showSliceForDrawing(page, k);
    await stroke(page, C0, Math.floor(W * 0.5), Math.floor(W * 0.53), Math.floor(H * 0.5), 2);
    await page.waitForTimeout(800);
    check(Buffer.compare(await readSegmentation(page), resultBefore) === 0, 'a click and drag on the viewport after the run does not change the result');
    check(Buffer.compare(await readSegmentation(page, drawingId0), drawingBefore) === 0, '… nor the drawing (no brush is armed)');
  }

  step('the panel is docked in OHIF\'s right panel, under the segmentation list');
  const panelBox = await rectOf(page, '[data-testid="sat-panel"]');
  const listBox = await rectOf(page, 'text=Label map segmentations');
  const viewportBox = await rectOf(page, '.cornerstone-canvas, canvas');
  const docked = await page.evaluate(() => { const p = document.querySelector('[data-testid="sat-panel-mount"]'); return Boolean(p && !p.closest('body > div:not(#root)') && p.closest('#root')); });
  check(docked, 'the panel lives inside the viewer\'s own layout (#root), not floating over it');
  check(panelBox && listBox && panelBox.y >= listBox.y + listBox.height - 1, `the panel sits below OHIF's segmentation list (panel y ${panelBox?.y}, list y ${listBox?.y})`);
  check(panelBox && viewportBox && panelBox.x >= viewportBox.x + viewportBox.width - 1, 'the panel does not cover the viewport');
  await page.screenshot({ path: join(ART, 'e2e-2-result-docked.png') });

  step('strip cells jump to their slice; empty slices are empty');
  const cells = await page.locator('[data-testid="sat-strip-cell"]').evaluateAll((els) => els.map((e) => ({ k: Number(e.dataset.k), n: Number(e.dataset.slice), kind: e.dataset.kind })));
  check(cells.map((c) => c.n).join() === Array.from({ length: D }, (_, i) => i + 1).join(), 'the strip runs in the viewer\'s slice order 1..N');
  const target = cells.find((c) => c.kind === 'mask' && Math.abs(c.k - k) > 3) ?? cells[0];
  await page.locator(`[data-testid="sat-strip-cell"][data-k="${target.k}"]`).click();
  await page.waitForTimeout(800);
  check((await shownSliceNumber(page)) === target.n, `clicking the cell of slice ${target.n} shows slice ${target.n} (overlay ${await shownSliceNumber(page)})`);
  const marked = await page.locator('[data-testid="sat-strip-cell"][data-shown="true"]').evaluateAll((els) => els.map((e) => Number(e.dataset.slice)));
  check(marked.length === 1 && marked[0] === target.n, `the strip marks the slice on screen (${marked})`);
  const emptyMislabelled = cells.filter((c) => c.kind === 'mask' && !result.subarray(c.k * len, (c.k + 1) * len).some((v) => v === seg1));
  check(emptyMislabelled.length === 0, `no empty slice is shown as a mask (${emptyMislabelled.map((c) => c.n).join(', ') || 'none'})`);

  step('correcting one slice of the result with the brush or the eraser');
  const truth = (i, j, kk) => labels.data[(kk * H + j) * W + i] === LIVER;
  const shown = (i, j, kk) => result[(kk * H + j) * W + i] === seg1;
  let kc = -1, worst = 0;
  for (let kk = 0; kk < D; kk++) {
    if (Math.abs(kk - k) < 3 || !perSlice[kk]) continue;
    let e = 0;
    for (let i = kk * len; i < (kk + 1) * len; i++) e += (labels.data[i] === LIVER) !== (result[i] === seg1) ? 1 : 0;
    if (e > worst) { worst = e; kc = kk; }
  }
  if (kc < 0) throw new Error('no slice of the first result is wrong anywhere; nothing to correct');
  const near = (i, j, kk, f) => { for (let dj = -rpx; dj <= rpx; dj++) for (let di = -rpx; di <= rpx; di++) if (di * di + dj * dj <= rpx * rpx && f(i + di, j + dj, kk)) return true; return false; };
  const inImg = (i, j) => i >= 0 && j >= 0 && i < W && j < H;
  const count = (i0, i1, j, f) => { let c = 0; for (let jj = j - rpx; jj <= j + rpx; jj++) for (let i = i0 - rpx; i <= i1 + rpx; i++) if (inImg(i, jj) && f(i, jj)) c++; return c; };
  const addRuns = bestRuns(W, H, rpx, (i, j) => !near(i, j, kc, (a, b, c) => !inImg(a, b) || !truth(a, b, c)), (i0, i1, j) => count(i0, i1, j, (i, jj) => truth(i, jj, kc) && !shown(i, jj, kc)), 3);
  const eraseRuns = bestRuns(W, H, rpx, (i, j) => !near(i, j, kc, (a, b, c) => inImg(a, b) && truth(a, b, c)), (i0, i1, j) => count(i0, i1, j, (i, jj) => shown(i, jj, kc) && !truth(i, jj, kc)), 3);
  const sum = (r) => r.reduce((a, b) => a + b.score, 0);
  const [tool, runs] = sum(addRuns) >= sum(eraseRuns) ? ['Brush', addRuns] : ['Eraser', eraseRuns];
  if (!runs.length) throw new Error(`slice ${kc} has ${worst} wrong pixels but none a ${brushMm} mm brush can fix`);
  step(`slice ${sliceNumbers[kc]} (k=${kc}): ${worst} wrong pixels; ${runs.length} ${tool.toLowerCase()} strokes`);
  await page.evaluate((id) => window.services.segmentationService.setActiveSegmentation(window.services.viewportGridService.getActiveViewportId(), id), resultId);
  await page.locator(`[data-cy="${tool}"]`).first().click();
  await page.waitForTimeout(500);
  await page.evaluate((mm) => window.__sat.setBrushSize(mm), brushMm);
  const C = await showSliceForDrawing(page, kc);
  for (const r of runs) await stroke(page, C, r.i0, r.i1, r.j, Math.max(1, Math.ceil((r.i1 - r.i0 + 1) / (3 * rpx))));
  await page.waitForTimeout(1000);
  const corrected = await readSegmentation(page);
  const changedSlices = Array.from({ length: D }, (_, kk) => kk).filter((kk) => !sliceEq(corrected, result, kk, len));
  if (changedSlices.join() !== String(kc)) throw new Error(`the strokes changed slices [${changedSlices}] instead of slice ${kc}`);

  step('running again with the correction as a further reference');
  const drawingId = (await segmentationIds(page)).find((x) => x !== resultId);
  const drawing = await readSegmentation(page, drawingId);
  const st2 = await run(page);
  if (st2.phase !== 'review') throw new Error(`the second run ended with ${st2.phase}: ${st2.notice?.text}`);
  const ids2 = await segmentationIds(page);
  check(ids2.length === 2 && ids2.includes(resultId) && ids2.includes(drawingId), `the second run replaced the result in place (segmentations [${ids2}])`);
  check(Buffer.compare(drawing, await readSegmentation(page, drawingId)) === 0, "the second run left the user's drawing unchanged");
  const result2 = await readSegmentation(page);
  const d2 = dice(result2, liver, seg1);
  check(sliceEq(result2, corrected, kc, len), `slice ${sliceNumbers[kc]} of the new result is exactly the correction`);
  const panelRefs = await page.locator('[data-testid="sat-references"]').innerText();
  check(panelRefs.includes(`${sliceNumbers[kc]} (corrected)`) && panelRefs.includes(`${sliceNumbers[k]} (drawn)`), `the panel lists slice ${sliceNumbers[kc]} as corrected and ${sliceNumbers[k]} as drawn: "${panelRefs}"`);
  check(d2 >= 0.85, `Dice after the correction ${d2.toFixed(3)} ≥ 0.85`);
  await showSliceForDrawing(page, kc);
  await page.screenshot({ path: join(ART, 'e2e-3-corrected-rerun.png') });

  step('undo and redo the run with the viewer\'s keys');
  await page.keyboard.press('Control+z');
  await page.waitForTimeout(1000);
  const undone = await readSegmentation(page);
  check(Buffer.compare(undone, corrected) === 0, 'Ctrl+Z brings back what the viewer showed before the second run (the first result with the correction)');
  check((await state(page)).result?.references === `reference slices: ${sliceNumbers[k]} (drawn)`, 'the panel shows the first run again');
  await page.keyboard.press('Control+y');
  await page.waitForTimeout(1000);
  check(Buffer.compare(await readSegmentation(page), result2) === 0, 'Ctrl+Y puts the second run back');

  step('cancelling a run');
  const before = await readSegmentation(page);
  const idsBefore = await segmentationIds(page);
  await page.evaluate(() => {
    window.__cancelProbe = new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const s = window.__sat.state();
        const b = document.querySelector('[data-testid="sat-cancel"]');
        if (s.phase !== 'running' || !b) return;
        clearInterval(timer);
        b.click();
        resolve(s.phase);
      }, 5);
      setTimeout(() => { clearInterval(timer); reject(new Error(`the run never showed as running (${window.__sat.state().phase})`)); }, 120000);
    });
  });
  const settled = await page.evaluate(() => window.__sat.settledRuns());
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  await page.evaluate(() => window.__cancelProbe);
  await page.waitForFunction((n) => window.__sat.settledRuns() > n, settled, { timeout: 60000 });
  const stc = await state(page);
  const panelMsg = await page.locator('[data-testid="sat-message"]').innerText();
  await page.screenshot({ path: join(ART, 'e2e-4-cancelled.png') });
  check(stc.phase === 'review' && /^Cancelled\. The previous result is kept\.$/.test(panelMsg), `after Cancel the previous result is on show: phase ${stc.phase}, "${panelMsg}"`);
  check((await segmentationIds(page)).sort().join() === idsBefore.sort().join(), 'no half-written segmentation remains');
  check(Buffer.compare(await readSegmentation(page), before) === 0, 'the previous result is exactly as it was');
  check((await page.locator('[data-testid="sat-export"]').count()) === 0, 'no stale export line');

  step('naming the tissue, storing the DICOM-SEG through the data source');
  check(await page.locator('[data-testid="sat-store"]').isDisabled(), 'Store is off until the tissue is named');
  await nameTissue(page, 'liver');
  await page.locator('[data-testid="sat-store"]').click();
  await page.waitForFunction(() => ['stored', 'failed'].includes(window.__sat.state().exporting?.state), null, { timeout: 60000 });
  const ex = (await state(page)).exporting;
  if (ex.state !== 'stored') throw new Error(`export: ${ex.message}`);
  await page.screenshot({ path: join(ART, 'e2e-5-stored.png') });
  check(stow.length === 1 && stow[0].auth === TOKEN, `the STOW request went through the data source with its authorization header (${JSON.stringify(stow)})`);
  {
    const dl = page.waitForEvent('download', { timeout: 60000 });
    await page.locator('[data-testid="sat-download"]').click();
    const name = (await dl).suggestedFilename();
    const patient = await page.evaluate(() => JSON.stringify(window.services.displaySetService.getActiveDisplaySets().flatMap((x) => x.instances ?? []).map((i) => i.PatientName ?? '').slice(0, 1)));
    const words = (patient.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((w) => w !== 'alphabetic');
    check(/^liver_[a-z0-9.+_-]+\.seg\.dcm$/.test(name) || name === 'liver.seg.dcm', `the download is named from the tissue and the series: ${name}`);
    check(!words.some((w) => name.includes(w)), `the file name carries nothing of the patient's name (${patient})`);
  }

  step('finding the SEG with QIDO-RS and validating it with dciodvfy');
  const segSeries = await qido({ root: PACS }, `studies/${study}/series`, { Modality: 'SEG' });
  if (!segSeries.length) throw new Error('QIDO found no SEG series in the study');
  const seriesUid = segSeries[0]['0020000E'].Value[0];
  const inst = await qido({ root: PACS }, `studies/${study}/series/${seriesUid}/instances`);
  const sop = inst[0]['00080018'].Value[0];
  const orthanc = `http://127.0.0.1:${PACS_PORT}`;
  const found = await (await fetch(`${orthanc}/tools/lookup`, { method: 'POST', body: sop })).json();
  const bytes = new Uint8Array(await (await fetch(`${orthanc}/instances/${found[0].ID}/file`)).arrayBuffer());
  const segFile = join(ART, 'e2e-seg.dcm');
  writeFileSync(segFile, bytes);
  const v = spawnSync('dciodvfy', ['-new', segFile], { encoding: 'utf8' });
  const errors = (v.stderr + v.stdout).split('\n').filter((l) => /^Error/.test(l));
  check(errors.length === 0, `dciodvfy: ${errors.length} errors${errors.length ? `: ${errors.slice(0, 5).join(' | ')}` : ''}`);

  step('storing two more SEGs of the series: an older one of ours and a newer one of another tool');
  {
    // Copies of the stored SEG with their own UIDs: ours dated 1999 (segment "Old liver"), another tool's dated 2099.
    const dcmjs = require('dcmjs');
    const variant = (uidSuffix, change) => {
      const dicom = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dicom.dict);
      ds.SeriesInstanceUID = `${ds.SeriesInstanceUID}.${uidSuffix}`;
      ds.SOPInstanceUID = `${ds.SOPInstanceUID}.${uidSuffix}`;
      change(ds);
      dicom.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
      dicom.meta['00020003'].Value = [ds.SOPInstanceUID];
      return Buffer.from(dicom.write());
    };
    const older = variant(1, (ds) => { ds.SeriesDate = ds.ContentDate = '19990101'; ds.SeriesDescription = 'Segment Any Tissue: Old liver'; ds.SegmentSequence[0].SegmentLabel = 'Old liver'; });
    const foreign = variant(2, (ds) => {
      ds.SeriesDate = ds.ContentDate = '20991231';
      ds.Manufacturer = 'Another vendor';
      ds.ManufacturerModelName = 'Another tool';
      ds.SeriesDescription = 'Another tool: liver';
      for (const seg of ds.SegmentSequence) { seg.SegmentAlgorithmName = 'Another tool'; seg.SegmentLabel = 'Their liver'; }
    });
    for (const body of [older, foreign]) {
      const r = await fetch(`${orthanc}/instances`, { method: 'POST', body });
      if (!r.ok) throw new Error(`Orthanc refused a test SEG: HTTP ${r.status}`);
    }
    const segCount = (await qido({ root: PACS }, `studies/${study}/series`, { Modality: 'SEG' })).length;
    check(segCount === 3, `the study holds 3 SEG series (${segCount})`);
  }

  step('reopening the study: the mode shows the stored SEG at once, under the tissue\'s name');
  const stored = await readSegmentation(page);
  const storedColor = await page.evaluate(({ id, v }) => Array.from(window.services.segmentationService.getSegmentColor(window.services.viewportGridService.getActiveViewportId(), id, v) ?? []).slice(0, 3), { id: resultId, v: seg1 });
  await openStudy(page, url);
  const segThumb = page.locator('[data-cy^="study-browser-thumbnail"]').filter({ hasText: 'SEG' }).first();
  await segThumb.waitFor({ timeout: 60000 });
  const segDs = await page.evaluate((uid) => window.services.displaySetService.getActiveDisplaySets().filter((x) => x.SeriesInstanceUID === uid).map((x) => ({ uid: x.displaySetInstanceUID, handler: x.SOPClassHandlerId })), seriesUid);
  check(segDs.length && /dicom-seg/.test(segDs[0].handler), `OHIF handles the stored SEG with its DICOM-SEG SOP class handler (${JSON.stringify(segDs)})`);
  // No double-click on the thumbnail, no "Do you want to open this Segmentation?": the SEG is on the viewport by itself.
  const onViewport = await page.waitForFunction((id) => {
    const s = window.services.segmentationService;
    const vp = window.services.viewportGridService.getActiveViewportId();
    return Boolean(s.getSegmentation(id)) && s.getSegmentationRepresentations(vp).some((r) => r.segmentationId === id);
  }, segDs[0].uid, { timeout: 120000 }).then(() => true, () => false);
  check(onViewport, 'the stored SEG is on the viewport after reopening, with no double-click');
  check((await page.getByText('Do you want to open this Segmentation?').count()) === 0, 'no "open this Segmentation?" prompt was shown');
  await page.waitForFunction(() => { try { return window.__sat.series().geometry.dims[2] > 0; } catch { return false; } }, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  const loaded = await page.evaluate((id) => {
    const s = window.services.segmentationService;
    const vp = window.services.viewportGridService.getActiveViewportId();
    const x = s.getSegmentation(id);
    return { label: x?.label, segments: Object.entries(x?.segments ?? {}).filter(([, g]) => g).map(([i, g]) => ({ index: Number(i), label: g.label, color: Array.from(s.getSegmentColor(vp, id, Number(i)) ?? []).slice(0, 3) })), all: s.getSegmentations().map((g) => g.segmentationId) };
  }, segDs[0].uid);
  const segDisplaySets = await page.evaluate(() => window.services.displaySetService.getActiveDisplaySets().filter((x) => x.Modality === 'SEG').length);
  check(segDisplaySets === 3, `the viewer lists the study's 3 SEGs (${segDisplaySets})`);
  check(loaded.all.length === 1 && loaded.all[0] === segDs[0].uid, `only the latest SEG of ours is loaded, not the older one nor the other tool's newer one (segmentations [${loaded.all}], ours ${segDs[0].uid})`);
  const reopened = await readSegmentation(page, segDs[0].uid);
  const liverSeg = loaded.segments.find((x) => x.label === 'Liver');
  const agree = liverSeg ? dice(reopened, stored.map((x) => (x === seg1 ? 1 : 0)), liverSeg.index) : 0;
  await page.evaluate((kk) => window.__sat.showSlice(kk), kc);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(ART, 'e2e-6-reopened-seg.png') });
  check(Boolean(liverSeg), `the reopened SEG has the segment "Liver" (${JSON.stringify(loaded.segments)})`);
  // Stored as CIELab, read back as RGB: a unit or two of rounding either way.
  check(liverSeg && storedColor.length === 3 && liverSeg.color.every((c, i) => Math.abs(c - storedColor[i]) <= 3), `the reopened segment keeps its colour (${liverSeg?.color} vs ${storedColor} when stored)`);
  check(agree >= 0.999, `the reopened SEG equals the stored result (Dice ${agree.toFixed(3)})`);

  step('discarding a result leaves a clean panel and the drawing active');
  {
    const toPage2 = await startDrawing(page, k, brushMm);
    for (let j = Math.floor(H * 0.45); j < H * 0.55; j += rpx) await stroke(page, toPage2, Math.floor(W * 0.3), Math.floor(W * 0.4), j);
    await page.waitForTimeout(500);
    const drawingNow = await page.evaluate(() => window.services.segmentationService.getActiveSegmentation(window.services.viewportGridService.getActiveViewportId())?.segmentationId);
    const st3 = await run(page);
    check(st3.phase === 'review', `a run on the reopened study (${st3.phase}: ${st3.notice?.text})`);
    await page.locator('[data-testid="sat-discard"]').click();
    await page.waitForTimeout(500);
    const sd = await state(page);
    const active = await page.evaluate(() => window.services.segmentationService.getActiveSegmentation(window.services.viewportGridService.getActiveViewportId())?.segmentationId);
    check(sd.phase === 'idle' && !sd.result && !sd.notice && !sd.exporting, `after Discard: phase ${sd.phase}, no result, no message, no export line`);
    check((await page.locator('[data-testid="sat-store"], [data-testid="sat-download"], [data-testid="sat-export"]').count()) === 0, 'no Store/Download left on the panel');
    check(active === drawingNow, `the user's segmentation is active again (${active})`);
  }

  step('leaving the mode during a run: no panel, no worker left');
  const settledBeforeLeave = await page.evaluate(() => window.__sat.settledRuns());
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  await page.waitForFunction(() => window.__sat.state().phase === 'running', null, { timeout: 120000 });
  const ours = (w) => /segment-any-tissue/.test(w.url());
  const engineWorker = page.workers().find(ours) ?? (await page.waitForEvent('worker', { predicate: ours, timeout: 10000 }).catch(() => undefined));
  const workersDuring = engineWorker ? 1 : 0;
  const closed = engineWorker ? new Promise((r) => engineWorker.once('close', () => r(true))) : Promise.resolve(false);
  await page.locator('[data-cy="return-to-work-list"]').first().click();
  await Promise.race([closed, page.waitForTimeout(10000)]);
  await page.waitForTimeout(1000);
  const workersAfter = page.workers().filter(ours).length;
  const panelsAfter = await page.locator('[data-testid="sat-panel"], [data-testid="sat-panel-mount"]').count();
  check(workersDuring === 1 && workersAfter === 0, `the engine worker ran during the run (${workersDuring}) and is gone after leaving the mode (${workersAfter})`);
  check(panelsAfter === 0, `no panel is left after leaving the mode (${panelsAfter})`);
  check((await page.evaluate(() => window.__sat.settledRuns())) >= settledBeforeLeave, 'the run was settled on the way out');

  const lt = summariseTasks(runTasks);
  step(`main thread during the runs: ${lt.count} tasks of ≥ 50 ms, ${lt.over100.length} over 100 ms, the longest ${lt.longest.toFixed(0)} ms; the most time in one task with the tool's code on the stack ${lt.longestOurs.toFixed(0)} ms, in the tool's own functions ${lt.longestSelf.toFixed(0)} ms`);
  for (const t of lt.over100) step(`  task ${t.ms.toFixed(0)} ms: tool's code on the stack ${t.oursMs.toFixed(0)} ms, in its own functions ${t.selfMs.toFixed(0)} ms`);
  await page.waitForTimeout(1000); // reports of the last steps are posted asynchronously
  const shapes = dicomweb.save(join(ART, 'e2e-dicomweb-requests.txt'));
  step(`the viewer made ${dicomweb.seen.length} DICOMweb requests through the server, ${shapes.length} distinct shapes (tests/artifacts/e2e-dicomweb-requests.txt)`);
  check(dicomweb.refused().length === 0, `the server's DICOMweb grammar refused none of the viewer's requests (${dicomweb.refused().slice(0, 5).map((x) => `${x.method} ${x.target} ${x.status}`).join('; ')})`);
  check(csp.violations.length === 0, `the Content-Security-Policy blocked nothing (${csp.violations.slice(0, 10).join('; ')})`);
  // Reported, not asserted: task lengths depend on the machine's load (the viewer's own redraws take hundreds of ms here).
  step(`tasks with over 100 ms in the tool's code: ${lt.oursOver100.map((t) => `${t.oursMs.toFixed(0)} of ${t.ms.toFixed(0)} ms`).join(', ') || 'none'}`);
} catch (e) {
  failures.push(e.message);
  console.error(`e2e: FAIL — ${e.stack || e.message}`);
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  spawnSync(join(root, 'scripts/pacs.sh'), ['stop'], { env: pacsEnv });
  rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `e2e: FAILED (${failures.length})` : 'e2e: PASSED');
process.exit(failures.length ? 1 : 0);
