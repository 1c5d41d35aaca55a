/** sha256 of every file below some paths: to show that a run left its inputs byte-identical. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export function hashTree(...paths: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) visit(path.join(p, n));
    else if (st.isFile()) out[p] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    else if (st.isSymbolicLink()) out[p] = `-> ${fs.readlinkSync(p)}`;
  };
  for (const p of paths) visit(p);
  return out;
}

/** Files whose name says they are unfinished outputs (.NAME.<pid>.<ms>.partial), anywhere below dir. */
export function partialFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...partialFiles(p));
    else if (e.name.endsWith('.partial')) out.push(p);
  }
  return out;
}
