// @ts-check
/**
 * Jest reporter (plain JavaScript: jest loads reporters untransformed): after the run, one
 * summary of what was skipped and why (a missing outside tool, missing test data), with the
 * commands that install what is missing. Reads the records that tests/support/tools.ts wrote
 * to SAT_SKIP_LOG.
 */
const fs = require('fs');
const path = require('path');

/** "apt-get install a b; npm install" -> ['apt-get install a b', 'npm install'] */
const commands = (/** @type {string} */ s) => s.split(';').map((c) => c.trim()).filter(Boolean);

class SkipSummary {
  onRunComplete() {
    const log = process.env.SAT_SKIP_LOG;
    if (!log) return;
    /** @type {{ what: string, reason: string, install: string }[]} */
    const skips = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
    const out = process.stderr;
    if (skips.length === 0) {
      out.write('\nSkipped: nothing (every outside tool and all test data were found).\n');
      return;
    }
    const all = skips.flatMap((s) => commands(s.install));
    const apt = [...new Set(all.filter((c) => c.startsWith('apt-get install ')).flatMap((c) => c.slice('apt-get install '.length).split(/\s+/)))];
    const other = [...new Set(all.filter((c) => !c.startsWith('apt-get install ')))];
    out.write(`\nSkipped ${skips.length} test group(s) or check(s), and why:\n`);
    for (const s of skips) out.write(`  - ${s.what}: ${s.reason}\n`);
    out.write('To run them all:\n');
    if (apt.length) out.write(`  apt-get update && apt-get install -y ${apt.join(' ')}\n`);
    for (const c of other) out.write(`  ${c}\n`);
  }
}
module.exports = SkipSummary;
