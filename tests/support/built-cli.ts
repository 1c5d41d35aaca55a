/**
 * The compiled `sat` (dist/cli/sat.js through bin/sat.js) for tests that need a real process:
 * signals, exit codes as the shell sees them. Rebuilt first when any TypeScript source is newer.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from './data-dir';

function newestSource(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Path of bin/sat.js, with dist/ brought up to date with cli/ and extension/src/. */
export function builtSat(): string {
  const root = repoRoot();
  const entry = path.join(root, 'dist', 'cli', 'sat.js');
  const sources = Math.max(newestSource(path.join(root, 'cli')), newestSource(path.join(root, 'extension', 'src')));
  if (!fs.existsSync(entry) || fs.statSync(entry).mtimeMs < sources) {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'pipe' });
  }
  return path.join(root, 'bin', 'sat.js');
}
