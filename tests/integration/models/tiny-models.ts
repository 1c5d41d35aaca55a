/**
 * The tiny contract-exact test models: committed fixtures (a few kB, hand-set weights, made by
 * scripts/models/make_test_models.py), so the learned-model tests need no Python.
 * tiny-models-fixture.test.ts checks that the generator still makes exactly these files.
 */
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../../..');
export const TINY_DIR = path.join(REPO, 'tests', 'fixtures', 'models', 'tiny');
export const TINY_FILES = ['manifest.json', 'tiny-dinov2.onnx', 'tiny-sam-encoder.onnx', 'tiny-sam-decoder.onnx'];

/** The folder of the tiny models (read-only: tests that change a model copy it first). */
export function ensureTinyModels(): string {
  const gone = TINY_FILES.filter((f) => !fs.existsSync(path.join(TINY_DIR, f)));
  if (gone.length) throw new Error(`test fixtures missing from ${TINY_DIR}: ${gone.join(', ')} (restore them with git checkout, or regenerate: $SAT_PYTHON scripts/models/make_test_models.py ${TINY_DIR})`);
  return TINY_DIR;
}
