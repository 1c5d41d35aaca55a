/**
 * A SAM-family model (SAM ViT-B/L/H, MobileSAM, MedSAM: SAM's exported decoder contract) as the
 * engine's PromptableSegmenter: the image encoder runs once in prepare(); each prompt runs only
 * the decoder.
 */
import type { PreparedImage, PromptableSegmenter, SegmenterPrompt, SegmenterResult } from '../engine/segmenters/promptable-segmenter';
import type { Image2D } from '../engine/image/types';
import type { ModelEntry } from './manifest';
import { chooseMask, logitsToImageMask, priorToMaskInput } from './mask-mapping';
import { ModelSession, ort } from './ort-session';
import { toNetworkInput, WindowOptions } from './preprocess';

export class SamSegmenter implements PromptableSegmenter {
  readonly name: string;
  constructor(
    private readonly entry: ModelEntry,
    readonly encoder: ModelSession,
    readonly decoder: ModelSession,
    private readonly opts: WindowOptions = {},
  ) {
    this.name = `learned:${entry.id}`;
  }

  async prepare(image: Image2D): Promise<PreparedImage> {
    const p = this.entry.preprocessing;
    const S = p.inputSize;
    const enc = this.entry.files.encoder;
    const inp = toNetworkInput(image, p, () => [S, S], this.opts);
    const out = await this.encoder.run({ [enc.inputs[0].name]: new ort.Tensor('float32', inp.data, [1, 3, S, S]) });
    const embeddings = out[enc.outputs[0].name];
    const scale = S / Math.max(image.width, image.height);
    const decoder = this.decoder;
    const { width, height } = image;
    return {
      async segment(prompt: SegmenterPrompt): Promise<SegmenterResult> {
        if (prompt.points.length === 0 && !prompt.box) throw new Error('SAM needs at least one point or a box');
        const coords: number[] = [];
        const labels: number[] = [];
        for (const pt of prompt.points) {
          coords.push(pt.x * scale, pt.y * scale); // SAM's apply_coords: pixel coordinates × scale
          labels.push(pt.positive ? 1 : 0);
        }
        if (prompt.box) {
          const [x0, y0, x1, y1] = prompt.box;
          coords.push(x0 * scale, y0 * scale, x1 * scale, y1 * scale);
          labels.push(2, 3);
        } else {
          coords.push(0, 0); // SAM's padding point when there is no box
          labels.push(-1);
        }
        const n = labels.length;
        const hasMask = prompt.priorMask ? 1 : 0;
        const maskInput = prompt.priorMask
          ? priorToMaskInput(prompt.priorMask, width, height, scale, 256, S)
          : new Float32Array(256 * 256);
        const feeds: Record<string, ort.Tensor> = {
          image_embeddings: embeddings,
          point_coords: new ort.Tensor('float32', Float32Array.from(coords), [1, n, 2]),
          point_labels: new ort.Tensor('float32', Float32Array.from(labels), [1, n]),
          mask_input: new ort.Tensor('float32', maskInput, [1, 1, 256, 256]),
          has_mask_input: new ort.Tensor('float32', Float32Array.of(hasMask), [1]),
          orig_im_size: new ort.Tensor('float32', Float32Array.of(height, width), [2]),
        };
        const r = await decoder.run(feeds);
        const masks = r.masks;
        const iou = r.iou_predictions.data as Float32Array;
        const [, k, mh, mw] = masks.dims as number[];
        const best = chooseMask(iou, n);
        if (best >= k) throw new Error(`decoder returned ${k} masks but ${iou.length} IoU predictions`);
        const plane = mh * mw;
        const logits = (masks.data as Float32Array).subarray(best * plane, (best + 1) * plane);
        const { newW, newH } = { newW: Math.floor(width * scale + 0.5), newH: Math.floor(height * scale + 0.5) };
        const mask = logitsToImageMask(logits, mw, mh, width, height, newW, newH, S);
        return { mask, quality: Math.min(1, Math.max(0, iou[best])) };
      },
    };
  }
}
