/**
 * A shape prior from reference masks: each mask is mapped from a box of its own image onto a
 * box of the target (nearest pixel) and the majority vote is kept. With whole-image boxes this
 * stretches frame onto frame (chest films); with body boxes it maps anatomy onto anatomy.
 */
import { Box } from './crop';

export interface BoxedMask {
  mask: Uint8Array;
  width: number;
  height: number;
  box: Box;
}

export function voteMappedMasks(refs: BoxedMask[], w: number, h: number, box: Box): Uint8Array {
  const votes = new Uint16Array(w * h);
  for (const r of refs) {
    for (let y = box.y0; y < box.y1; y++) {
      const ry = Math.floor(r.box.y0 + ((y - box.y0 + 0.5) * (r.box.y1 - r.box.y0)) / (box.y1 - box.y0));
      if (ry < 0 || ry >= r.height) continue;
      for (let x = box.x0; x < box.x1; x++) {
        const rx = Math.floor(r.box.x0 + ((x - box.x0 + 0.5) * (r.box.x1 - r.box.x0)) / (box.x1 - box.x0));
        if (rx >= 0 && rx < r.width && r.mask[ry * r.width + rx]) votes[y * w + x]++;
      }
    }
  }
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = 2 * votes[i] >= refs.length && votes[i] > 0 ? 1 : 0;
  return out;
}

export function wholeImage(width: number, height: number): Box {
  return { x0: 0, y0: 0, x1: width, y1: height };
}
