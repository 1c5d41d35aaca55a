/**
 * All-or-nothing outputs. A command reserves its outputs before it starts work: each is checked
 * against the inputs (output-safety.ts), a read-only existing file is refused, and an empty
 * `.NAME.<pid>.<ms>.partial` file is created beside it (so an unwritable folder is found before
 * a long run, not after). The bytes go into the partial files; commit renames them into place.
 * A failed run, or SIGINT/SIGTERM (cli/signals.ts), removes every partial file and any folder it
 * created; partial files of the same output name left by a killed run (SIGKILL, power loss)
 * whose process is gone are removed by the next run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../errors';
import { checkOutputsAgainstInputs, OutputTarget } from './output-safety';

interface Slot {
  target: OutputTarget;
  final: string;
  partial: string;
  fd: number;
  written: boolean;
}

/** Output sets not yet committed or discarded: what a signal must clean up. */
const pending = new Set<PendingOutputs>();

export interface ReserveOptions {
  /** Folders to create when missing (checked against the inputs first); removed again if the run fails. */
  folders?: OutputTarget[];
  /** Told about stale partial files removed (default: stderr). */
  note?: (line: string) => void;
}

export class PendingOutputs {
  private readonly slots: Slot[] = [];
  private readonly createdFolders: string[] = [];
  private done = false;

  private constructor() {}

  /** Checks and reserves every output; throws UsageError (and leaves nothing) when one cannot be written. */
  static reserve(targets: OutputTarget[], inputs: string[], opts: ReserveOptions = {}): PendingOutputs {
    const folders = opts.folders ?? [];
    checkOutputsAgainstInputs([...folders, ...targets.filter((t) => !folders.some((f) => isIn(t.path, f.path)))], inputs);
    const set = new PendingOutputs();
    pending.add(set);
    try {
      for (const f of folders) set.createFolder(f);
      if (folders.length) checkOutputsAgainstInputs(targets, inputs); // their folders exist now
      for (const t of targets) set.slots.push(openSlot(t, opts.note ?? ((l) => process.stderr.write(l + '\n'))));
    } catch (e) {
      set.discard();
      throw e;
    }
    return set;
  }

  /** Puts the bytes of one reserved output (by the path it was reserved under) into its partial file. */
  write(p: string, bytes: Uint8Array): void {
    const slot = this.slots.find((s) => s.target.path === p);
    if (!slot) throw new Error(`internal: output ${p} was not reserved`);
    try {
      fs.ftruncateSync(slot.fd, 0);
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(slot.fd, bytes, off, bytes.length - off, off);
      fs.fsyncSync(slot.fd);
    } catch (e) {
      throw new UsageError(`cannot write ${slot.target.path} (${errCode(e)})`);
    }
    slot.written = true;
  }

  /** Renames every written partial file into place; outputs never written are dropped. Returns the paths written. */
  commit(): string[] {
    const out: string[] = [];
    try {
      for (const s of this.slots) {
        fs.closeSync(s.fd);
        s.fd = -1;
        if (!s.written) continue;
        fs.renameSync(s.partial, s.final);
        out.push(s.target.path);
      }
    } catch (e) {
      const failed = this.slots.find((s) => s.fd === -1 && s.written && !out.includes(s.target.path));
      this.discard();
      throw new UsageError(`cannot write ${failed?.target.path ?? 'the output'} (${errCode(e)})${out.length ? `; written before the failure: ${out.join(', ')}` : ''}`);
    }
    this.done = true;
    pending.delete(this);
    for (const s of this.slots) if (!s.written) removeQuietly(s.partial);
    return out;
  }

  /** True when it holds an output or created a folder (a run without outputs reserves nothing). */
  reservesAny(): boolean {
    return this.slots.length > 0 || this.createdFolders.length > 0;
  }

  /** Removes every partial file and created folder. Safe to call more than once. */
  discard(): void {
    if (this.done) return;
    this.done = true;
    pending.delete(this);
    for (const s of this.slots) {
      if (s.fd >= 0) closeQuietly(s.fd);
      removeQuietly(s.partial);
    }
    for (const d of this.createdFolders.reverse()) {
      try {
        fs.rmdirSync(d); // only when empty: never removes anything the user put there meanwhile
      } catch {
        /* not empty or gone */
      }
    }
  }

  private createFolder(f: OutputTarget): void {
    const abs = path.resolve(f.path);
    if (fs.existsSync(abs)) {
      if (!fs.statSync(abs).isDirectory()) throw new UsageError(`${f.option} ${f.path} is a file; give a folder (it is created if missing).`);
      return;
    }
    const missing: string[] = [];
    for (let d = abs; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      try {
        fs.mkdirSync(d);
      } catch (e) {
        throw new UsageError(`${f.option} ${f.path}: cannot create the folder ${d} (${errCode(e)}).`);
      }
      this.createdFolders.push(d);
    }
  }
}

/** Discards every output set not yet committed: on a signal, or when a run fails. Returns how many reserved something. */
export function discardPendingOutputs(): number {
  const n = [...pending].filter((s) => s.reservesAny()).length;
  for (const s of [...pending]) s.discard();
  return n;
}

/** Writes one output all-or-nothing (for callers without a command's reservation: tests, benchmarks). */
export function writeFileAtomic(p: string, bytes: Uint8Array): void {
  const set = PendingOutputs.reserve([{ path: p, option: 'output' }], []);
  try {
    set.write(p, bytes);
    set.commit();
  } catch (e) {
    set.discard();
    throw e;
  }
}

function openSlot(target: OutputTarget, note: (line: string) => void): Slot {
  const final = path.resolve(target.path);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(final);
  } catch {
    /* new file */
  }
  if (st?.isDirectory()) throw new UsageError(`${target.option} ${target.path} is a folder; give a file name.`);
  // Mode bits, not access(): root may write anything, but a file made read-only was meant to stay.
  if (st && (st.mode & 0o222) === 0)
    throw new UsageError(`${target.option} ${target.path} exists and is read-only; it was not replaced. Make it writable (chmod u+w) or choose another name.`);
  const dir = path.dirname(final);
  const base = path.basename(final);
  removeStalePartials(dir, base, note);
  const partial = path.join(dir, `.${base}.${process.pid}.${Date.now()}.partial`);
  let fd: number;
  try {
    fd = fs.openSync(partial, 'wx');
  } catch (e) {
    throw new UsageError(`${target.option} ${target.path}: cannot write in the folder ${dir} (${errCode(e)}); choose another place.`);
  }
  // A file that replaces another keeps its permissions (a private 0600 result stays private).
  if (st) fs.fchmodSync(fd, st.mode & 0o7777);
  return { target, final, partial, fd, written: false };
}

/** Partial files of this output name whose process has ended (killed mid-run): removed. */
function removeStalePartials(dir: string, base: string, note: (line: string) => void): void {
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.partial')) continue;
    const m = /^(\d+)\.(\d+)\.partial$/.exec(n.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      fs.unlinkSync(path.join(dir, n));
      note(`sat: removed ${n}, left in ${dir} by an interrupted run (process ${pid}).`);
    } catch {
      /* someone else removed it */
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

function isIn(p: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    /* closed */
  }
}

function removeQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    /* gone */
  }
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
