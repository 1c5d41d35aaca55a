/**
 * A bar chart as an RGB raster, for the benchmark's PNG: one panel per volume, two bars per
 * structure (reference on the largest slice, and on the slice at 30 % of its extent), the
 * previous release as a tick. Text uses a built-in 5×7 pixel font (upper case).
 */
import * as fs from 'fs';
import * as path from 'path';
import { encodeRgbPng } from '../../../extension/src/formats/png';

export interface ChartBar {
  name: string;
  values: number[];
  /** Earlier figures for the same bars, drawn as black ticks. */
  previous?: (number | undefined)[];
}

export interface ChartPanel {
  title: string;
  bars: ChartBar[];
}

export interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

const GLYPHS: Record<string, string> = {
  A: '01110 10001 10001 11111 10001 10001 10001', B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110', D: '11110 10001 10001 10001 10001 10001 11110',
  E: '11111 10000 10000 11110 10000 10000 11111', F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111', H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110', J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001', L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001', N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110', P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101', R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110', T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110', V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010', X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 01010 00100 00100 00100 00100', Z: '11111 00001 00010 00100 01000 10000 11111',
  0: '01110 10001 10011 10101 11001 10001 01110', 1: '00100 01100 00100 00100 00100 00100 01110',
  2: '01110 10001 00001 00010 00100 01000 11111', 3: '11111 00010 00100 00010 00001 10001 01110',
  4: '00010 00110 01010 10010 11111 00010 00010', 5: '11111 10000 11110 00001 00001 10001 01110',
  6: '00110 01000 10000 11110 10001 10001 01110', 7: '11111 00001 00010 00100 01000 01000 01000',
  8: '01110 10001 10001 01110 10001 10001 01110', 9: '01110 10001 10001 01111 00001 00010 01100',
  '.': '00000 00000 00000 00000 00000 01100 01100', '-': '00000 00000 00000 11111 00000 00000 00000',
  '/': '00001 00010 00010 00100 01000 01000 10000', '(': '00010 00100 01000 01000 01000 00100 00010',
  ')': '01000 00100 00010 00010 00010 00100 01000', '%': '11000 11001 00010 00100 01000 10011 00011',
  ':': '00000 01100 01100 00000 01100 01100 00000', ' ': '00000 00000 00000 00000 00000 00000 00000',
};

const COLOURS: [number, number, number][] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
];

export function barChart(panels: ChartPanel[], legend: string[]): Rgb {
  const barW = 9;
  const groupGap = 8;
  const plotH = 200;
  const labelH = 90;
  const titleH = 22;
  const left = 40;
  const series = Math.max(1, legend.length);
  const panelW = panels.map((p) => left + p.bars.length * (barW * series + groupGap) + 20);
  // 6 px a character, a swatch and gaps per entry, then the previous-release key
  const legendW = 10 + legend.reduce((a, name) => a + 16 + 6 * name.length + 24, 0) + 16 + 6 * 'previous release'.length + 10;
  const width = Math.max(600, legendW, ...panelW);
  const panelH = titleH + plotH + labelH;
  const height = 30 + panels.length * panelH;
  const img: Rgb = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  let lx = 10;
  legend.forEach((name, i) => {
    fillRect(img, lx, 10, 12, 10, COLOURS[i % COLOURS.length]);
    lx = text(img, lx + 16, 11, name, [0, 0, 0]) + 24;
  });
  fillRect(img, lx, 14, 12, 2, [0, 0, 0]);
  text(img, lx + 16, 11, 'previous release', [0, 0, 0]);
  panels.forEach((panel, pi) => {
    const top = 30 + pi * panelH;
    text(img, 10, top + 6, panel.title, [0, 0, 0]);
    const y0 = top + titleH;
    const yOf = (v: number) => y0 + Math.round((1 - Math.max(0, Math.min(1, v))) * plotH);
    for (let t = 0; t <= 10; t += 2) {
      const y = yOf(t / 10);
      fillRect(img, left - 4, y, width - left - 10, 1, t === 0 ? [0, 0, 0] : [220, 220, 220]);
      text(img, 4, y - 3, (t / 10).toFixed(1), [90, 90, 90]);
    }
    panel.bars.forEach((bar, bi) => {
      const gx = left + bi * (barW * series + groupGap);
      bar.values.forEach((v, vi) => {
        const x = gx + vi * barW;
        if (Number.isFinite(v)) fillRect(img, x, yOf(v), barW - 1, yOf(0) - yOf(v), COLOURS[vi % COLOURS.length]);
        const p = bar.previous?.[vi];
        if (p !== undefined && Number.isFinite(p)) fillRect(img, x - 1, yOf(p), barW + 1, 2, [0, 0, 0]);
      });
      verticalText(img, gx + barW - 3, yOf(0) + 4, bar.name, [0, 0, 0], labelH - 8);
    });
  });
  return img;
}

export function fillRect(img: Rgb, x: number, y: number, w: number, h: number, c: [number, number, number]): void {
  for (let yy = Math.max(0, y); yy < Math.min(img.height, y + h); yy++)
    for (let xx = Math.max(0, x); xx < Math.min(img.width, x + w); xx++) img.data.set(c, (yy * img.width + xx) * 3);
}

function glyph(ch: string): string[] {
  return (GLYPHS[ch.toUpperCase()] ?? GLYPHS[' ']).split(' ');
}

/** Draws left to right; returns the x after the text. */
export function text(img: Rgb, x: number, y: number, s: string, c: [number, number, number]): number {
  for (const ch of s) {
    glyph(ch).forEach((row, r) => [...row].forEach((bit, col) => bit === '1' && fillRect(img, x + col, y + r, 1, 1, c)));
    x += 6;
  }
  return x;
}

/** Draws top to bottom, each glyph rotated a quarter turn clockwise, within maxLen pixels. */
function verticalText(img: Rgb, x: number, y: number, s: string, c: [number, number, number], maxLen: number): void {
  const chars = [...s].slice(0, Math.floor(maxLen / 6));
  chars.forEach((ch, i) => {
    glyph(ch).forEach((row, r) => [...row].forEach((bit, col) => bit === '1' && fillRect(img, x - r + 3, y + i * 6 + col, 1, 1, c)));
  });
}

/** The chart written as a PNG file (its folder made when missing). */
export function writeBarChartPng(file: string, panels: ChartPanel[], legend: string[]): void {
  const img = barChart(panels, legend);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, encodeRgbPng(img.data, img.width, img.height));
}
