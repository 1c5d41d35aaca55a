/**
 * DINOv2 as the engine's PatchEncoder: the image (long side → inputSize, aspect kept) is padded
 * up to whole 14-px patches so every patch row/column that holds image content is kept; the
 * CLS and register tokens are stripped; patchW/patchH are in the caller's image pixels.
 */
import type { PatchEncoder, PatchFeatures } from '../engine/features/patch-encoder';
import type { Image2D } from '../engine/image/types';
import type { ModelEntry } from './manifest';
import { ModelSession, ort } from './ort-session';
import { toNetworkInput, WindowOptions } from './preprocess';

export class Dinov2PatchEncoder implements PatchEncoder {
  readonly name: string;
  constructor(
    private readonly entry: ModelEntry,
    readonly session: ModelSession,
    private readonly opts: WindowOptions = {},
  ) {
    this.name = `learned:${entry.id}`;
  }

  async encode(image: Image2D): Promise<PatchFeatures> {
    const p = this.entry.preprocessing;
    const ps = p.patchSize ?? 14;
    const spec = this.entry.files.encoder;
    const shape = spec.inputs[0].shape;
    // Fixed-size exports get a padded square; dynamic ones the smallest multiple of the patch size.
    const fixed = typeof shape[2] === 'number' && typeof shape[3] === 'number';
    const inp = toNetworkInput(image, p, (nw, nh) =>
      fixed ? [shape[3] as number, shape[2] as number] : [Math.ceil(nw / ps) * ps, Math.ceil(nh / ps) * ps], this.opts);
    const tensor = new ort.Tensor('float32', inp.data, [1, 3, inp.tensorH, inp.tensorW]);
    const out = await this.session.run({ [spec.inputs[0].name]: tensor });
    const t = out[spec.outputs[0].name];
    const [, tokens, dim] = t.dims as number[];
    const netGridW = inp.tensorW / ps;
    const netGridH = inp.tensorH / ps;
    const prefix = tokens - netGridW * netGridH;
    if (prefix < 0 || (p.prefixTokens !== undefined && prefix !== p.prefixTokens)) {
      throw new Error(`${spec.file}: ${tokens} tokens for a ${netGridW}×${netGridH} patch grid; expected ${p.prefixTokens ?? '≥0'} prefix (CLS/register) tokens`);
    }
    const gridW = Math.ceil(inp.newW / ps);
    const gridH = Math.ceil(inp.newH / ps);
    const src = t.data as Float32Array;
    const data = new Float32Array(gridW * gridH * dim);
    for (let gy = 0; gy < gridH; gy++) {
      const from = (prefix + gy * netGridW) * dim;
      data.set(src.subarray(from, from + gridW * dim), gy * gridW * dim);
    }
    return {
      data,
      gridW,
      gridH,
      dim,
      patchW: (ps * image.width) / inp.newW,
      patchH: (ps * image.height) / inp.newH,
    };
  }
}
