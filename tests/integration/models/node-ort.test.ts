/**
 * onnxruntime-node (the optional native runtime): chosen automatically in Node when it loads,
 * giving the same outputs as onnxruntime-web's WASM for the same model, and the choice is told.
 */
import { ensureTinyModels } from './tiny-models';
import { loadLearnedBackends } from '../../../extension/src/models';
import { nodeOrt } from '../../../extension/src/models/node-ort';
import type { Image2D } from '../../../extension/src/engine/image/types';

import { describeWithTools } from '../../support/tools';

// Installed but failing to load is a failure (the tests below say why), not a skip.
const describeNative = (name: string, fn: () => void) => describeWithTools(['onnxruntime-node'], name, fn);

function slice(): Image2D {
  const w = 64;
  const data = new Float32Array(w * w);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) % 400) - 100;
  for (let y = 20; y < 44; y++) for (let x = 20; x < 44; x++) data[y * w + x] = 300;
  return { data, width: w, height: w, channels: 1, pixelSpacing: [1, 1], modality: 'CT' };
}

describeNative('onnxruntime-node backend', () => {
  const dir = ensureTinyModels();
  it('loads', () => {
    const native = nodeOrt();
    expect('why' in native ? native.why : 'loaded').toBe('loaded');
  });
  it('is the default in Node, says so, and matches WASM', async () => {
    const auto = await loadLearnedBackends({ encoder: 'tiny-dinov2', segmenter: 'tiny-sam', modelDir: dir });
    const wasm = await loadLearnedBackends({ encoder: 'tiny-dinov2', segmenter: 'tiny-sam', modelDir: dir, executionProviders: ['wasm'] });
    try {
      for (const f of [...auto.info.encoder!.files, ...auto.info.segmenter!.files]) {
        expect(f.provider.provider).toBe('cpu');
        expect(f.provider.reason).toMatch(/onnxruntime-node 1\.\d+\.\d+ \(native CPU, \d+ cores\)/);
      }
      expect(wasm.info.encoder!.files[0].provider.provider).toBe('wasm');
      const img = slice();
      const a = await auto.encoder!.encode(img);
      const b = await wasm.encoder!.encode(img);
      expect([a.gridW, a.gridH, a.dim]).toEqual([b.gridW, b.gridH, b.dim]);
      let maxDiff = 0;
      for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
      expect(maxDiff).toBeLessThan(1e-4);
      const prompt = { points: [{ x: 32, y: 32, positive: true }] };
      const ma = await (await auto.segmenter!.prepare(img)).segment(prompt);
      const mb = await (await wasm.segmenter!.prepare(img)).segment(prompt);
      expect(Array.from(ma.mask)).toEqual(Array.from(mb.mask));
      expect(ma.quality).toBeCloseTo(mb.quality, 4);
    } finally {
      await auto.dispose();
      await wasm.dispose();
    }
  });

  it('names a file the native runtime cannot load', async () => {
    const { ModelSession } = await import('../../../extension/src/models');
    await expect(ModelSession.create('junk.onnx', new Uint8Array([1, 2, 3, 4]), ['cpu'])).rejects.toThrow(/model file junk\.onnx: onnxruntime cannot load it on cpu/);
  });
});
