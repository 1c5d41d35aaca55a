import * as fs from 'fs'; import * as path from 'path';
import { pixelDataExtent } from './extension/src/formats/part10-layout';
const roots = process.argv.slice(2);
const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
let n = 0;
for (const r of roots) for (const f of walk(r)) {
  const b = new Uint8Array(fs.readFileSync(f));
  if (b.length < 132 || String.fromCharCode(b[128], b[129], b[130], b[131]) !== 'DICM') continue;
  // transfer syntax from meta (quick parse)
  const s = Buffer.from(b.subarray(132, 600)).toString('latin1'); const m = /\x02\x00\x10\x00UI..([0-9.]+)/s.exec(s);
  const ts = m ? m[1] : '?';
  const e = pixelDataExtent(b, ts); n++;
  const cut = pixelDataExtent(b.subarray(0, Math.floor(b.length * 0.6)), ts);
  if (!e || e.truncated || !cut || !cut.truncated) console.log(path.basename(f), ts, JSON.stringify(e), 'cut:', JSON.stringify(cut));
}
console.log('files', n);
