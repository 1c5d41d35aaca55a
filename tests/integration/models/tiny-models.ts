/** Generates the tiny contract-exact test models (once per checkout) and returns their folder. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '../../..');
export const TINY_DIR = path.join(REPO, 'model-assets', 'generated', 'tiny');

export function ensureTinyModels(): string {
  const script = path.join(REPO, 'scripts', 'models', 'make_test_models.py');
  const manifest = path.join(TINY_DIR, 'manifest.json');
  const fresh = fs.existsSync(manifest) && fs.statSync(manifest).mtimeMs > fs.statSync(script).mtimeMs;
  if (!fresh) execFileSync('/usr/bin/python3', [script, TINY_DIR], { stdio: 'pipe' });
  return TINY_DIR;
}
