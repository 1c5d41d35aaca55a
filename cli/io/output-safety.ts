/**
 * The rule that keeps a user's files safe: an output may never be an input, whatever the
 * spelling (`./ct.nii.gz`, `../x/ct.nii.gz`), through a symbolic link or a hard link, and may
 * never land inside an input folder (a DICOM series folder that would then hold a stranger).
 * Every command checks its outputs here before it starts work.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../errors';

export interface OutputTarget {
  /** The path as the user gave it. */
  path: string;
  /** The option that named it, for messages: '--out', '--preview', '--dir'. */
  option: string;
  /** A folder the command creates or fills (models install --dir, demo --out-dir), not a file. */
  folder?: boolean;
}

/** An input as it lies on disk: real path, identity, and (for folders) the files in it. */
interface ResolvedInput {
  given: string;
  real: string;
  isDir: boolean;
  /** dev:ino of the file, or of every file below the folder. */
  ids: Map<string, string>;
}

/** Refuses (UsageError) any output that is, or lies inside, one of the inputs; also two outputs that are one file. */
export function checkOutputsAgainstInputs(outputs: OutputTarget[], inputs: string[]): void {
  const resolved = inputs.map(resolveInput).filter((r): r is ResolvedInput => r !== undefined);
  const seen = new Map<string, OutputTarget>();
  for (const o of outputs) {
    const real = realOutputPath(o);
    const twin = seen.get(real);
    if (twin) throw new UsageError(`${o.option} ${o.path} and ${twin.option} ${twin.path} are the same file; give them different names.`);
    seen.set(real, o);
    const id = fileId(real);
    for (const input of resolved) {
      if (real === input.real)
        throw new UsageError(`${o.option} ${o.path} is the input ${input.given}; choose another output name (inputs are never overwritten).`);
      if (input.isDir && isInside(real, input.real))
        throw new UsageError(`${o.option} ${o.path} lies inside the input folder ${input.given}; write it elsewhere (an input folder is never changed).`);
      if (id && input.ids.has(id))
        throw new UsageError(`${o.option} ${o.path} is a hard link to ${input.isDir ? `${input.ids.get(id)} in the input folder ` : "the input "}${input.given}; choose another output name (inputs are never overwritten).`);
    }
  }
}

/** Where the output would really be written: its folder resolved through links, plus its name. */
function realOutputPath(o: OutputTarget): string {
  const abs = path.resolve(o.path);
  if (o.folder) return realPathOfMaybeMissing(abs);
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(abs);
  } catch {
    /* does not exist yet: fine */
  }
  if (st?.isSymbolicLink()) throw new UsageError(`${o.option} ${o.path} is a symbolic link; give the real path of the file to write.`);
  let dir: string;
  try {
    dir = fs.realpathSync(path.dirname(abs));
  } catch {
    throw new UsageError(`${o.option} ${o.path}: output folder ${path.dirname(abs)} does not exist; create it first.`);
  }
  return path.join(dir, path.basename(abs));
}

/** The real path of a path that may not exist yet: its nearest existing ancestor resolved, the rest appended. */
function realPathOfMaybeMissing(abs: string): string {
  const rest: string[] = [];
  let p = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync(p), ...rest);
    } catch {
      if (path.dirname(p) === p) return abs;
      rest.unshift(path.basename(p));
      p = path.dirname(p);
    }
  }
}

function resolveInput(given: string): ResolvedInput | undefined {
  let real: string;
  let st: fs.Stats;
  try {
    real = fs.realpathSync(given);
    st = fs.statSync(real);
  } catch {
    return undefined; // the loader says it does not exist
  }
  const ids = new Map<string, string>();
  if (st.isDirectory()) for (const f of filesBelow(real)) ids.set(f.id, path.relative(real, f.path));
  else ids.set(`${st.dev}:${st.ino}`, path.basename(real));
  return { given, real, isDir: st.isDirectory(), ids };
}

function filesBelow(dir: string): { path: string; id: string }[] {
  const out: { path: string; id: string }[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesBelow(p));
    else if (e.isFile()) {
      const s = fs.statSync(p);
      out.push({ path: p, id: `${s.dev}:${s.ino}` });
    }
  }
  return out;
}

function fileId(p: string): string | undefined {
  try {
    const s = fs.statSync(p);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
