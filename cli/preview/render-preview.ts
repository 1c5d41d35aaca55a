/**
 * The picture `sat segment --preview` writes: a row of slices through the result, each the
 * windowed image with the outline of every label on it, the reference slice(s) framed and
 * marked REF, each captioned with its 0-based slice number, and a legend of the labels.
 * Pure: arrays in, an RGB canvas out (encode it with formats/png encodeRgbPng).
 */
import { ImageVolume, LabelVolume } from '../../extension/src/engine/image/types';
import { labelsPresent } from '../../extension/src/engine/labels';
import { Canvas, Rgb, newCanvas, setPixel, frameRect, fillRect } from './canvas';
import { drawText, textWidth, TEXT_HEIGHT } from './font';
import { previewSlices, slicesWithVoxels } from './choose-slices';
import { previewWindow } from './window';
import { sliceView } from './slice-view';

/** Distinct, saturated colours that stay visible over grey; labels take them in ascending order. */
export const LABEL_COLOURS: Rgb[] = [
  [255, 64, 64], [64, 200, 255], [90, 255, 90], [255, 210, 0], [255, 90, 255], [0, 255, 210], [255, 150, 40], [170, 130, 255],
];
const REFERENCE_COLOUR: Rgb = [255, 230, 0];
const BACKGROUND: Rgb = [16, 16, 16];
const TEXT: Rgb = [230, 230, 230];

export interface PreviewInput {
  image: ImageVolume;
  /** The result, on the image's grid. */
  labels: LabelVolume;
  /** The annotated slices (k) and their voxel counts; empty for a 2D one-shot result. */
  references: { k: number; voxels: number }[];
  /** Longer side of one tile in pixels (default 240). */
  tileSize?: number;
}

export interface Preview extends Canvas {
  /** The slices shown, left to right (0-based k). */
  slices: number[];
}

export function renderPreview(input: PreviewInput): Preview {
  const { image, labels } = input;
  const view = sliceView(image, input.tileSize ?? 240);
  const painted = slicesWithVoxels(labels);
  const refs = new Set(input.references.map((r) => r.k));
  let slices = previewSlices(painted, input.references);
  if (slices.length === 0) slices = [Math.floor(image.dims[2] / 2)];
  const present = labelsPresent(labels);
  const colourOf = new Map(present.map((l, i) => [l, LABEL_COLOURS[i % LABEL_COLOURS.length]]));

  const scale = 2;
  const gap = 12;
  const captionH = TEXT_HEIGHT * scale + 8;
  const legend = present.map((l) => `LABEL ${l}`);
  const legendW = legend.reduce((a, t) => a + 14 + 6 + textWidth(t, scale) + 16, 0);
  const width = Math.max(gap + slices.length * (view.width + gap), legendW + 2 * gap);
  const height = gap + view.height + captionH + gap + TEXT_HEIGHT * scale + gap;
  const c = newCanvas(width, height, BACKGROUND);

  const win = previewWindow(image, slices);
  slices.forEach((k, n) => {
    const x0 = gap + n * (view.width + gap);
    drawTile(c, x0, gap, k, input, view, win, colourOf);
    const isRef = refs.has(k);
    frameRect(c, x0, gap, view.width, view.height, isRef ? 3 : 1, isRef ? REFERENCE_COLOUR : [90, 90, 90]);
    const caption = `SLICE ${k}${isRef ? ' REF' : ''}`;
    drawText(c, x0, gap + view.height + 6, caption, isRef ? REFERENCE_COLOUR : TEXT, scale);
  });
  let lx = gap;
  const ly = gap + view.height + captionH + gap;
  present.forEach((l, i) => {
    fillRect(c, lx, ly - 2, 14, TEXT_HEIGHT * scale + 4, colourOf.get(l)!);
    drawText(c, lx + 20, ly, legend[i], TEXT, scale);
    lx += 14 + 6 + textWidth(legend[i], scale) + 16;
  });
  return { ...c, slices };
}

function drawTile(
  c: Canvas,
  x0: number,
  y0: number,
  k: number,
  input: PreviewInput,
  view: ReturnType<typeof sliceView>,
  [lo, hi]: [number, number],
  colourOf: Map<number, Rgb>,
): void {
  const { image, labels } = input;
  const [w, h] = image.dims;
  const base = k * w * h;
  // The label of each display pixel (nearest voxel), then its outline: pixels whose 3×3 neighbourhood holds another value.
  const lab = new Uint16Array(view.width * view.height);
  for (let y = 0; y < view.height; y++)
    for (let x = 0; x < view.width; x++) {
      const [i, j] = view.source(x, y);
      const ii = clamp(Math.round(i), 0, w - 1);
      const jj = clamp(Math.round(j), 0, h - 1);
      lab[y * view.width + x] = labels.data[base + jj * w + ii];
      setPixel(c, x0 + x, y0 + y, pixelColour(image, base, i, j, lo, hi));
    }
  for (let y = 0; y < view.height; y++)
    for (let x = 0; x < view.width; x++) {
      const l = lab[y * view.width + x];
      if (l === 0 || !onEdge(lab, view.width, view.height, x, y, l)) continue;
      setPixel(c, x0 + x, y0 + y, colourOf.get(l) ?? LABEL_COLOURS[0]);
    }
}

function onEdge(lab: Uint16Array, w: number, h: number, x: number, y: number, l: number): boolean {
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
      if (lab[yy * w + xx] !== l) return true;
    }
  return false;
}

/** Grey through the window; a colour picture (channels 3, e.g. endoscopy) as its own colours. */
function pixelColour(image: ImageVolume, base: number, i: number, j: number, lo: number, hi: number): Rgb {
  const [w, h] = image.dims;
  if (image.channels === 3) {
    const rgb = [0, 1, 2].map((ch) => clamp(Math.round(bilinear(image.data, base, w, h, i, j, 3, ch)), 0, 255));
    return [rgb[0], rgb[1], rgb[2]];
  }
  const v = bilinear(image.data, base, w, h, i, j);
  const g = Number.isFinite(v) ? clamp(Math.round(((v - lo) / (hi - lo)) * 255), 0, 255) : 0;
  return [g, g, g];
}

/** Bilinear sample at (i, j) of slice `base` (voxels); `stride` values per pixel, channel `ch`. */
function bilinear(data: Float32Array, base: number, w: number, h: number, i: number, j: number, stride = 1, ch = 0): number {
  const ci = clamp(i, 0, w - 1);
  const cj = clamp(j, 0, h - 1);
  const i0 = Math.floor(ci);
  const j0 = Math.floor(cj);
  const i1 = Math.min(w - 1, i0 + 1);
  const j1 = Math.min(h - 1, j0 + 1);
  const fi = ci - i0;
  const fj = cj - j0;
  const at = (ii: number, jj: number) => data[(base + jj * w + ii) * stride + ch];
  const a = at(i0, j0) * (1 - fi) + at(i1, j0) * fi;
  const b = at(i0, j1) * (1 - fi) + at(i1, j1) * fi;
  return a * (1 - fj) + b * fj;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
