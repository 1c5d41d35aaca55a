/**
 * The full learned path (preprocessing, onnxruntime-web on wasm, output mapping, contract checks)
 * with tiny generated models whose outputs are known: see scripts/models/make_test_models.py.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadLearnedBackends, LearnedBackends, ModelManifest, parseManifest } from '../../../extension/src/models';
import type { Image2D } from '../../../extension/src/engine/image/types';
import { ensureTinyModels } from './tiny-models';

let dir: string;
let manifest: ModelManifest;
beforeAll(() => {
  dir = ensureTinyModels();
  manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
});

function ct(width: number, height: number, hu: (x: number, y: number) => number): Image2D {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = hu(x, y);
  return { data, width, height, channels: 1, pixelSpacing: [1, 1], modality: 'CT' };
}

const WHITE = (1 - 0.485) / 0.229; // channel 0 after the soft-tissue window and ImageNet normalisation
const BLACK = (0 - 0.485) / 0.229;

describe('DINOv2 patch encoder (tiny model: features = patch means)', () => {
  let b: LearnedBackends;
  beforeAll(async () => {
    b = await loadLearnedBackends({ encoder: 'tiny-dinov2', modelDir: dir, executionProviders: ['wasm'] });
  });
  afterAll(() => b.dispose());

  it('keeps every patch row/column, strips CLS + registers, reports patch size in image pixels', async () => {
    // 300×200 CT: left half 240 HU (white in the 40/400 window), right half -160 HU (black).
    const f = await b.encoder!.encode(ct(300, 200, (x) => (x < 150 ? 240 : -160)));
    // long side 224 → 224×149 content; 16 × ceil(149/14) = 11 patches, the last row partly padding
    expect([f.gridW, f.gridH, f.dim]).toEqual([16, 11, 4]);
    expect(f.patchW).toBeCloseTo((14 * 300) / 224, 6);
    expect(f.patchH).toBeCloseTo((14 * 200) / 149, 6);
    const at = (gx: number, gy: number, d: number) => f.data[(gy * f.gridW + gx) * f.dim + d];
    for (let gy = 0; gy < f.gridH; gy++) {
      for (let gx = 0; gx < f.gridW; gx++) expect(at(gx, gy, 3)).toBeCloseTo(1, 5); // no CLS (7) / register (9) tokens
    }
    expect(at(0, 0, 0)).toBeCloseTo(WHITE, 4);
    expect(at(6, 5, 0)).toBeCloseTo(WHITE, 4);
    expect(at(9, 5, 0)).toBeCloseTo(BLACK, 4);
    expect(at(15, 0, 0)).toBeCloseTo(BLACK, 4); // last column kept
    // last row: 9 content rows (140..148) + 5 padding rows (zeros after normalisation)
    expect(at(0, 10, 0)).toBeCloseTo((WHITE * 9) / 14, 4);
    expect(b.info.encoder!.files[0].provider.provider).toBe('wasm');
  });

  it('maps RGB channels in RGB order (not BGR)', async () => {
    const data = new Float32Array(28 * 28 * 3);
    for (let i = 0; i < 28 * 28; i++) data[3 * i] = 255; // pure red
    const f = await b.encoder!.encode({ data, width: 28, height: 28, channels: 3, pixelSpacing: [1, 1], modality: 'RGB' });
    expect(f.data[0]).toBeCloseTo((1 - 0.485) / 0.229, 3);
    expect(f.data[1]).toBeCloseTo((0 - 0.456) / 0.224, 3);
    expect(f.data[2]).toBeCloseTo((0 - 0.406) / 0.225, 3);
  });
});

function iou(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  let u = 0;
  for (let k = 0; k < a.length; k++) {
    i += a[k] & b[k];
    u += a[k] | b[k];
  }
  return u ? i / u : 1;
}

function disc(w: number, h: number, cx: number, cy: number, r: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 1 : 0;
  return m;
}

describe('SAM-family segmenter (tiny model: discs around positive points)', () => {
  let b: LearnedBackends;
  beforeAll(async () => {
    b = await loadLearnedBackends({ segmenter: 'tiny-sam', modelDir: dir, executionProviders: ['wasm'] });
  });
  afterAll(() => b.dispose());

  it.each([
    [400, 300],
    [200, 400],
  ])('one click on a %i×%i image: best multimask output by IoU, mapped back through the padding', async (w, h) => {
    const prepared = await b.segmenter!.prepare(ct(w, h, () => 0));
    const scale = 1024 / Math.max(w, h);
    const r = await prepared.segment({ points: [{ x: 100, y: 150, positive: true }] });
    expect(r.quality).toBeCloseTo(0.9, 5); // mask 2 (radius 120 in 1024 space) has the best IoU prediction
    expect(iou(r.mask, disc(w, h, 100, 150, 120 / scale))).toBeGreaterThan(0.95);
    expect(r.mask[150 * w + 100]).toBe(1);
    expect(r.mask[(h - 1) * w + (w - 1)]).toBe(0);
  });

  it('several points: the single-mask output, around every positive point, negatives excluded', async () => {
    const w = 400;
    const h = 300;
    const prepared = await b.segmenter!.prepare(ct(w, h, () => 0));
    const scale = 1024 / 400;
    const r = await prepared.segment({
      points: [
        { x: 80, y: 80, positive: true },
        { x: 300, y: 200, positive: true },
        { x: 200, y: 100, positive: false },
      ],
    });
    expect(r.quality).toBeCloseTo(0.5, 5);
    const want = disc(w, h, 80, 80, 40 / scale);
    const second = disc(w, h, 300, 200, 40 / scale);
    for (let i = 0; i < want.length; i++) want[i] |= second[i];
    expect(iou(r.mask, want)).toBeGreaterThan(0.9);
    expect(r.mask[100 * w + 200]).toBe(0);
  });

  it('passes a prior mask as mask_input', async () => {
    const w = 400;
    const h = 300;
    const prepared = await b.segmenter!.prepare(ct(w, h, () => 0));
    const prior = new Uint8Array(w * h);
    for (let y = 200; y < 260; y++) for (let x = 300; x < 360; x++) prior[y * w + x] = 1;
    const r = await prepared.segment({ points: [{ x: 50, y: 50, positive: true }], priorMask: prior });
    expect(r.mask[230 * w + 330]).toBe(1); // inside the prior, far from the point
    expect(r.mask[150 * w + 200]).toBe(0);
    const without = await prepared.segment({ points: [{ x: 50, y: 50, positive: true }] });
    expect(without.mask[230 * w + 330]).toBe(0);
  });
});

describe('contract checks refuse a wrong model with a message naming the mismatch', () => {
  const clone = (): ModelManifest => JSON.parse(JSON.stringify(manifest));

  it('a DINOv2 graph given as the SAM decoder', async () => {
    const m = clone();
    const sam = m.models.find((e) => e.id === 'tiny-sam')!;
    sam.files.decoder = { ...sam.files.decoder!, file: 'tiny-dinov2.onnx', bytes: undefined, sha256: undefined };
    await expect(loadLearnedBackends({ segmenter: 'tiny-sam', modelDir: dir, manifest: m, executionProviders: ['wasm'] }))
      .rejects.toThrow(/tiny-dinov2\.onnx: has no input "image_embeddings"/);
  });

  it('a file whose hash differs from the pinned sha256', async () => {
    const m = clone();
    m.models.find((e) => e.id === 'tiny-dinov2')!.files.encoder.sha256 = '0'.repeat(64);
    await expect(loadLearnedBackends({ encoder: 'tiny-dinov2', modelDir: dir, manifest: m, executionProviders: ['wasm'] }))
      .rejects.toThrow(/tiny-dinov2\.onnx: sha256 is [0-9a-f]{64}, the manifest expects 0{64}/);
  });

  it('a wrong size, dtype and fixed dimension', async () => {
    let m = clone();
    m.models.find((e) => e.id === 'tiny-dinov2')!.files.encoder.bytes = 12;
    await expect(loadLearnedBackends({ encoder: 'tiny-dinov2', modelDir: dir, manifest: m, executionProviders: ['wasm'] }))
      .rejects.toThrow(/size is \d+ bytes, the manifest expects 12/);
    m = clone();
    m.models.find((e) => e.id === 'tiny-dinov2')!.files.encoder.inputs[0].dtype = 'float16';
    await expect(loadLearnedBackends({ encoder: 'tiny-dinov2', modelDir: dir, manifest: m, executionProviders: ['wasm'] }))
      .rejects.toThrow(/input "pixel_values" has dtype float32, expected float16/);
    m = clone();
    m.models.find((e) => e.id === 'tiny-dinov2')!.files.encoder.outputs[0].shape = [1, 'tokens', 768];
    await expect(loadLearnedBackends({ encoder: 'tiny-dinov2', modelDir: dir, manifest: m, executionProviders: ['wasm'] }))
      .rejects.toThrow(/output "last_hidden_state" dimension 2 is 4, expected 768/);
  });

  it('a model id of the wrong kind', async () => {
    await expect(loadLearnedBackends({ encoder: 'tiny-sam', modelDir: dir, executionProviders: ['wasm'] }))
      .rejects.toThrow(/tiny-sam" implements sam-promptable-segmenter, not dinov2-patch-encoder/);
  });
});
