/**
 * Some public test series were anonymised by blanking their UIDs, which no PACS accepts and no
 * Segmentation can reference. Tests use the copy a user would make (`npm run import -- DIR
 * --fill-uids --copy-to NEW --no-store`): Node only, deterministic UIDs, the source untouched.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { repoRoot } from './data-dir';

export function copyWithValidUids(series: string, dest: string): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot(), 'scripts', 'import.mjs'), series, '--fill-uids', '--copy-to', dest, '--no-store'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run import -- ${series} --fill-uids --copy-to ${dest} --no-store failed: ${r.stderr}`);
}
