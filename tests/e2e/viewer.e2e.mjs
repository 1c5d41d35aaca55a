#!/usr/bin/env node
/**
 * End to end in a real browser: headless Debian chromium (playwright-core, never a
 * downloaded browser), our server in front of a test Orthanc loaded with the real CT series
 * of ../shared/data/ct-abdomen-dicom. Opens the study in the Segment Any Tissue mode, paints
 * the liver on one slice with the brush (mouse strokes), runs the tool, checks Dice of the
 * viewer's result against labels.nii.gz; corrects the worst slice of the result with a few
 * brush or eraser strokes and runs again (the corrected slice must come back unchanged and be
 * listed as a reference); starts a run and cancels it (no half-written result may remain);
 * stores the SEG with STOW, finds it with QIDO, validates it with dciodvfy, then reopens the
 * study and loads the stored SEG through OHIF's own DICOM-SEG handling. Screenshots go to
 * tests/artifacts/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.SAT_DATA_DIR || resolve(root, '../shared/data');
const ART = join(root, 'tests', 'artifacts');
const PACS_PORT = Number(process.env.SAT_E2E_PACS_PORT || 8143);
const WEB_PORT = Number(process.env.SAT_E2E_PORT || 3143);
const PACS = `http://127.0.0.1:${PACS_PORT}/dicom-web`;
const LIVER = 5;
const step = (m) => console.log(`e2e: ${m}`);

if (!existsSync(join(dataDir, 'ct-abdomen-dicom/series'))) {
  console.error(`e2e: SKIPPED — test data not found at ${dataDir}/ct-abdomen-dicom (set SAT_DATA_DIR).`);
  process.exit(0);
}

const { readNifti, niftiToLabels } = require(join(root, 'dist/extension/src/formats/nifti.js'));
const { resampleLabelsToGrid } = require(join(root, 'dist/extension/src/engine/image/resample.js'));
const { qido } = require(join(root, 'dist/extension/src/dicomweb/stow.js'));
const { createServer } = await import(join(root, 'platform-config/server.mjs'));
const { cspWatch } = await import(join(root, 'tests/e2e/csp-watch.mjs'));
const csp = cspWatch();

mkdirSync(ART, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sat-e2e-'));
const pacsEnv = { ...process.env, SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') };
let browser, server, failed = false;

function dice(a, b, value) {
  let inter = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] === value ? 1 : 0, y = b[i] ? 1 : 0; inter += x & y; na += x; nb += y; }
  return (2 * inter) / Math.max(1, na + nb);
}

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

/** Press the toolbar button and wait for the run to finish; returns the final state. */
async function runTool(page) {
  const before = await page.evaluate(() => window.__segmentAnyTissue.resultId());
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  await page.waitForFunction((id) => { const s = window.__satState; return s && (['error', 'cancelled'].includes(s.phase) || (s.phase === 'review' && window.__segmentAnyTissue.resultId() !== id)); }, before, { timeout: 600000, polling: 500 });
  const st = await page.evaluate(() => window.__satState);
  if (st.phase !== 'review') throw new Error(`the tool ended with ${st.phase}: ${st.message}`);
  return st;
}

const readVolume = async (page, id) => Buffer.from(await page.evaluate((x) => (x ? window.__segmentAnyTissue.readSegmentation(x) : window.__segmentAnyTissue.readResult()), id), 'base64');
const segmentationIds = (page) => page.evaluate(() => window.services.segmentationService.getSegmentations().map((s) => s.segmentationId));
const sliceEq = (a, b, k, len) => Buffer.compare(a.subarray(k * len, (k + 1) * len), b.subarray(k * len, (k + 1) * len)) === 0;

try {
  step('starting a test Orthanc');
  execFileSync(join(root, 'scripts/pacs.sh'), ['start'], { env: pacsEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const series = join(work, 'series');
  // The test series has blank UIDs / SOP Class (anonymised); a PACS refuses that, so fill them in a temp copy.
  const study = execFileSync('/usr/bin/python3', [join(root, 'tests/e2e/prepare_series.py'), join(dataDir, 'ct-abdomen-dicom/series'), series], { encoding: 'utf8' }).trim();
  execFileSync('node', [join(root, 'scripts/import.mjs'), series], { env: { ...process.env, SAT_DICOMWEB_URL: PACS }, stdio: 'inherit' });

  server = createServer({ dicomweb: PACS, pacsName: 'Orthanc (e2e)', onCspViolation: csp.onCspViolation });
  await new Promise((r) => server.listen(WEB_PORT, '127.0.0.1', r));
  // A fresh profile (--user-data-dir) each run.
  browser = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await csp.attach(page);
  page.on('pageerror', (e) => console.log('e2e: page error:', e.message.slice(0, 300)));
  page.on('console', (m) => { if (m.type() === 'error') console.log('e2e: console error:', m.text().slice(0, 300)); });

  step('opening the study in the Segment Any Tissue mode');
  await page.goto(`http://127.0.0.1:${WEB_PORT}/segment-any-tissue?StudyInstanceUIDs=${study}`);
  await page.waitForFunction(() => { try { return window.__segmentAnyTissue?.series().imageIds.length > 0 && document.querySelector('.cornerstone-canvas, canvas'); } catch { return false; } }, null, { timeout: 90000 });
  await page.waitForTimeout(3000);
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('the page is not cross-origin isolated (COOP/COEP missing)');
  await page.screenshot({ path: join(ART, 'e2e-0-opened.png') });
  const { geometry } = await page.evaluate(() => window.__segmentAnyTissue.series());

  step('reading labels.nii.gz onto the viewer grid');
  const labels = resampleLabelsToGrid(niftiToLabels(readNifti(new Uint8Array(readFileSync(join(dataDir, 'ct-abdomen-dicom/labels.nii.gz'))))), geometry);
  const [W, H, D] = geometry.dims;
  const perSlice = Array.from({ length: D }, (_, k) => { let c = 0; for (let i = k * W * H; i < (k + 1) * W * H; i++) c += labels.data[i] === LIVER ? 1 : 0; return c; });
  const k = perSlice.indexOf(Math.max(...perSlice));
  step(`liver voxels on the grid: ${perSlice.reduce((a, b) => a + b, 0)}; reference slice k=${k} (${perSlice[k]} px)`);

  step('adding a segmentation and painting the liver with the brush');
  await page.getByText('Add segmentation').first().click();
  await page.waitForTimeout(1000);
  await page.locator('[data-cy="Brush"]').first().click();
  await page.waitForTimeout(500);
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), k);
  await page.waitForTimeout(1000);
  const brushMm = 8;
  await page.evaluate((mm) => {
    const tg = window.services.toolGroupService.getToolGroupForViewport(window.services.viewportGridService.getActiveViewportId());
    window.cornerstoneTools.utilities.segmentation.setBrushSizeForToolGroup(tg.id, mm);
  }, brushMm);
  const A = await page.evaluate((kk) => window.__segmentAnyTissue.pixelToPage(kk), k);
  // Erode the liver slice by the brush radius so strokes stay inside, then drag along rows.
  const rpx = Math.ceil(brushMm / geometry.spacing[0]);
  const m = (i, j) => i >= 0 && j >= 0 && i < W && j < H && labels.data[(k * H + j) * W + i] === LIVER;
  const inside = (i, j) => { for (let dj = -rpx; dj <= rpx; dj += 2) for (let di = -rpx; di <= rpx; di += 2) if (di * di + dj * dj <= rpx * rpx && !m(i + di, j + dj)) return false; return true; };
  const toPage = (i, j) => [A.o[0] + A.di[0] * i + A.dj[0] * j, A.o[1] + A.di[1] * i + A.dj[1] * j];
  /** One mouse drag along row j from i0 to i1 of the slice the affinity P belongs to. */
  const drag = async (P, i0, i1, j) => {
    const at = (i) => [P.o[0] + P.di[0] * i + P.dj[0] * j, P.o[1] + P.di[1] * i + P.dj[1] * j];
    const [x0, y0] = at(i0), [x1, y1] = at(i1);
    await page.mouse.move(x0, y0); await page.mouse.down();
    await page.mouse.move(x1, y1, { steps: Math.max(1, Math.ceil((i1 - i0 + 1) / (3 * rpx))) }); await page.mouse.up();
  };
  let strokes = 0;
  const tStrokes = Date.now();
  for (let j = 0; j < H; j += Math.max(1, Math.floor(rpx * 1.5))) {
    let run = -1;
    for (let i = 0; i <= W; i++) {
      const inn = i < W && inside(i, j);
      if (inn && run < 0) run = i;
      if (!inn && run >= 0) {
        const [x0, y0] = toPage(run, j), [x1, y1] = toPage(i - 1, j);
        await page.mouse.move(x0, y0); await page.mouse.down();
        await page.mouse.move(x1, y1, { steps: Math.max(1, Math.ceil((i - run) / (3 * rpx))) }); await page.mouse.up();
        strokes++; run = -1;
        step(`stroke ${strokes} (${i - run} px) at ${((Date.now() - tStrokes) / 1000).toFixed(1)} s`);
      }
    }
  }
  step(`${strokes} brush strokes`);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(ART, 'e2e-1-reference.png') });

  step('running Segment Any Tissue');
  const t0 = Date.now();
  const st = await runTool(page);
  step(`result in ${((Date.now() - t0) / 1000).toFixed(1)} s (engine ${st.seconds?.toFixed(1)} s); backend: ${JSON.stringify(st.backend)}`);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(ART, 'e2e-2-result-reference-slice.png') });
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), Math.max(0, k - 8));
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(ART, 'e2e-2-result-other-slice.png') });

  const result = await readVolume(page);
  const seg1 = st.labels[0].value;
  const liver = labels.data.map((v) => (v === LIVER ? 1 : 0));
  const d = dice(result, liver, seg1);
  step(`Dice (viewer result vs labels, liver) = ${d.toFixed(3)}; ${st.references}`);
  if (!(d >= 0.85)) { failed = true; console.error(`e2e: FAIL — Dice ${d.toFixed(3)} < 0.85`); }

  step('correcting one slice of the result with the brush or the eraser');
  const len = W * H;
  const truth = (i, j, kk) => labels.data[(kk * H + j) * W + i] === LIVER;
  const shown = (i, j, kk) => result[(kk * H + j) * W + i] === seg1;
  // The slice with the most wrong pixels, away from the drawn one.
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
  // Missed liver: brush strokes kept inside the liver. Leaked result: eraser strokes kept away from the liver.
  const addRuns = bestRuns(W, H, rpx, (i, j) => !near(i, j, kc, (a, b, c) => !inImg(a, b) || !truth(a, b, c)), (i0, i1, j) => count(i0, i1, j, (i, jj) => truth(i, jj, kc) && !shown(i, jj, kc)), 3);
  const eraseRuns = bestRuns(W, H, rpx, (i, j) => !near(i, j, kc, (a, b, c) => inImg(a, b) && truth(a, b, c)), (i0, i1, j) => count(i0, i1, j, (i, jj) => shown(i, jj, kc) && !truth(i, jj, kc)), 3);
  const sum = (r) => r.reduce((a, b) => a + b.score, 0);
  const [tool, runs] = sum(addRuns) >= sum(eraseRuns) ? ['Brush', addRuns] : ['Eraser', eraseRuns];
  if (!runs.length) throw new Error(`slice ${kc} has ${worst} wrong pixels but none a ${brushMm} mm brush can fix`);
  step(`slice k=${kc}: ${worst} wrong pixels; ${runs.length} ${tool.toLowerCase()} strokes`);
  await page.evaluate((id) => window.services.segmentationService.setActiveSegmentation(window.services.viewportGridService.getActiveViewportId(), id), await page.evaluate(() => window.__segmentAnyTissue.resultId()));
  await page.locator(`[data-cy="${tool}"]`).first().click();
  await page.waitForTimeout(500);
  await page.evaluate((mm) => {
    const tg = window.services.toolGroupService.getToolGroupForViewport(window.services.viewportGridService.getActiveViewportId());
    window.cornerstoneTools.utilities.segmentation.setBrushSizeForToolGroup(tg.id, mm);
  }, brushMm);
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), kc);
  await page.waitForTimeout(1000);
  const C = await page.evaluate((kk) => window.__segmentAnyTissue.pixelToPage(kk), kc);
  for (const r of runs) await drag(C, r.i0, r.i1, r.j);
  await page.waitForTimeout(1000);
  const corrected = await readVolume(page);
  const changedSlices = Array.from({ length: D }, (_, kk) => kk).filter((kk) => !sliceEq(corrected, result, kk, len));
  if (changedSlices.join() !== String(kc)) throw new Error(`the strokes changed slices [${changedSlices}] instead of slice ${kc}`);

  step('running again with the correction as a further reference');
  const id1 = await page.evaluate(() => window.__segmentAnyTissue.resultId());
  const drawingId = (await segmentationIds(page)).find((x) => x !== id1);
  const drawing = await readVolume(page, drawingId);
  const st2 = await runTool(page);
  const ids2 = await segmentationIds(page);
  if (ids2.includes(id1) || !ids2.includes(drawingId)) { failed = true; console.error(`e2e: FAIL — after the second run the segmentations are [${ids2}] (previous result ${id1}, drawing ${drawingId})`); }
  if (Buffer.compare(drawing, await readVolume(page, drawingId)) !== 0) { failed = true; console.error("e2e: FAIL — the second run changed the user's drawing"); }
  const result2 = await readVolume(page);
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), kc);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(ART, 'e2e-4-corrected-rerun.png') });
  const d2 = dice(result2, liver, seg1);
  const panelRefs = await page.locator('[data-testid="sat-references"]').innerText();
  step(`second run: Dice ${d2.toFixed(3)}; panel: "${panelRefs}"; corrected slice kept exactly: ${sliceEq(result2, corrected, kc, len)}`);
  if (!sliceEq(result2, corrected, kc, len)) { failed = true; console.error(`e2e: FAIL — slice ${kc} of the new result differs from the correction`); }
  if (!panelRefs.includes(`${kc + 1} (corrected)`) || !panelRefs.includes(`${k + 1} (drawn)`)) { failed = true; console.error(`e2e: FAIL — the panel does not list slice ${kc + 1} as corrected and ${k + 1} as drawn`); }
  if (!(d2 >= 0.85)) { failed = true; console.error(`e2e: FAIL — Dice after the correction ${d2.toFixed(3)} < 0.85`); }

  step('cancelling a run');
  const idsBefore = await segmentationIds(page);
  const keptId = await page.evaluate(() => window.__segmentAnyTissue.resultId());
  // A run here takes a few seconds, so Cancel is pressed from inside the page the moment the
  // panel reports the run (the result segmentation exists then and slices are being written).
  await page.evaluate(() => {
    window.__cancelProbe = new Promise((resolve, reject) => {
      const obs = new MutationObserver(() => {
        if (window.__satState.phase !== 'running') return;
        const b = document.querySelector('[data-testid="sat-cancel"]');
        if (!b) return;
        obs.disconnect();
        const ids = window.services.segmentationService.getSegmentations().map((s) => s.segmentationId);
        b.click();
        resolve(ids);
      });
      obs.observe(document.body, { subtree: true, childList: true, characterData: true });
      setTimeout(() => { obs.disconnect(); reject(new Error(`the run never showed as running (phase ${window.__satState.phase}: ${window.__satState.message})`)); }, 120000);
    });
  });
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  const idsDuring = await page.evaluate(() => window.__cancelProbe);
  await page.waitForFunction(() => window.__satState.phase !== 'running', null, { timeout: 30000 });
  await page.waitForTimeout(2000);
  const stc = await page.evaluate(() => window.__satState);
  const idsAfter = await segmentationIds(page);
  const panelMsg = await page.locator('[data-testid="sat-message"]').innerText();
  await page.screenshot({ path: join(ART, 'e2e-5-cancelled.png') });
  step(`cancel: phase ${stc.phase}; panel "${panelMsg}"; segmentations ${idsBefore.length} before, ${idsDuring.length} while running, ${idsAfter.length} after`);
  if (stc.phase !== 'cancelled' || !/cancelled/i.test(panelMsg)) { failed = true; console.error('e2e: FAIL — the panel does not say the run was cancelled'); }
  if (idsDuring.length !== idsBefore.length + 1) { failed = true; console.error('e2e: FAIL — the cancelled run had not started writing a result'); }
  if (idsAfter.slice().sort().join() !== idsBefore.slice().sort().join()) { failed = true; console.error('e2e: FAIL — a half-written result segmentation remains after Cancel'); }
  if ((await page.evaluate(() => window.__segmentAnyTissue.resultId())) !== keptId || !sliceEq(await readVolume(page), result2, kc, len)) { failed = true; console.error('e2e: FAIL — Cancel lost the previous result'); }

  step('storing the DICOM-SEG with STOW-RS');
  await page.locator('[data-testid="sat-store"]').click();
  await page.waitForFunction(() => ['stored', 'failed'].includes(window.__satState?.export?.state), null, { timeout: 60000 });
  const ex = await page.evaluate(() => window.__satState.export);
  if (ex.state !== 'stored') throw new Error(`export: ${ex.message}`);
  await page.screenshot({ path: join(ART, 'e2e-3-stored.png') });

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
  step(`dciodvfy: ${errors.length} errors`);
  if (errors.length) { failed = true; console.error(errors.slice(0, 10).join('\n')); }

  step('reopening the study: OHIF shows the stored SEG');
  const stored = await readVolume(page);
  await page.goto(`http://127.0.0.1:${WEB_PORT}/segment-any-tissue?StudyInstanceUIDs=${study}`);
  await page.waitForFunction(() => { try { return window.__segmentAnyTissue?.series().imageIds.length > 0; } catch { return false; } }, null, { timeout: 90000 });
  const segThumb = page.locator('[data-cy^="study-browser-thumbnail"]').filter({ hasText: 'SEG' }).filter({ hasText: 'Segment Any Tissue' }).first();
  await segThumb.waitFor({ timeout: 60000 });
  const segDs = await page.evaluate((uid) => window.services.displaySetService.getActiveDisplaySets().filter((x) => x.SeriesInstanceUID === uid).map((x) => ({ uid: x.displaySetInstanceUID, handler: x.SOPClassHandlerId })), seriesUid);
  step(`study browser lists the SEG series; display set ${JSON.stringify(segDs)}`);
  if (!segDs.length || !/dicom-seg/.test(segDs[0].handler)) throw new Error('OHIF did not handle the stored SEG with its DICOM-SEG SOP class handler');
  await segThumb.dblclick();
  const yes = page.getByRole('button', { name: 'Yes' });
  await yes.waitFor({ timeout: 60000 }).then(() => yes.click()).catch(() => step('no "open this segmentation" prompt'));
  await page.waitForFunction((id) => Boolean(window.services.segmentationService.getSegmentation(id)), segDs[0].uid, { timeout: 60000 });
  await page.waitForFunction(() => { try { return window.__segmentAnyTissue.series().imageIds.length > 0; } catch { return false; } }, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  const loaded = await page.evaluate((id) => { const x = window.services.segmentationService.getSegmentation(id); return { label: x.label, segments: Object.entries(x.segments).filter(([, v]) => v).map(([i, v]) => ({ index: Number(i), label: v.label })) }; }, segDs[0].uid);
  const reopened = await readVolume(page, segDs[0].uid);
  const seg1Reopened = loaded.segments.find((x) => x.label === st2.labels[0].name)?.index;
  const agree = seg1Reopened === undefined ? 0 : dice(reopened, stored.map((v) => (v === seg1 ? 1 : 0)), seg1Reopened);
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), kc);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(ART, 'e2e-6-reopened-seg.png') });
  step(`reopened SEG "${loaded.label}" with segments ${JSON.stringify(loaded.segments)}; Dice vs the stored result ${agree.toFixed(3)}`);
  if (seg1Reopened === undefined) { failed = true; console.error(`e2e: FAIL — the reopened SEG has no segment "${st2.labels[0].name}"`); }
  if (!(agree >= 0.999)) { failed = true; console.error(`e2e: FAIL — the reopened SEG differs from the stored result (Dice ${agree.toFixed(3)})`); }
  await page.waitForTimeout(1000); // reports of the last steps are posted asynchronously
} catch (e) {
  failed = true;
  console.error(`e2e: FAIL — ${e.message}`);
} finally {
  step(`Content-Security-Policy violations: ${csp.violations.length}`);
  if (csp.violations.length) { failed = true; console.error(`e2e: FAIL — the CSP blocked: ${csp.violations.slice(0, 10).join('; ')}`); }
  await browser?.close().catch(() => {});
  server?.close();
  spawnSync(join(root, 'scripts/pacs.sh'), ['stop'], { env: pacsEnv });
  rmSync(work, { recursive: true, force: true });
}
console.log(failed ? 'e2e: FAILED' : 'e2e: PASSED');
process.exit(failed ? 1 : 0);
