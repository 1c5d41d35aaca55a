/**
 * Where the real labelled test data lives: $SAT_DATA_DIR, else <repo>/../shared/data.
 * Tests that need it and cannot find it say so loudly and skip (they never silently pass).
 */
import * as fs from 'fs';
import * as path from 'path';

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export function dataDir(): string {
  return process.env.SAT_DATA_DIR ? path.resolve(process.env.SAT_DATA_DIR) : path.resolve(repoRoot(), '..', 'shared', 'data');
}

/** Absolute path of a data file, or undefined (with a loud warning) when it is missing. */
export function requireData(relPath: string): string | undefined {
  const p = path.join(dataDir(), relPath);
  if (fs.existsSync(p)) return p;
  // eslint-disable-next-line no-console
  console.warn(`\n*** TEST DATA MISSING: ${p} — tests that need it are SKIPPED. Set SAT_DATA_DIR to the shared data folder. ***\n`);
  return undefined;
}

