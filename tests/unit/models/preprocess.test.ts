import { resizedSize, toNetworkInput, toRgb255 } from '../../../extension/src/models/preprocess';
import { parseManifest } from '../../../extension/src/models/manifest';
import { checkFileBytes } from '../../../extension/src/models/model-check';
import * as fs from 'fs';
import * as path from 'path';

describe('preprocessing', () => {
  it('windows CT (40/400 HU) to grey RGB 0..255', () => {
    const rgb = toRgb255({ data: Float32Array.of(-1000, -160, 40, 240, 3000), width: 5, height: 1, channels: 1, pixelSpacing: [1, 1], modality: 'CT' });
    expect(Array.from(rgb.filter((_, i) => i % 3 === 0))).toEqual([0, 0, 127.5, 255, 255]);
    expect(rgb[6]).toBe(rgb[7]);
  });

  it('resizes the longest side like SAM (rounding) and pads after normalisation', () => {
    expect(resizedSize(512, 300, 1024)).toEqual({ newW: 1024, newH: 600, scale: 2 });
    expect(resizedSize(300, 200, 224).newH).toBe(149);
    const inp = toNetworkInput(
      { data: new Float32Array(4 * 2).fill(255), width: 4, height: 2, channels: 1, pixelSpacing: [1, 1], modality: 'MR' },
      { inputSize: 8, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], channelOrder: 'RGB' },
      () => [8, 8],
    );
    expect([inp.newW, inp.newH]).toEqual([8, 4]);
    expect(inp.data[3 * 8 + 7]).not.toBe(0); // content row 3
    expect(inp.data[4 * 8 + 0]).toBe(0); // padding row 4
  });
});

describe('manifest', () => {
  it('the shipped manifest is valid and names every supported model', () => {
    const m = parseManifest(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../model-assets/manifest.json'), 'utf8')));
    const ids = m.models.map((e) => e.id);
    for (const id of ['dinov2-small', 'dinov2-base', 'sam-vit-b', 'mobilesam', 'medsam']) expect(ids).toContain(id);
  });

  it('refuses incomplete entries with the model named', () => {
    expect(() => parseManifest({ models: [{ id: 'x', contract: 'sam-promptable-segmenter', files: { encoder: { file: 'e' } }, preprocessing: {} }] }))
      .toThrow(/model x \(SAM contract\) names no decoder file/);
  });

  it('checks bytes and sha256', async () => {
    const spec = { file: 'f.onnx', inputs: [], outputs: [], bytes: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' };
    await expect(checkFileBytes(spec, new TextEncoder().encode('abc'))).resolves.toBe(spec.sha256);
    await expect(checkFileBytes(spec, new TextEncoder().encode('abd'))).rejects.toThrow(/f\.onnx: sha256 is/);
    await expect(checkFileBytes(spec, new TextEncoder().encode('ab'))).rejects.toThrow(/size is 2 bytes, the manifest expects 3/);
  });
});
