#!/usr/bin/env node
// Launcher for the `sat` command: runs the compiled CLI (built by `npm install` via `prepare`).
'use strict';
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'sat.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('sat: the command is not built yet. Run `npm install` (or `npm run build`) in the project folder first.\n');
  process.exit(2);
}
require(entry).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
