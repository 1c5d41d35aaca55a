#!/usr/bin/env node
// Fetches the prebuilt OHIF viewer (@ohif/app, pinned) with `npm pack`, checks the tarball
// against the pinned sha512 integrity, and unpacks its dist/ into platform-config/ohif-app/.
// `npm install @ohif/app` does not work (a dependency is missing from the registry) and the
// viewer cannot be rebuilt here, so we use the published build as is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '3.13.2';
const INTEGRITY = 'sha512-WZdxmpmG7rqFgW9ZJLcbgr3XCtLi1KDNPoMaeY5PPe6j4G4fjEjjkycZM6C6Zk2F87BKxFfpq+jd5xXZB9E8EA==';
const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, 'ohif-app');
const stamp = join(target, '.version');

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === VERSION) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'ohif-'));
try {
  console.error(`ohif: fetching @ohif/app@${VERSION} (about 50 MB)`);
  const out = execFileSync('npm', ['pack', `@ohif/app@${VERSION}`, '--silent', '--pack-destination', work], { encoding: 'utf8' }).trim().split('\n').pop();
  const tgz = join(work, out);
  const got = 'sha512-' + createHash('sha512').update(readFileSync(tgz)).digest('base64');
  if (got !== INTEGRITY) throw new Error(`ohif: integrity mismatch for ${out}: expected ${INTEGRITY}, got ${got}. Not unpacking.`);
  execFileSync('tar', ['xzf', tgz, '-C', work]);
  const staged = join(work, 'dist');
  renameSync(join(work, 'package', 'dist'), staged);
  writeFileSync(join(staged, '.version'), VERSION + '\n');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  execFileSync('mv', [staged, target]);
  console.error(`ohif: viewer unpacked to ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
