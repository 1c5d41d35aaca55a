#!/usr/bin/env node
/**
 * End to end in a real browser: headless Debian chromium (playwright-core, never a
 * downloaded browser), our server in front of a test Orthanc loaded with the real CT series
 * of ../shared/data/ct-abdomen-dicom. Opens the study in the Segment Any Tissue mode, paints
 * the liver on one slice with the brush (mouse strokes), runs the tool, checks Dice of the
 * viewer's result against labels.nii.gz, stores the SEG with STOW, finds it with QIDO and
 * validates it with dciodvfy. Screenshots go to tests/artifacts/.
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

const { readNifti, niftiToLabels } = require(join(root, 'dist/extension/src/engine/io/nifti.js'));
const { resampleLabelsToGrid } = require(join(root, 'dist/extension/src/engine/image/resample.js'));
const { qido } = require(join(root, 'dist/extension/src/dicomweb/stow.js'));
const { createServer } = await import(join(root, 'platform-config/server.mjs'));

mkdirSync(ART, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'sat-e2e-'));
const pacsEnv = { ...process.env, SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') };
let browser, server, failed = false;

function dice(a, b, value) {
  let inter = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] === value ? 1 : 0, y = b[i] ? 1 : 0; inter += x & y; na += x; nb += y; }
  return (2 * inter) / Math.max(1, na + nb);
}

try {
  step('starting a test Orthanc');
  execFileSync(join(root, 'scripts/pacs.sh'), ['start'], { env: pacsEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const series = join(work, 'series');
  // The test series has blank UIDs / SOP Class (anonymised); a PACS refuses that, so fill them in a temp copy.
  const study = execFileSync('/usr/bin/python3', [join(root, 'tests/e2e/prepare_series.py'), join(dataDir, 'ct-abdomen-dicom/series'), series], { encoding: 'utf8' }).trim();
  execFileSync('node', [join(root, 'scripts/import.mjs'), series], { env: { ...process.env, SAT_DICOMWEB_URL: PACS }, stdio: 'inherit' });

  server = createServer({ dicomweb: PACS, pacsName: 'Orthanc (e2e)' });
  await new Promise((r) => server.listen(WEB_PORT, '127.0.0.1', r));
  // A fresh profile (--user-data-dir) each run.
  browser = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
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
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  await page.waitForFunction(() => ['review', 'error', 'cancelled'].includes(window.__satState?.phase), null, { timeout: 600000, polling: 500 });
  const st = await page.evaluate(() => window.__satState);
  if (st.phase !== 'review') throw new Error(`the tool ended with ${st.phase}: ${st.message}`);
  step(`result in ${((Date.now() - t0) / 1000).toFixed(1)} s (engine ${st.seconds?.toFixed(1)} s); backend: ${JSON.stringify(st.backend)}`);
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(ART, 'e2e-2-result-reference-slice.png') });
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), Math.max(0, k - 8));
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(ART, 'e2e-2-result-other-slice.png') });

  const b64 = await page.evaluate(() => window.__segmentAnyTissue.readResult());
  const result = Buffer.from(b64, 'base64');
  const seg1 = st.labels[0].value;
  const d = dice(result, labels.data.map((v) => (v === LIVER ? 1 : 0)), seg1);
  step(`Dice (viewer result vs labels, liver) = ${d.toFixed(3)}`);
  if (!(d >= 0.85)) { failed = true; console.error(`e2e: FAIL — Dice ${d.toFixed(3)} < 0.85`); }

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
} catch (e) {
  failed = true;
  console.error(`e2e: FAIL — ${e.message}`);
} finally {
  await browser?.close().catch(() => {});
  server?.close();
  spawnSync(join(root, 'scripts/pacs.sh'), ['stop'], { env: pacsEnv });
  rmSync(work, { recursive: true, force: true });
}
console.log(failed ? 'e2e: FAILED' : 'e2e: PASSED');
process.exit(failed ? 1 : 0);
