/** Runs the dicom3tools validators (Debian package dicom3tools; check with tools.ts first) and returns what they report. */
import { spawnSync } from 'child_process';

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
