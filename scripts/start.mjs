#!/usr/bin/env node
// npm start / npm run start:pacs: fetch the pinned OHIF viewer if needed, build our plugin
// if needed, then serve everything on one origin.
//   npm start              the built-in demo study (no PACS needed)
//   npm run start:pacs     the development Orthanc (scripts/pacs.sh start; npm run stop:pacs stops it)
//   SAT_DICOMWEB_URL=...   any DICOMweb PACS (proxied, so it needs no CORS)
//   SAT_MODEL_DIR=...      learned models folder served at /sat-models/ (default model-assets/installed)
//   SAT_MODELS='{...}'     the segmentAnyTissue.models setting (README, Learned models)
// Ctrl-C or kill (SIGINT, SIGTERM, SIGHUP) is passed on to whatever runs now (a build step or
// the server); this script exits when it has, so no process is left holding the port.
import { spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let current; // the child running now
let stopping;
/** The exit code of a process stopped by a signal: 128 + its number. */
const stoppedBy = (sig) => 128 + { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig];

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopping = sig;
    if (current && current.exitCode === null && current.signalCode === null) current.kill(sig);
    else process.exit(stoppedBy(sig));
  });
}

/** Runs one step to its end; a failed step ends the start with its exit code. */
function run(cmd, args, { env = process.env, capture = false } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit' });
    current = child;
    let out = '';
    child.stdout?.on('data', (b) => (out += b));
    child.on('exit', (code, signal) => {
      current = undefined;
      if (stopping) process.exit(stoppedBy(stopping));
      if (code !== 0) process.exit(code ?? 1);
      done(out);
    });
    child.on('error', (e) => { console.error(`start: cannot run ${cmd} (${e.message}).`); process.exit(1); });
  });
}

function newest(dir) {
  let t = 0;
  for (const n of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, n.name);
    t = Math.max(t, n.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

await run(process.execPath, ['platform-config/fetch-ohif.mjs']);
const built = join(root, 'build/plugin/extension.js');
if (!existsSync(built) || newest(join(root, 'extension/src')) > statSync(built).mtimeMs || newest(join(root, 'modes')) > statSync(built).mtimeMs) {
  await run(process.execPath, [join(root, 'node_modules/webpack/bin/webpack.js'), '--config', 'platform-config/webpack.config.js']);
}
const env = { ...process.env };
const withPacs = process.argv[2] === '--pacs' && !env.SAT_DICOMWEB_URL;
if (withPacs) {
  env.SAT_DICOMWEB_URL = (await run(join(root, 'scripts/pacs.sh'), ['start'], { capture: true })).trim();
  process.on('exit', () => console.log('start: the development PACS keeps running (its studies are kept); stop it with: npm run stop:pacs'));
}
await run(process.execPath, [join(root, 'platform-config/server.mjs')], { env });
