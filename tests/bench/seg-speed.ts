/**
 * `npm run bench:seg [-- --against REV]`: time of the whole `sat to-seg` process for a 200-slice
 * 512×512 CT series with a 5-segment label map, median of several runs (SAT_BENCH_RUNS, 5);
 * where that time goes (startup, reading the files, the label map, the writer, writing); with
 * --against, the same runs of git revision REV (built in a temporary worktree), interleaved
 * with ours so both see the same machine load.
 * The series is made once in a temporary folder: real CT (ct-abdomen-3mm) resampled to
 * 512×512×200 and stored as uncompressed DICOM; the labels are its liver, spleen, kidneys and
 * stomach.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as dcmjs from 'dcmjs';
import { loadImage, loadLabelMap, saveLabelMap } from '../../cli/io';
import { dataDir } from '../support/data-dir';
import { writeBinarySeg, describeTotalSegmentatorLabel } from '../../extension/src/dicom-seg';
import { readDicomSeries, readDicomSeriesGeometry } from '../../extension/src/formats/dicom-series';
import { labelsPresent } from '../../extension/src/engine/labels';
import { benchArgs } from './accuracy/structures';

const W = 512, H = 512, D = 200;

/** CPU seconds (user + system) of the waited-for child processes so far (Linux /proc): on a
 * busy machine this shows the work done, where wall time also counts the wait for a core. */
function childrenCpu(): number {
  try {
    const f = fs.readFileSync('/proc/self/stat', 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[13]) + Number(rest[14])) / 100; // cutime, cstime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

async function makeSeries(dir: string): Promise<string> {
  const src = (await loadImage(path.join(dataDir(), 'ct-abdomen-3mm', 'ct.nii.gz'))).image;
  const lab = await loadLabelMap(path.join(dataDir(), 'ct-abdomen-3mm', 'labels.nii.gz'));
  const [sw, sh, sd] = src.dims;
  const spacing = [(3 * sw) / W, (3 * sh) / H, (3 * sd) / D];
  const labels = new Uint8Array(W * H * D);
  const keep = new Set([1, 2, 3, 5, 6]);
  fs.mkdirSync(path.join(dir, 'series'), { recursive: true });
  const study = '2.25.1000', series = '2.25.2000', frame = '2.25.3000';
  for (let k = 0; k < D; k++) {
    const px = new Int16Array(W * H);
    const z = Math.min(sd - 1, Math.round((k * (sd - 1)) / (D - 1)));
    for (let j = 0; j < H; j++)
      for (let i = 0; i < W; i++) {
        const x = Math.min(sw - 1, Math.round((i * (sw - 1)) / (W - 1)));
        const y = Math.min(sh - 1, Math.round((j * (sh - 1)) / (H - 1)));
        px[j * W + i] = Math.round(src.data[(z * sh + y) * sw + x]) + 1024;
        const l = lab.data[(z * sh + y) * sw + x];
        if (keep.has(l)) labels[(k * H + j) * W + i] = l;
      }
    const uid = `2.25.${4000 + k}`;
    const ds = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', SOPInstanceUID: uid, StudyInstanceUID: study, SeriesInstanceUID: series, FrameOfReferenceUID: frame,
      PatientName: 'Bench^Phantom', PatientID: 'BENCH', PatientBirthDate: '', PatientSex: 'O', StudyDate: '20250101', StudyTime: '120000', StudyID: '1', AccessionNumber: '', ReferringPhysicianName: '',
      Modality: 'CT', SeriesNumber: 1, InstanceNumber: k + 1, ImagePositionPatient: [0, 0, k * spacing[2]], ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      PixelSpacing: [spacing[1], spacing[0]], SliceThickness: spacing[2], Rows: H, Columns: W, SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2',
      BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelRepresentation: 0, RescaleIntercept: -1024, RescaleSlope: 1, PixelData: [px.buffer], _vrMap: { PixelData: 'OW' },
    };
    const meta = { FileMetaInformationVersion: new Uint8Array([0, 1]).buffer, MediaStorageSOPClassUID: ds.SOPClassUID, MediaStorageSOPInstanceUID: uid, TransferSyntaxUID: '1.2.840.10008.1.2.1', ImplementationClassUID: '2.25.5' };
    const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
    fs.writeFileSync(path.join(dir, 'series', `ct${String(k).padStart(3, '0')}.dcm`), new Uint8Array(dict.write()));
  }
  const geo = { dims: [W, H, D] as [number, number, number], spacing: spacing as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };
  const labelsPath = path.join(dir, 'labels.nii.gz');
  saveLabelMap(labelsPath, { ...geo, data: labels });
  return labelsPath;
}

/** `sat` of another git revision, built in a temporary worktree (removed afterwards). */
function buildRevision(rev: string, into: string): string {
  const root = path.join(__dirname, '..', '..', '..');
  const git = (args: string[]) => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout.trim();
  };
  const commit = git(['rev-parse', '--short', rev]);
  git(['worktree', 'add', '--detach', into, commit]);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(into, 'node_modules'));
  const b = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: into, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`building ${rev}: ${b.stdout}${b.stderr}`);
  return commit;
}

function cpuMs(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** Where the time of one to-seg goes, in this process (CPU ms per phase). */
async function phases(dir: string, labelsPath: string): Promise<[string, number][]> {
  const out: [string, number][] = [];
  let c = process.cpuUsage();
  const lap = (what: string) => { out.push([what, cpuMs(c)]); c = process.cpuUsage(); };
  const files = fs.readdirSync(path.join(dir, 'series')).sort().map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, 'series', f))) }));
  lap('reading the 200 files');
  const s = await readDicomSeriesGeometry(files);
  lap('parsing their headers, the series geometry');
  const labels = await loadLabelMap(labelsPath);
  lap('the label map (gunzip, decode)');
  labelsPresent(labels);
  lap('finding the labels present');
  const seg = writeBinarySeg({ source: s.instances, labels, segments: [1, 2, 3, 5, 6].map((l) => describeTotalSegmentatorLabel(l)!) });
  lap('the SEG: frames, bits, header, per-frame groups');
  fs.writeFileSync(path.join(dir, 'phase.dcm'), seg.bytes);
  lap('writing the file');
  return out;
}

async function main(): Promise<void> {
  const { flag } = benchArgs(process.argv.slice(2), ['--against']);
  const against = flag('--against');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-segbench-'));
  const previousTree = path.join(dir, 'previous');
  try {
    const labelsPath = await makeSeries(dir);
    const runs = +(process.env.SAT_BENCH_RUNS ?? 5);
    const sat = path.join(__dirname, '..', '..', '..', 'bin', 'sat.js');
    const previousCommit = against ? buildRevision(against, previousTree) : undefined;
    const variants = [{ name: 'this tree', sat, wall: [] as number[], cpu: [] as number[] }];
    if (previousCommit) variants.push({ name: `${against} (${previousCommit})`, sat: path.join(previousTree, 'bin', 'sat.js'), wall: [], cpu: [] });
    // one process start that is not timed: the first read of 200 files fills the page cache
    spawnSync(process.execPath, [sat, 'to-seg', '--series', path.join(dir, 'series'), '--labels', labelsPath, '--out', path.join(dir, 'warm.dcm'), '--segments', 'totalsegmentator']);
    for (let r = 0; r < runs; r++) {
      for (const v of variants) {
        const out = path.join(dir, `seg-${r}-${v === variants[0] ? 'new' : 'old'}.dcm`);
        const c0 = childrenCpu();
        const t0 = process.hrtime.bigint();
        const p = spawnSync(process.execPath, [v.sat, 'to-seg', '--series', path.join(dir, 'series'), '--labels', labelsPath, '--out', out, '--segments', 'totalsegmentator'], { encoding: 'utf8' });
        v.wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
        v.cpu.push(childrenCpu() - c0);
        if (p.status !== 0) throw new Error(`${v.name}: ${p.stderr}`);
        if (r === 0 && v === variants[0]) process.stdout.write(p.stdout);
        fs.rmSync(out);
      }
    }
    const s = await readDicomSeries(fs.readdirSync(path.join(dir, 'series')).map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, 'series', f))) })));
    const labels = await loadLabelMap(labelsPath);
    const segments = [1, 2, 3, 5, 6].map((l) => describeTotalSegmentatorLabel(l)!);
    const gen: number[] = [];
    const genCpu: number[] = [];
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      writeBinarySeg({ source: s.instances, labels, segments });
      gen.push(Number(process.hrtime.bigint() - t0) / 1e9);
      genCpu.push(cpuMs(c0) / 1000);
    }
    const split = await phases(dir, labelsPath);
    const load = os.loadavg()[0];
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    console.log(`bench:seg — 200×512×512 CT series (uncompressed), 5 segments`);
    for (const v of variants)
      console.log(`  whole \`sat to-seg\` process, ${v.name}: ${med(v.wall).toFixed(2)} s median of ${runs} (${v.wall.map((x) => x.toFixed(2)).join(', ')}); CPU time ${med(v.cpu).toFixed(2)} s median`);
    console.log(`  SEG generation alone (writeBinarySeg), this tree: ${med(gen).toFixed(2)} s median of ${runs}; CPU time ${med(genCpu).toFixed(2)} s median`);
    console.log(`  where the CPU time of one run goes (this tree, in-process, after Node's start):`);
    for (const [what, ms] of split) console.log(`    ${what.padEnd(48)} ${ms.toFixed(0).padStart(5)} ms`);
    console.log(`  load average ${load.toFixed(1)} on ${os.cpus().length} cores${load > os.cpus().length * 0.75 ? ' — the machine is busy: wall times are inflated, CPU times are the better guide' : ''}`);
  } finally {
    if (against && fs.existsSync(previousTree)) spawnSync('git', ['worktree', 'remove', '--force', previousTree], { cwd: path.join(__dirname, '..', '..', '..') });
    if (!process.env.SAT_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(dir);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
