/**
 * A 3×5 pixel font (capitals, digits and a little punctuation) for the preview's captions and
 * legend: enough to write "SLICE 12" or "LABEL 5" without a font library.
 */
import { Canvas, Rgb, fillRect } from './canvas';

const GLYPHS: Record<string, string> = {
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110', E: '111100110100111',
  F: '111100110100100', G: '011100101101011', H: '101101111101101', I: '111010010010111', J: '001001001101010',
  K: '101101110101101', L: '100100100100111', M: '101111111101101', N: '110101101101101', O: '010101101101010',
  P: '110101110100100', Q: '010101101110011', R: '110101110101101', S: '011100010001110', T: '111010010010010',
  U: '101101101101111', V: '101101101101010', W: '101101111111101', X: '101101010101101', Y: '101101010010010',
  Z: '111001010100111', '0': '111101101101111', '1': '010110010010111', '2': '110001010100111', '3': '110001010001110',
  '4': '101101111001001', '5': '111100110001110', '6': '011100111101111', '7': '111001010010010', '8': '111101111101111',
  '9': '111101111001110', ' ': '000000000000000', '-': '000000111000000', '.': '000000000000010', ':': '000010000010000',
  '=': '000111000111000', '/': '001001010100100', '(': '010100100100010', ')': '010001001001010', ',': '000000000010100',
};

/** Width in pixels of `text` drawn at `scale` (each glyph 3 wide plus 1 gap). */
export function textWidth(text: string, scale: number): number {
  return text.length ? (text.length * 4 - 1) * scale : 0;
}

export const TEXT_HEIGHT = 5;

/** Draws `text` (upper-cased; unknown characters as blanks) with its top-left corner at (x, y). */
export function drawText(c: Canvas, x: number, y: number, text: string, colour: Rgb, scale = 2): void {
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const g = GLYPHS[ch] ?? GLYPHS[' '];
    for (let r = 0; r < 5; r++) for (let col = 0; col < 3; col++) if (g[r * 3 + col] === '1') fillRect(c, cx + col * scale, y + r * scale, scale, scale, colour);
    cx += 4 * scale;
  }
}
