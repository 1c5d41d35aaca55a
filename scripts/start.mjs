#!/usr/bin/env node
// npm start / npm run start:pacs: fetch the pinned OHIF viewer if needed, build our plugin
// if needed, then serve everything on one origin.
//   npm start              the built-in demo study (no PACS needed)
//   npm run start:pacs     the development Orthanc (scripts/pacs.sh start)
//   SAT_DICOMWEB_URL=...   any DICOMweb PACS (proxied, so it needs no CORS)
//   SAT_MODEL_DIR=...      learned models folder served at /sat-models/ (default model-assets/installed)
//   SAT_MODELS='{...}'     the segmentAnyTissue.models setting (README, Learned models)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });
run('node', ['platform-config/fetch-ohif.mjs']);

function newest(dir) {
  let t = 0;
  for (const n of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, n.name);
    t = Math.max(t, n.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const built = join(root, 'build/plugin/extension.js');
if (!existsSync(built) || newest(join(root, 'extension/src')) > statSync(built).mtimeMs || newest(join(root, 'modes')) > statSync(built).mtimeMs) {
  run('npx', ['webpack', '--config', 'platform-config/webpack.config.js']);
}
const env = { ...process.env };
if (process.argv[2] === '--pacs' && !env.SAT_DICOMWEB_URL) {
  env.SAT_DICOMWEB_URL = execFileSync(join(root, 'scripts/pacs.sh'), ['start'], { cwd: root, encoding: 'utf8' }).trim();
}
const child = spawn('node', [join(root, 'platform-config/server.mjs')], { cwd: root, stdio: 'inherit', env });
child.on('exit', (code) => process.exit(code ?? 0));
