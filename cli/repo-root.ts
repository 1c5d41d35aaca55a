/** The project folder (the one with package.json) that this compiled or source file lives in. */
import * as fs from 'fs';
import * as path from 'path';

export function repoRoot(from = __dirname): string {
  let d = from;
  while (!fs.existsSync(path.join(d, 'package.json')) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/** This project's version, from its package.json. */
export function projectVersion(): string {
  return String(JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')).version);
}
