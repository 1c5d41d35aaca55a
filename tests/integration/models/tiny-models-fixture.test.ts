/**
 * The committed tiny test models are what scripts/models/make_test_models.py makes, byte for
 * byte: the generator stays the source of truth (it documents the hand-set weights), the
 * fixtures spare every test run a Python with onnx.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, TINY_DIR, TINY_FILES } from './tiny-models';
import { itWithTools, runPythonScript } from '../../support/tools';

itWithTools(['numpy', 'onnx'], 'the generator makes exactly the committed fixture files', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-tiny-'));
  try {
    runPythonScript(path.join(REPO, 'scripts', 'models', 'make_test_models.py'), [out]);
    for (const f of TINY_FILES) expect([f, fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(TINY_DIR, f)))]).toEqual([f, true]);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
