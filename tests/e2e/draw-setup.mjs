/**
 * Shared by the browser scripts: open a study in our mode, wait for the series, show its middle
 * slice with a new segmentation and the brush active, and map voxel (i, j) to page pixels.
 */
export async function openForDrawing(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => { try { return window.__segmentAnyTissue?.series().imageIds.length > 0 && document.querySelector('canvas'); } catch { return false; } }, null, { timeout: 90000 });
  await page.waitForTimeout(2000);
  const { geometry } = await page.evaluate(() => window.__segmentAnyTissue.series());
  const k = Math.floor(geometry.dims[2] / 2);
  await page.getByText('Add segmentation').first().click();
  await page.waitForTimeout(800);
  await page.locator('[data-cy="Brush"]').first().click();
  await page.waitForTimeout(300);
  await page.evaluate((kk) => window.__segmentAnyTissue.showSlice(kk), k);
  await page.waitForTimeout(800);
  const A = await page.evaluate((kk) => window.__segmentAnyTissue.pixelToPage(kk), k);
  const toPage = (i, j) => [A.o[0] + A.di[0] * i + A.dj[0] * j, A.o[1] + A.di[1] * i + A.dj[1] * j];
  return { geometry, k, toPage };
}
