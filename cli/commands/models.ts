/**
 * `sat models`: lists the installed learned models, their check status, and which backend each
 * stage (patch encoder, segmenter) will use. `sat models install PATH...` checks model files
 * against their manifest entries and copies them to model-assets/installed/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from './command';
import { one, many, flag } from '../args';
import { PendingOutputs } from '../io/pending-outputs';
import { repoRoot } from '../repo-root';
import { UsageError } from '../errors';
import {
  checkFileBytes,
  describeEnvironment,
  loadLearnedBackends,
  checkSessionContract,
  mergeManifests,
  ModelEntry,
  ModelFileSpec,
  ModelManifest,
  modelFiles,
  ModelSession,
  parseManifest,
} from '../../extension/src/models';
import { nodeOrt } from '../../extension/src/models/node-ort';
import type { PatchEncoder } from '../../extension/src/engine/features/patch-encoder';
import type { PromptableSegmenter } from '../../extension/src/engine/segmenters/promptable-segmenter';

const REPO = repoRoot();
/** Where `sat` and the viewer look for installed models (override: SAT_MODEL_DIR or --dir). */
export function defaultModelDir(): string {
  return process.env.SAT_MODEL_DIR ?? path.join(REPO, 'model-assets', 'installed');
}

function readManifestFile(p: string): ModelManifest {
  try {
    return parseManifest(JSON.parse(fs.readFileSync(p, 'utf8')), p);
  } catch (e) {
    throw new UsageError(`cannot read model manifest ${p}: ${(e as Error).message}`);
  }
}

/** Installed models whose files are all present, per stage: what `--backend auto` would use. */
export function installedDefaults(dir = defaultModelDir()): { encoder?: string; segmenter?: string } {
  const mp = path.join(dir, 'manifest.json');
  if (!fs.existsSync(mp)) return {};
  const m = readManifestFile(mp);
  const complete = (e: ModelEntry) => modelFiles(e).every((f) => fs.existsSync(path.join(dir, f.spec.file)));
  return {
    encoder: m.models.find((e) => e.contract === 'dinov2-patch-encoder' && complete(e))?.id,
    segmenter: m.models.find((e) => e.contract === 'sam-promptable-segmenter' && complete(e))?.id,
  };
}

/**
 * The installed learned stages (or the ones named), loaded and checked; undefined when none is
 * installed. Stages not learned are absent so the caller fills them with the embedded backends:
 * `const l = await loadInstalledLearned(); return l && { ...embeddedBackends(), ...l.stages };`
 */
export async function loadInstalledLearned(pick: { encoder?: string; segmenter?: string } = {}, dir = defaultModelDir()) {
  const d = { ...installedDefaults(dir), ...pick };
  if (!d.encoder && !d.segmenter) return undefined;
  // WebGPU when Node has a hardware GPU adapter (Dawn), else WASM; ModelSession says which and why.
  const l = await loadLearnedBackends({ encoder: d.encoder, segmenter: d.segmenter, modelDir: dir });
  const stages: { encoder?: PatchEncoder; segmenter?: PromptableSegmenter } = {};
  if (l.encoder) stages.encoder = l.encoder;
  if (l.segmenter) stages.segmenter = l.segmenter;
  return { stages, info: l.info, dispose: l.dispose };
}

async function checkFile(spec: ModelFileSpec, bytes: Uint8Array, withSession: boolean): Promise<void> {
  await checkFileBytes(spec, bytes);
  if (!withSession) return;
  const s = await ModelSession.create(spec.file, bytes, ['cpu', 'wasm']); // the contract, on the runtime the CLI will use
  try {
    checkSessionContract(spec, s.raw);
  } finally {
    await s.release();
  }
}

async function list(dir: string, json: boolean): Promise<number> {
  const mp = path.join(dir, 'manifest.json');
  const models = fs.existsSync(mp) ? readManifestFile(mp).models : [];
  const rows: Array<{ id: string; contract: string; files: Array<{ file: string; status: string }> }> = [];
  for (const e of models) {
    const files = [];
    for (const { spec } of modelFiles(e)) {
      const p = path.join(dir, spec.file);
      let status = 'ok';
      if (!fs.existsSync(p)) status = 'missing';
      else {
        try {
          await checkFileBytes(spec, new Uint8Array(fs.readFileSync(p)));
        } catch (err) {
          status = `FAILED: ${(err as Error).message}`;
        }
      }
      files.push({ file: spec.file, status });
    }
    rows.push({ id: e.id, contract: e.contract, files });
  }
  const d = installedDefaults(dir);
  const stages = {
    encoder: d.encoder ? `learned (${d.encoder})` : 'embedded',
    segmenter: d.segmenter ? `learned (${d.segmenter})` : 'embedded',
    executionProvider: await runtimeLine(),
  };
  if (json) {
    process.stdout.write(JSON.stringify({ dir, models: rows, stages }, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(`Model folder: ${dir}\n`);
  if (rows.length === 0) process.stdout.write('No learned models installed (install with `npm run models:install -- <dir or file>`).\n');
  for (const r of rows) {
    process.stdout.write(`  ${r.id} (${r.contract})\n`);
    for (const f of r.files) process.stdout.write(`    ${f.file}: ${f.status}\n`);
  }
  process.stdout.write(`Stages with --backend auto: patch encoder ${stages.encoder}; segmenter ${stages.segmenter}; runtime ${stages.executionProvider}\n`);
  return 0;
}

/** Which ONNX runtime learned stages would run on in this process (the viewer decides for itself in the browser). */
async function runtimeLine(): Promise<string> {
  const env = await describeEnvironment();
  if (!env.webgpu) return 'WebGPU (onnxruntime-web through Dawn; onnxruntime-node or WASM if a session fails)';
  const native = nodeOrt();
  if ('ok' in native) return `onnxruntime-node ${native.version} (native CPU; ${env.webgpu})`;
  return `onnxruntime-web WASM (${native.why}; ${env.webgpu})`;
}

/** Every candidate file: the given files, or the .onnx files of given folders. */
function candidates(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new UsageError(`${p} does not exist.`);
    if (fs.statSync(p).isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) if (f.endsWith('.onnx')) out.push(path.join(p, f));
    } else out.push(p);
  }
  if (out.length === 0) throw new UsageError(`no .onnx files in ${paths.join(', ')}.`);
  return out;
}

async function install(paths: string[], dir: string, extraManifests: string[]): Promise<number> {
  if (paths.length === 0) throw new UsageError('give the model files or folders to install: sat models install PATH...');
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`--dir ${dir} is a file; give a folder (it is created if missing).`);
  for (const m of extraManifests) if (!fs.existsSync(m)) throw new UsageError(`--manifest ${m} does not exist.`);
  // The project's manifest, any manifest.json next to the given files, and --manifest files.
  const sources = [path.join(REPO, 'model-assets', 'manifest.json'), ...extraManifests];
  for (const p of paths) {
    const m = path.join(fs.existsSync(p) && fs.statSync(p).isDirectory() ? p : path.dirname(p), 'manifest.json');
    if (fs.existsSync(m)) sources.push(m);
  }
  const known = mergeManifests(...sources.filter((s) => fs.existsSync(s)).map(readManifestFile));
  const installedPath = path.join(dir, 'manifest.json');
  const installed = fs.existsSync(installedPath) ? readManifestFile(installedPath) : { manifestVersion: 1 as const, models: [] };
  // Every file is checked before anything is written: one bad file installs nothing.
  const files = candidates(paths);
  const accepted: { file: string; name: string; bytes: Uint8Array; entries: ModelEntry[] }[] = [];
  const failures: string[] = [];
  for (const file of files) {
    const name = path.basename(file);
    const matches = known.models.filter((e) => modelFiles(e).some((f) => f.spec.file === name));
    if (matches.length === 0) {
      failures.push(`${name}: no manifest entry names this file; known files: ${known.models.flatMap((e) => modelFiles(e).map((f) => f.spec.file)).join(', ')}`);
      continue;
    }
    const bytes = new Uint8Array(fs.readFileSync(file));
    try {
      for (const e of matches) await checkFile(modelFiles(e).find((f) => f.spec.file === name)!.spec, bytes, true);
    } catch (err) {
      failures.push((err as Error).message.split('\n')[0]);
      continue;
    }
    accepted.push({ file, name, bytes, entries: matches });
  }
  if (failures.length) {
    for (const f of failures.slice(0, -1)) process.stderr.write(`sat models: ${f}\n`);
    throw new UsageError(`${failures[failures.length - 1]}${failures.length > 1 ? ` (${failures.length} files failed)` : ''}; nothing was installed.`);
  }
  const added: ModelEntry[] = [];
  for (const a of accepted) for (const e of a.entries) if (!added.includes(e)) added.push(e);
  const merged = mergeManifests(installed, { manifestVersion: 1, models: added });
  const targets = [...accepted.map((a) => ({ path: path.join(dir, a.name), option: '--dir' })), { path: installedPath, option: '--dir' }];
  const outputs = PendingOutputs.reserve(targets, paths, { folders: [{ path: dir, option: '--dir', folder: true }] });
  for (const a of accepted) outputs.write(path.join(dir, a.name), a.bytes);
  outputs.write(installedPath, new TextEncoder().encode(JSON.stringify(merged, null, 2) + '\n'));
  outputs.commit();
  for (const a of accepted) process.stdout.write(`installed ${a.name} (${a.entries.map((e) => e.id).join(', ')})\n`);
  await list(dir, false);
  return 0;
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'List installed learned models (DINOv2, SAM family) and the backend each stage uses; install model files.',
  usage: `Usage: sat models [--dir DIR] [--json]
       sat models install PATH... [--dir DIR] [--manifest FILE]...

Without a subcommand: lists the installed learned models (DINOv2 patch encoders, SAM-family
segmenters), checks each file (size, sha256 where pinned), and says which backend each stage
uses with --backend auto and which ONNX runtime runs it (onnxruntime-node when installed,
else onnxruntime-web: WebGPU through Dawn with SAT_NODE_WEBGPU=1, or WASM).

install checks every .onnx file given (or in the folders given) against its manifest entry
(bytes, sha256 where pinned, input/output names, ranks, dims, dtypes, and that onnxruntime
loads it) from model-assets/manifest.json, a manifest.json next to the files, or --manifest,
then copies the files and an updated manifest.json to DIR. If any file fails, nothing is
installed (no folder, no manifest).

  --dir DIR        the model folder (default: model-assets/installed, or $SAT_MODEL_DIR);
                   created if missing; not one of the folders installed from
  --manifest FILE  a further manifest describing the files (repeatable)
  --json           print the listing as JSON
  -h, --help       show this help`,
  options: { dir: { type: 'string' }, manifest: { type: 'string', repeatable: true }, json: { type: 'boolean' } },
  async run(args) {
    const dir = path.resolve(one(args, 'dir') ?? defaultModelDir());
    const [sub, ...rest] = args.positionals;
    if (sub === undefined) {
      if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`--dir ${dir} is a file; give the model folder.`);
      return list(dir, flag(args, 'json'));
    }
    if (sub === 'install') return install(rest, dir, many(args, 'manifest'));
    throw new UsageError(`unknown models subcommand "${sub}"; use \`sat models\` or \`sat models install PATH...\`.`);
  },
};
