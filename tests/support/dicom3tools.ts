/** Runs the dicom3tools validators (Debian package dicom3tools) and returns what they report. */
import { spawnSync } from 'child_process';

export function haveDicom3tools(): boolean {
  return spawnSync('sh', ['-c', 'command -v dciodvfy && command -v dcentvfy']).status === 0;
}

/** Lines of dciodvfy -new output that are errors ("Error - …"). */
export function dciodvfy(file: string): { errors: string[]; warnings: string[] } {
  const r = spawnSync('dciodvfy', ['-new', file], { encoding: 'utf8' });
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim());
  return { errors: lines.filter((l) => /^Error/.test(l)), warnings: lines.filter((l) => /^Warning/.test(l)) };
}

/** dcentvfy's complaints about entity consistency between the SEG and its source files. */
export function dcentvfy(files: string[]): string[] {
  const r = spawnSync('dcentvfy', files, { encoding: 'utf8' });
  return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim());
}

export function python(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
