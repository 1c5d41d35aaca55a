/**
 * WebGPU in Node (Dawn's bindings, the `webgpu` package) runs our learned classes with the same
 * results as WASM. Here the GPU is SwiftShader (Chromium's software Vulkan driver, through the
 * system Vulkan loader libvulkan1): tiny inputs only. On a machine with a GPU the same code runs on
 * the GPU (npm run bench:models).
 */
import { loadLearnedBackends, LearnedBackends } from '../../../extension/src/models';
import { nodeOrt } from '../../../extension/src/models/node-ort';
import { nodeWebGpu } from '../../../extension/src/models/node-webgpu';
import type { Image2D } from '../../../extension/src/engine/image/types';
import { ensureTinyModels } from './tiny-models';
import { describeWithTools, haveTools, SWIFTSHADER_ICD as ICD } from '../../support/tools';

// SwiftShader compiles every WebGPU kernel on the CPU: minutes on a busy 2-core machine.
jest.setTimeout(400_000);

const saved = process.env.SAT_NODE_WEBGPU;
let dir: string;

beforeAll(() => {
  if (!haveTools('vulkan')) return; // the suite below is skipped, saying why
  // tests/support/global-setup.ts points the Vulkan loader at SwiftShader for the whole run
  expect(process.env.VK_ICD_FILENAMES).toBe(ICD);
  dir = ensureTinyModels();
});
afterAll(() => {
  if (saved === undefined) delete process.env.SAT_NODE_WEBGPU;
  else process.env.SAT_NODE_WEBGPU = saved;
});

function ct(width: number, height: number, hu: (x: number, y: number) => number): Image2D {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = hu(x, y);
  return { data, width, height, channels: 1, pixelSpacing: [1, 1], modality: 'CT' };
}
const texture = (x: number, y: number) => ((x * 7 + y * 13) % 50) * 8 - 160 + (x > 120 ? 200 : 0);

describeWithTools(['vulkan'], 'WebGPU in Node', () => {
  it('is off unless asked for, and says how to switch it on', async () => {
    delete process.env.SAT_NODE_WEBGPU;
    const r = await nodeWebGpu();
    expect('why' in r && r.why).toMatch(/off \(SAT_NODE_WEBGPU=1 uses a GPU/);
  });

  it('declines a software adapter unless asked, and says why', async () => {
    process.env.SAT_NODE_WEBGPU = '1';
    const r = await nodeWebGpu();
    expect('why' in r && r.why).toMatch(/only a software adapter .*swiftshader.*SAT_NODE_WEBGPU=any/i);
    const b = await loadLearnedBackends({ encoder: 'tiny-dinov2', modelDir: dir });
    try {
      // The next runtime in line: onnxruntime-node when that optional package loads, else WASM.
      expect(b.info.encoder!.files[0].provider.provider).toBe('ok' in nodeOrt() ? 'cpu' : 'wasm');
      expect(b.info.encoder!.files[0].provider.reason).toMatch(/software adapter/);
    } finally {
      await b.dispose();
    }
  });

  describe('on the SwiftShader adapter (SAT_NODE_WEBGPU=any)', () => {
    let gpu: LearnedBackends;
    let cpu: LearnedBackends;
    beforeAll(async () => {
      process.env.SAT_NODE_WEBGPU = 'any';
      gpu = await loadLearnedBackends({ encoder: 'tiny-dinov2', segmenter: 'tiny-sam', modelDir: dir, executionProviders: ['webgpu'] });
      cpu = await loadLearnedBackends({ encoder: 'tiny-dinov2', segmenter: 'tiny-sam', modelDir: dir, executionProviders: ['wasm'] });
    });
    afterAll(async () => {
      await gpu?.dispose();
      await cpu?.dispose();
    });

    it('reports WebGPU through Dawn for every file', () => {
      const files = [...gpu.info.encoder!.files, ...gpu.info.segmenter!.files];
      expect(files.map((f) => f.provider.provider)).toEqual(['webgpu', 'webgpu', 'webgpu']);
      expect(files[0].provider.reason).toMatch(/WebGPU in Node through Dawn \(.*swiftshader/i);
    });

    it('DINOv2 patch features equal WASM within 1e-4', async () => {
      const img = ct(300, 200, texture);
      const [a, b] = [await gpu.encoder!.encode(img), await cpu.encoder!.encode(img)];
      expect([a.gridW, a.gridH, a.dim]).toEqual([b.gridW, b.gridH, b.dim]);
      let worst = 0;
      for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
      expect(worst).toBeLessThan(1e-4);
      expect(a.data.some((v) => v !== 0)).toBe(true);
    });

    it('SAM masks and scores equal WASM (same pixels; score within 1e-4)', async () => {
      const img = ct(400, 300, texture);
      const prompts = { points: [{ x: 100, y: 150, positive: true }, { x: 300, y: 60, positive: false }] };
      const a = await (await gpu.segmenter!.prepare(img)).segment(prompts);
      const b = await (await cpu.segmenter!.prepare(img)).segment(prompts);
      let differ = 0;
      for (let i = 0; i < a.mask.length; i++) differ += a.mask[i] !== b.mask[i] ? 1 : 0;
      expect(differ).toBe(0);
      expect(a.mask.reduce((s, v) => s + v, 0)).toBeGreaterThan(500); // a real mask, not an empty one
      expect(Math.abs(a.quality - b.quality)).toBeLessThan(1e-4);
    });
  });
});
