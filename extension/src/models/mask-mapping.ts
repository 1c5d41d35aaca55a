/** Decoder masks and prompts ↔ the image's pixel grid (SAM conventions). */

/**
 * Logits of one mask → 0/1 mask on the image grid (threshold at 0). `maskW×maskH` is either the
 * image size (SAM's exported decoder already cropped and resized) or a square covering the
 * padded `inputSize` input (low-res 256² or 1024² outputs): then the padding is cropped and the
 * rest resized bilinearly.
 */
export function logitsToImageMask(
  logits: Float32Array,
  maskW: number,
  maskH: number,
  width: number,
  height: number,
  newW: number,
  newH: number,
  inputSize: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  if (maskW === width && maskH === height) {
    for (let i = 0; i < out.length; i++) out[i] = logits[i] > 0 ? 1 : 0;
    return out;
  }
  // image pixel centre → input-space coordinate → mask-space coordinate
  const kx = (newW / width) * (maskW / inputSize);
  const ky = (newH / height) * (maskH / inputSize);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * ky - 0.5, 0), maskH - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, maskH - 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * kx - 0.5, 0), maskW - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, maskW - 1);
      const tx = fx - x0;
      const a = logits[y0 * maskW + x0] * (1 - tx) + logits[y0 * maskW + x1] * tx;
      const b = logits[y1 * maskW + x0] * (1 - tx) + logits[y1 * maskW + x1] * tx;
      out[y * width + x] = a * (1 - ty) + b * ty > 0 ? 1 : 0;
    }
  }
  return out;
}

/** Prior 0/1 mask (image grid) → SAM mask_input logits (lowRes² over the padded input): ±LOGIT. */
export const PRIOR_LOGIT = 10;
export function priorToMaskInput(
  prior: Uint8Array,
  width: number,
  height: number,
  scale: number,
  lowRes = 256,
  inputSize = 1024,
): Float32Array {
  const out = new Float32Array(lowRes * lowRes).fill(-PRIOR_LOGIT);
  const cell = inputSize / lowRes;
  for (let v = 0; v < lowRes; v++) {
    const y = Math.floor(((v + 0.5) * cell) / scale);
    if (y >= height) break;
    for (let u = 0; u < lowRes; u++) {
      const x = Math.floor(((u + 0.5) * cell) / scale);
      if (x >= width) break;
      if (prior[y * width + x]) out[v * lowRes + u] = PRIOR_LOGIT;
    }
  }
  return out;
}

/**
 * Which of the decoder's masks to use, as SAM's own exported single-mask mode does: with one
 * click (plus the padding point) the best of the multimask outputs 1..K-1 by IoU prediction;
 * with more prompt points the single-mask output 0. A 1-mask decoder returns index 0.
 */
export function chooseMask(iou: ArrayLike<number>, numPromptPoints: number): number {
  const k = iou.length;
  if (k === 1) return 0;
  if (numPromptPoints >= 3) return 0;
  let best = 1;
  for (let i = 2; i < k; i++) if (iou[i] > iou[best]) best = i;
  return best;
}
