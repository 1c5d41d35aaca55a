/**
 * The chart of bench:confidence as an RGB raster: one point per slice record, the review's
 * confidence across, the slice's Dice against the labels up; red where the slice is wrong,
 * hollow where the review flagged it, the doubtful threshold as a vertical line.
 */
import { fillRect, Rgb, text } from '../accuracy/chart';

export interface ScatterPoint {
  confidence: number;
  dice: number;
  wrong: boolean;
  doubtful: boolean;
}

const RED: [number, number, number] = [214, 39, 40];
const BLUE: [number, number, number] = [31, 119, 180];
const GREY: [number, number, number] = [150, 150, 150];
const BLACK: [number, number, number] = [0, 0, 0];

export function confidenceScatter(points: ScatterPoint[], threshold: number, title: string): Rgb {
  const left = 50;
  const top = 40;
  const size = 400;
  const width = left + size + 30;
  const height = top + size + 60;
  const img: Rgb = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  text(img, 10, 8, title, BLACK);
  fillRect(img, 10, 22, 6, 6, RED);
  let x = text(img, 20, 22, 'wrong slice', BLACK) + 14;
  fillRect(img, x, 22, 6, 6, BLUE);
  x = text(img, x + 10, 22, 'right slice', BLACK) + 14;
  ring(img, x + 3, 25, GREY);
  text(img, x + 10, 22, 'flagged doubtful', BLACK);
  const px = (c: number) => Math.round(left + c * size);
  const py = (d: number) => Math.round(top + (1 - d) * size);
  fillRect(img, left, top, 1, size + 1, BLACK);
  fillRect(img, left, top + size, size + 1, 1, BLACK);
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    fillRect(img, px(v), top + size, 1, 4, BLACK);
    text(img, px(v) - 8, top + size + 7, v.toFixed(1), BLACK);
    fillRect(img, left - 4, py(v), 4, 1, BLACK);
    text(img, left - 24, py(v) - 3, v.toFixed(1), BLACK);
  }
  for (let y = top; y < top + size; y += 4) fillRect(img, px(threshold), y, 1, 2, GREY);
  text(img, left + size / 2 - 50, top + size + 22, 'review confidence', BLACK);
  text(img, 4, top - 12, 'slice dice', BLACK);
  // Small deterministic jitter so piles of identical values stay visible.
  points.forEach((p, i) => {
    const jx = ((i * 7919) % 7) - 3;
    const jy = ((i * 104729) % 7) - 3;
    const cx = px(p.confidence) + jx;
    const cy = py(p.dice) + jy;
    fillRect(img, cx - 1, cy - 1, 3, 3, p.wrong ? RED : BLUE);
    if (p.doubtful) ring(img, cx, cy, GREY);
  });
  return img;
}

function ring(img: Rgb, cx: number, cy: number, c: [number, number, number]): void {
  for (let d = -3; d <= 3; d++) {
    fillRect(img, cx + d, cy - 3, 1, 1, c);
    fillRect(img, cx + d, cy + 3, 1, 1, c);
    fillRect(img, cx - 3, cy + d, 1, 1, c);
    fillRect(img, cx + 3, cy + d, 1, 1, c);
  }
}
