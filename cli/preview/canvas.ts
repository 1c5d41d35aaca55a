/** An RGB picture in memory (8 bits per channel, row-major) and the few drawing operations the preview needs. */
export type Rgb = readonly [number, number, number];

export interface Canvas {
  width: number;
  height: number;
  /** width × height × 3 bytes. */
  rgb: Uint8Array;
}

export function newCanvas(width: number, height: number, background: Rgb): Canvas {
  const c = { width, height, rgb: new Uint8Array(width * height * 3) };
  fillRect(c, 0, 0, width, height, background);
  return c;
}

export function setPixel(c: Canvas, x: number, y: number, colour: Rgb): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height) return;
  const o = (y * c.width + x) * 3;
  c.rgb[o] = colour[0];
  c.rgb[o + 1] = colour[1];
  c.rgb[o + 2] = colour[2];
}

export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, colour: Rgb): void {
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) setPixel(c, xx, yy, colour);
}

/** A frame `thickness` pixels wide just outside the rectangle (x, y, w, h). */
export function frameRect(c: Canvas, x: number, y: number, w: number, h: number, thickness: number, colour: Rgb): void {
  fillRect(c, x - thickness, y - thickness, w + 2 * thickness, thickness, colour);
  fillRect(c, x - thickness, y + h, w + 2 * thickness, thickness, colour);
  fillRect(c, x - thickness, y, thickness, h, colour);
  fillRect(c, x + w, y, thickness, h, colour);
}
