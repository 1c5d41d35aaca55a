#!/usr/bin/env node
/**
 * Corrections end to end (docs/corrections.md) in a real browser: headless Debian chromium
 * (playwright-core), our server in front of a test Orthanc loaded with the real CT series of
 * ../shared/data/ct-abdomen-dicom, as viewer.e2e.mjs sets it up. As a radiologist would: paint
 * the colon (STRUCTURE below) on one slice with the brush and press Segment Any Tissue (Dice
 * against labels.nii.gz); then make the "SAT: …" result the active segmentation in OHIF's
 * segmentation list, draw the true colon with the brush and the eraser on the slice with the most
 * wrong voxels, erase the result entirely with the eraser on a slice where the labels have no
 * colon but the result does, and press the tool again. Checks: the drawn slice comes back voxel for voxel as drawn, the erased
 * slice stays empty, the engine was told the erased slice is absent (the worker's run message),
 * the panel lists both as corrected, and Dice against the labels went up. The two runs' times are
 * printed side by side, never asserted (a shared machine). Screenshots go to tests/artifacts/.
 *
 * Ports: SAT_E2E_PORT + 60 and SAT_E2E_PACS_PORT + 5 (defaults 3203 / 8148), apart from the
 * other e2e files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dice, launchBrowser, startPacsWithCtSeries, openStudy, preparePage, readSegmentation, runTool, showSliceForDrawing, startDrawing, stroke } from './support.mjs';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.SAT_DATA_DIR || resolve(root, '../shared/data');
const ART = join(root, 'tests', 'artifacts');
const WEB_PORT = Number(process.env.SAT_E2E_PORT || 3143) + 60;
const PACS_PORT = Number(process.env.SAT_E2E_PACS_PORT || 8143) + 5;
const PACS = `http://127.0.0.1:${PACS_PORT}/dicom-web`;
/**
 * The structure: the colon (TotalSegmentator CT label 20). The liver, which viewer.e2e.mjs paints,
 * lies on every one of this series' 20 slices, so there is no slice without it for a user to
 * erase; the colon ends inside the series (on slice index 10) and its first result runs on past
 * that end, as first results often do.
 */
const STRUCTURE = { label: 20, name: 'colon' };
const step = (m) => console.log(`e2e corrections: ${m}`);
const failures = [];
const check = (ok, what) => { if (ok) step(`ok: ${what}`); else { failures.push(what); console.error(`e2e corrections: FAIL — ${what}`); } };

if (!existsSync(join(dataDir, 'ct-abdomen-dicom/series'))) {
  console.error(`e2e corrections: SKIPPED — test data not found at ${dataDir}/ct-abdomen-dicom (set SAT_DATA_DIR).`);
  process.exit(0);
}

const { readNifti, niftiToLabels } = require(join(root, 'dist/extension/src/formats/nifti.js'));
const { resampleLabelsToGrid } = require(join(root, 'dist/extension/src/engine/image/resample.js'));
const { createServer } = await import(join(root, 'platform-config/server.mjs'));
const { cspWatch } = await import(join(root, 'tests/e2e/csp-watch.mjs'));
const csp = cspWatch();

mkdirSync(ART, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sat-e2e-corr-'));
const pacsEnv = { ...process.env, SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') };
let browser, server;

/** Row-wise runs of pixels (i0..i1 on row j, rows rowStep apart) where ok(i, j) holds, scored by score(i0, i1, j); those with a positive score, best first. */
function runsWhere(W, H, rowStep, ok, score = () => 1, j0 = 0, j1 = H - 1) {
  const runs = [];
  for (let j = Math.max(0, j0); j <= Math.min(H - 1, j1); j += rowStep) {
    let a = -1;
    for (let i = 0; i <= W; i++) {
      const inn = i < W && ok(i, j);
      if (inn && a < 0) a = i;
      if (!inn && a >= 0) { runs.push({ i0: a, i1: i - 1, j, score: score(a, i - 1, j) }); a = -1; }
    }
  }
  return runs.filter((r) => r.score > 0).sort((x, y) => y.score - x.score);
}

const sliceOf = (v, k, len) => v.subarray(k * len, (k + 1) * len);
const sliceEq = (a, b, k, len) => Buffer.compare(sliceOf(a, k, len), sliceOf(b, k, len)) === 0;
const countOn = (v, k, len, value) => { let c = 0; for (let i = k * len; i < (k + 1) * len; i++) c += v[i] === value ? 1 : 0; return c; };
const segmentationIds = (page) => page.evaluate(() => window.services.segmentationService.getSegmentations().map((s) => s.segmentationId));

/** Press the tool's button and wait; the state, seconds from the press to the result, and the engine's own seconds (its User Timing mark). */
async function run(page) {
  const t0 = Date.now();
  const r = await runTool(page);
  const wall = (Date.now() - t0) / 1000;
  await page.waitForTimeout(500); // the viewer's redraw after the last write
  const engine = await page.evaluate(() => performance.getEntriesByName('sat:engine-done').at(-1)?.detail?.seconds);
  return { st: r.st, wall, pressToResult: r.pressToResultMs / 1000, engine };
}

/** Arms one of the viewer's segmentation tools (its toolbar button) for the result, with the given size. */
async function arm(page, tool, mm) {
  await page.locator(`[data-cy="${tool}"]`).first().click();
  await page.waitForTimeout(500);
  await page.evaluate((x) => window.__sat.setBrushSize(x), mm);
}

try {
  step('starting a test Orthanc and importing the CT series');
  const study = await startPacsWithCtSeries(root, dataDir, PACS, pacsEnv);

  server = createServer({ dicomweb: PACS, pacsName: 'Orthanc (corrections e2e)', onCspViolation: csp.onCspViolation });
  await new Promise((r) => server.listen(WEB_PORT, '127.0.0.1', r));
  browser = await launchBrowser(['--use-angle=swiftshader', '--enable-unsafe-swiftshader']);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await csp.attach(page);
  await preparePage(page);
  // What the viewer hands the engine's worker for each run: the labels, per label the slices
  // it is told are absent, and the slices of the reference mask that hold each label.
  await page.addInitScript(() => {
    window.__runMessages = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg && msg.type === 'run' && msg.referenceMask?.data) {
        const [w, h, d] = msg.referenceMask.dims;
        const len = w * h;
        const data = msg.referenceMask.data;
        const slicesOf = {};
        for (let k = 0; k < d; k++) {
          const seen = new Set();
          for (let i = k * len; i < (k + 1) * len; i++) if (data[i]) seen.add(data[i]);
          for (const l of seen) (slicesOf[l] ??= []).push(k);
        }
        const rec = { labels: msg.labels, absentSlices: msg.absentSlices ?? {}, referenceSlices: slicesOf, engineAreas: undefined };
        window.__runMessages.push(rec);
        // The engine's own result, per label the voxels on each slice, as the worker hands it
        // back (before the viewer's safety net, applyCorrections, could touch it).
        const onDone = (e) => {
          if (e.data?.type !== 'done' && e.data?.type !== 'error') return;
          this.removeEventListener('message', onDone);
          const out = e.data.result?.labels?.data;
          if (!out || out.length !== d * len) return;
          const areas = {};
          for (let k = 0; k < d; k++) for (let i = k * len; i < (k + 1) * len; i++) if (out[i]) (areas[out[i]] ??= new Array(d).fill(0))[k]++;
          rec.engineAreas = areas;
        };
        this.addEventListener('message', onDone);
      }
      return post.call(this, msg, ...rest);
    };
  });
  page.on('pageerror', (e) => console.log('e2e corrections: page error:', e.message.slice(0, 300)));
  page.on('console', (m) => { if (m.type() === 'error') console.log('e2e corrections: console error:', m.text().slice(0, 300)); });

  step('opening the study in the Segment Any Tissue mode');
  const { geometry, sliceNumbers } = await openStudy(page, `http://127.0.0.1:${WEB_PORT}/segment-any-tissue?StudyInstanceUIDs=${study}`);

  const labels = resampleLabelsToGrid(niftiToLabels(readNifti(new Uint8Array(readFileSync(join(dataDir, 'ct-abdomen-dicom/labels.nii.gz'))))), geometry);
  const [W, H, D] = geometry.dims;
  const len = W * H;
  const truthMask = labels.data.map((v) => (v === STRUCTURE.label ? 1 : 0));
  const perSlice = Array.from({ length: D }, (_, kk) => countOn(truthMask, kk, len, 1));
  const k = perSlice.indexOf(Math.max(...perSlice));
  const inImg = (i, j) => i >= 0 && j >= 0 && i < W && j < H;
  const truth = (i, j, kk) => inImg(i, j) && truthMask[(kk * H + j) * W + i] === 1;
  /** Whether any pixel within r of (i, j) passes f. */
  const near = (i, j, r, f) => { for (let dj = -r; dj <= r; dj++) for (let di = -r; di <= r; di++) if (di * di + dj * dj <= r * r && f(i + di, j + dj)) return true; return false; };
  step(`the ${STRUCTURE.name} (label ${STRUCTURE.label}) on ${perSlice.filter(Boolean).length} of ${D} slices; reference slice k=${k} (viewer slice ${sliceNumbers[k]}, ${perSlice[k]} px)`);

  step(`painting the ${STRUCTURE.name} on one slice with the brush`);
  const brushMm = 4;
  const rpx = Math.ceil(brushMm / geometry.spacing[0]);
  const toPage = await startDrawing(page, k, brushMm);
  const inside = (i, j) => !near(i, j, rpx, (a, b) => !truth(a, b, k));
  let strokes = 0;
  for (const r of runsWhere(W, H, Math.max(1, Math.floor(rpx * 1.5)), inside).sort((a, b) => a.j - b.j || a.i0 - b.i0)) {
    await stroke(page, toPage, r.i0, r.i1, r.j, Math.max(1, Math.ceil((r.i1 - r.i0) / (3 * rpx))));
    strokes++;
  }
  step(`${strokes} brush strokes`);
  await page.waitForTimeout(1000);

  step('first run');
  const first = await run(page);
  if (first.st.phase !== 'review') throw new Error(`the tool ended with ${first.st.phase}: ${first.st.notice?.text}`);
  const resultId = await page.evaluate(() => window.__sat.resultId());
  const result = await readSegmentation(page);
  const seg1 = first.st.result.labels[0].value;
  const d1 = dice(result, truthMask, seg1);
  step(`first run: Dice ${d1.toFixed(4)} against the labels; ${first.st.notice?.text}`);
  check(d1 >= 0.5, `Dice of the first run ${d1.toFixed(3)} ≥ 0.5 (a sane first result to correct)`);
  const drawingId = (await segmentationIds(page)).find((x) => x !== resultId);
  const drawing = await readSegmentation(page, drawingId);

  // The slices to correct: the worst slice that holds the structure (away from the reference), and a
  // slice without the structure that the result painted (the one with the most), else the first slice
  // beyond the the structure's end.
  const wrongOn = (kk) => { let e = 0; for (let i = kk * len; i < (kk + 1) * len; i++) e += (truthMask[i] === 1) !== (result[i] === seg1) ? 1 : 0; return e; };
  let kc = -1, worst = 0;
  for (let kk = 0; kk < D; kk++) {
    if (Math.abs(kk - k) < 3 || !perSlice[kk]) continue;
    const e = wrongOn(kk);
    if (e > worst) { worst = e; kc = kk; }
  }
  if (kc < 0) throw new Error('no slice of the first result is wrong anywhere; nothing to correct');
  let ke = -1, leaked = 0;
  for (let kk = 0; kk < D; kk++) {
    if (perSlice[kk] || kk === kc || kk === k) continue;
    const c = countOn(result, kk, len, seg1);
    if (c > leaked) { leaked = c; ke = kk; }
  }
  if (ke < 0) {
    const onSlices = perSlice.map((c, kk) => (c ? kk : -1)).filter((kk) => kk >= 0);
    const last = onSlices[onSlices.length - 1], firstK = onSlices[0];
    ke = last + 1 < D ? last + 1 : firstK - 1;
    if (ke < 0) throw new Error(`the ${STRUCTURE.name} lies on every slice of the series: no slice to erase (choose another STRUCTURE)`);
    step(`the first result paints no slice without the ${STRUCTURE.name}; erasing slice ${sliceNumbers[ke]} beyond its end instead (it holds ${countOn(result, ke, len, seg1)} px)`);
  }
  step(`to correct: slice ${sliceNumbers[kc]} (k=${kc}, ${worst} wrong px, ${STRUCTURE.name} ${perSlice[kc]} px, result ${countOn(result, kc, len, seg1)} px); to erase: slice ${sliceNumbers[ke]} (k=${ke}, result ${leaked} px, none in the labels)`);

  step('making the result segmentation active, as the user does in the segmentation list');
  // OHIF's panel shows one segmentation at a time, with a selector of them all (collapsed mode);
  // in expanded mode each segmentation has a header to click.
  const activeNow = () => page.evaluate(() => window.services.segmentationService.getActiveSegmentation(window.services.viewportGridService.getActiveViewportId())?.segmentationId);
  const selector = page.locator('[data-cy="segmentation-select-Labelmap"]').first();
  if (await selector.count()) {
    await selector.click();
    await page.getByRole('option').filter({ hasText: 'SAT:' }).first().click({ timeout: 10000 });
  } else {
    await page.locator('.segmentation-expanded-section, [data-cy^="segmentation"]').filter({ hasText: 'SAT:' }).first().click({ timeout: 10000 });
  }
  await page.waitForTimeout(800);
  check((await activeNow()) === resultId, `choosing "SAT: …" in the segmentation panel makes the result the active segmentation (${await activeNow()})`);
  if ((await activeNow()) !== resultId) await page.evaluate((id) => window.services.segmentationService.setActiveSegmentation(window.services.viewportGridService.getActiveViewportId(), id), resultId);

  step(`drawing the true ${STRUCTURE.name} on slice ${sliceNumbers[kc]}: the brush inside it, the eraser outside it`);
  {
    // Strokes only where the brush's disk lies wholly inside the labels' mask (brush) or wholly
    // outside it (eraser), each where it fixes most, a dozen at most of each (every stroke
    // costs the viewer a few redraws here).
    const mm = 3;
    const r = Math.ceil(mm / geometry.spacing[0]);
    const band = (i0, i1, j, f) => { let c = 0; for (let jj = j - r; jj <= j + r; jj++) for (let i = i0 - r; i <= i1 + r; i++) if (inImg(i, jj) && f(i, jj)) c++; return c; };
    const shownIn = (v) => (i, j) => inImg(i, j) && v[(kc * H + j) * W + i] === seg1;
    await arm(page, 'Brush', mm);
    const C = await showSliceForDrawing(page, kc);
    const add = runsWhere(W, H, r, (i, j) => !near(i, j, r, (a, b) => !truth(a, b, kc)), (i0, i1, j) => band(i0, i1, j, (i, jj) => truth(i, jj, kc) && !shownIn(result)(i, jj))).slice(0, 12);
    for (const s of add.sort((a, b) => a.j - b.j || a.i0 - b.i0)) await stroke(page, C, s.i0, s.i1, s.j, Math.max(1, Math.ceil((s.i1 - s.i0) / (3 * r))));
    await page.waitForTimeout(800);
    const shown = shownIn(await readSegmentation(page));
    const cut = runsWhere(W, H, r, (i, j) => !near(i, j, r, (a, b) => truth(a, b, kc)) && near(i, j, r, shown), (i0, i1, j) => band(i0, i1, j, (i, jj) => shown(i, jj) && !truth(i, jj, kc))).slice(0, 12);
    if (cut.length) {
      await arm(page, 'Eraser', mm);
      await showSliceForDrawing(page, kc);
      for (const s of cut.sort((a, b) => a.j - b.j || a.i0 - b.i0)) await stroke(page, C, s.i0, s.i1, s.j, Math.max(1, Math.ceil((s.i1 - s.i0) / (3 * r))));
    }
    await page.waitForTimeout(800);
    step(`${add.length} brush and ${cut.length} eraser strokes of ${mm} mm`);
  }
  const afterDraw = await readSegmentation(page);
  const drawnTruthDice = (() => { let inter = 0, a = 0, b = 0; for (let i = kc * len; i < (kc + 1) * len; i++) { const x = afterDraw[i] === seg1, y = truthMask[i] === 1; inter += x && y ? 1 : 0; a += x ? 1 : 0; b += y ? 1 : 0; } return (2 * inter) / Math.max(1, a + b); })();
  step(`slice ${sliceNumbers[kc]} now: ${countOn(afterDraw, kc, len, seg1)} px, Dice ${drawnTruthDice.toFixed(3)} against the labels there (was ${worst} wrong px)`);
  await page.screenshot({ path: join(ART, 'e2e-corrections-1-drawn.png') });

  step(`erasing the result on slice ${sliceNumbers[ke]} with the eraser`);
  {
    const mm = 10;
    const r = Math.ceil(mm / geometry.spacing[0]);
    await arm(page, 'Eraser', mm);
    const C = await showSliceForDrawing(page, ke);
    let n = 0;
    for (let round = 0; round < 4; round++) {
      const now = await readSegmentation(page);
      const left = (i, j) => inImg(i, j) && now[(ke * H + j) * W + i] === seg1;
      if (!countOn(now, ke, len, seg1)) break;
      // Rows half a radius apart, each stroke over every pixel of the result near its row (the brush's size is no concern: the loop looks again).
      const rr = Math.max(1, Math.floor(r / (2 + round)));
      const rows = runsWhere(W, H, rr, (i, j) => near(i, j, rr, left));
      for (const s of rows.sort((a, b) => a.j - b.j || a.i0 - b.i0)) { await stroke(page, C, s.i0, s.i1, s.j, Math.max(1, Math.ceil((s.i1 - s.i0) / (2 * rr)))); n++; }
      await page.waitForTimeout(800);
    }
    step(`${n} eraser strokes`);
  }
  const corrected = await readSegmentation(page);
  check(countOn(corrected, ke, len, seg1) === 0, `slice ${sliceNumbers[ke]} of the result is empty before the rerun (${countOn(corrected, ke, len, seg1)} px left)`);
  const changed = Array.from({ length: D }, (_, kk) => kk).filter((kk) => !sliceEq(corrected, result, kk, len));
  const expected = (leaked ? [kc, ke] : [kc]).sort((a, b) => a - b);
  if (changed.join() !== expected.join()) throw new Error(`the strokes changed slices [${changed}] instead of [${expected}]`);
  check(Buffer.compare(drawing, await readSegmentation(page, drawingId)) === 0, "the corrections left the user's first drawing unchanged");
  await page.screenshot({ path: join(ART, 'e2e-corrections-2-erased.png') });

  step('second run, with the corrections');
  const second = await run(page);
  if (second.st.phase !== 'review') throw new Error(`the second run ended with ${second.st.phase}: ${second.st.notice?.text}`);
  const result2 = await readSegmentation(page);
  const d2 = dice(result2, truthMask, seg1);
  const ids2 = await segmentationIds(page);
  check(ids2.length === 2 && ids2.includes(resultId) && ids2.includes(drawingId), `the second run replaced the result in place (segmentations [${ids2}])`);
  check(sliceEq(result2, corrected, kc, len), `slice ${sliceNumbers[kc]} of the new result is exactly the drawing (${countOn(result2, kc, len, seg1)} px, drawn ${countOn(corrected, kc, len, seg1)} px)`);
  check(countOn(result2, ke, len, seg1) === 0, `slice ${sliceNumbers[ke]}, erased, stays empty (${countOn(result2, ke, len, seg1)} px)`);
  const msgs = await page.evaluate(() => window.__runMessages);
  const msg = msgs[msgs.length - 1];
  check(msgs.length === 2, `the viewer posted one run to the engine per press (${msgs.length})`);
  // Where the first result had nothing to erase (the fallback above), erasing changed nothing and is no correction.
  if (!leaked) step(`slice ${sliceNumbers[ke]} held none of the result: no correction there, so the engine is not told of it`);
  if (leaked) check((msg?.absentSlices?.[seg1] ?? []).includes(ke), `the engine was told label ${seg1} is absent on slice k=${ke} (absentSlices ${JSON.stringify(msg?.absentSlices)})`);
  check((msg?.referenceSlices?.[seg1] ?? []).join() === [k, kc].sort((a, b) => a - b).join(), `the engine's reference holds the ${STRUCTURE.name} on slices k=${[k, kc].sort((a, b) => a - b)} (${msg?.referenceSlices?.[seg1]})`);
  // The engine itself (not only the viewer's re-assertion of the corrections) honoured the erased
  // slice: nothing there, nor beyond it on the side away from every drawing.
  const refsOf = msg?.referenceSlices?.[seg1] ?? [];
  const beyond = refsOf.every((r) => r < ke) ? Array.from({ length: D - ke }, (_, i) => ke + i) : refsOf.every((r) => r > ke) ? Array.from({ length: ke + 1 }, (_, i) => i) : [ke];
  const engineAreas = msg?.engineAreas?.[seg1];
  if (leaked) check(Boolean(engineAreas) && beyond.every((kk) => engineAreas[kk] === 0), `the engine's own result is empty on the erased slice and beyond it, slices k=${beyond[0]}..${beyond[beyond.length - 1]} (per slice: ${engineAreas?.join(' ')})`);
  const perResult = (v) => Array.from({ length: D }, (_, kk) => countOn(v, kk, len, seg1)).join(' ');
  step(`voxels per slice k=0..${D - 1}: labels ${perSlice.join(' ')}`);
  step(`  first run ${perResult(result)}`);
  step(`  corrected ${perResult(corrected)}`);
  step(`  rerun     ${perResult(result2)}`);
  const panelRefs = await page.locator('[data-testid="sat-references"]').innerText();
  check(panelRefs.includes(`${sliceNumbers[kc]} (corrected)`) && (!leaked || panelRefs.includes(`${sliceNumbers[ke]} (corrected)`)) && panelRefs.includes(`${sliceNumbers[k]} (drawn)`), `the panel lists slices ${sliceNumbers[kc]} and ${sliceNumbers[ke]} as corrected and ${sliceNumbers[k]} as drawn: "${panelRefs}"`);
  if (d1 >= 1) check(d2 >= d1, `Dice against the labels did not go down from a perfect first run (${d2.toFixed(4)})`);
  else check(d2 > d1, `Dice against the labels went up with the corrections: ${d1.toFixed(4)} → ${d2.toFixed(4)}`);
  await showSliceForDrawing(page, kc);
  await page.screenshot({ path: join(ART, 'e2e-corrections-3-rerun.png') });

  const fmt = (x) => (x === undefined || Number.isNaN(x) ? '?' : `${x.toFixed(1)} s`);
  // Printed, never asserted: a shared machine.
  step(`times: first run ${fmt(first.pressToResult)} press to result (engine ${fmt(first.engine)} in the Worker), rerun with corrections ${fmt(second.pressToResult)} (engine ${fmt(second.engine)})`);
  step(`Dice against the labels: first run ${d1.toFixed(4)}, after the corrections ${d2.toFixed(4)}`);
  check(csp.violations.length === 0, `the Content-Security-Policy blocked nothing (${csp.violations.slice(0, 10).join('; ')})`);
} catch (e) {
  failures.push(e.message);
  console.error(`e2e corrections: FAIL — ${e.stack || e.message}`);
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  spawnSync(join(root, 'scripts/pacs.sh'), ['stop'], { env: pacsEnv });
  rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `e2e corrections: FAILED (${failures.length})` : 'e2e corrections: PASSED');
process.exit(failures.length ? 1 : 0);
