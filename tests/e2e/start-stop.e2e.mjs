#!/usr/bin/env node
/**
 * Clean stops: `npm start` (and `npm run start:pacs`) killed with SIGTERM or interrupted with
 * SIGINT leaves no process behind and frees its port, so the next `npm start` works;
 * `npm run stop:pacs` stops the development PACS that start:pacs left running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendants } from '../support/process-tree.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PORT = Number(process.env.SAT_E2E_PORT || 3143) + 40;
const PACS_PORT = Number(process.env.SAT_E2E_PACS_PORT || 8143) + 3;
const step = (m) => console.log(`start-stop-e2e: ${m}`);
const failures = [];
const check = (ok, what) => { if (ok) step(`ok: ${what}`); else { failures.push(what); console.error(`start-stop-e2e: FAIL — ${what}`); } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const listening = (port) => new Promise((done) => {
  const s = createConnection({ port, host: '127.0.0.1' }, () => { s.destroy(); done(true); });
  s.on('error', () => done(false));
});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function startAndStop(script, signal, env) {
  const npm = spawn('npm', ['run', script], { cwd: root, env: { ...process.env, ...env, SAT_PORT: String(PORT) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout.on('data', (b) => (out += b));
  npm.stderr.on('data', (b) => (out += b));
  const exited = new Promise((done) => npm.on('exit', (code, sig) => done({ code, sig })));
  for (let i = 0; i < 600 && !(await listening(PORT)); i++) await sleep(500);
  check(await listening(PORT), `npm run ${script} serves on port ${PORT}`);
  const tree = descendants(npm.pid);
  check(tree.length >= 2, `npm run ${script} runs the start script and the server (${tree.length} processes below npm)`);
  npm.kill(signal);
  const timer = sleep(15000).then(() => 'timeout');
  const r = await Promise.race([exited, timer]);
  check(r !== 'timeout', `npm run ${script} exits after ${signal}`);
  await sleep(300);
  const left = tree.filter(alive);
  check(left.length === 0, `no process left after ${signal} (left: ${left.join(', ') || 'none'})`);
  check(!(await listening(PORT)), `port ${PORT} is free after ${signal}`);
  for (const p of left) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'sat-start-stop-'));
try {
  await startAndStop('start', 'SIGTERM');
  await startAndStop('start', 'SIGINT');
  const pacsEnv = { SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') };
  if (spawnSync('sh', ['-c', 'command -v Orthanc']).status === 0) {
    const out = await startAndStop('start:pacs', 'SIGTERM', pacsEnv);
    check(/stop it with: npm run stop:pacs/.test(out), 'start:pacs says on exit how to stop the PACS');
    check(await listening(PACS_PORT), 'the development PACS keeps running after the viewer stops');
    const stop = spawnSync('npm', ['run', 'stop:pacs'], { cwd: root, env: { ...process.env, ...pacsEnv }, encoding: 'utf8' });
    check(stop.status === 0 && /pacs: stopped/.test(stop.stderr), `npm run stop:pacs stops it (${stop.stderr.trim().split('\n').pop()})`);
    await sleep(300);
    check(!(await listening(PACS_PORT)) && !existsSync(join(work, 'pacs', 'orthanc.pid')), 'the PACS port is free after stop:pacs');
  } else if (process.env.CI === 'true' || process.env.CI === '1') check(false, 'Orthanc is installed (apt-get install orthanc orthanc-dicomweb)');
  else step('SKIPPED start:pacs/stop:pacs: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');
} finally {
  spawnSync(join(root, 'scripts/pacs.sh'), ['stop'], { cwd: root, env: { ...process.env, SAT_PACS_PORT: String(PACS_PORT), SAT_PACS_DIR: join(work, 'pacs') } });
  rmSync(work, { recursive: true, force: true });
}
if (failures.length) { console.error(`start-stop-e2e: ${failures.length} failed`); process.exit(1); }
step('all passed');
