/**
 * The resident memory of the browser's renderer processes (Linux /proc), polled every 50 ms:
 * the tab's renderer is the largest one (its workers run inside it). Only the processes of our
 * own browser are looked at (descendants of its pid), not other engineers' chromiums.
 */
import { readFileSync, readdirSync } from 'node:fs';

function children() {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  return kids;
}

function renderers(rootPid) {
  const kids = children();
  const out = [];
  const walk = (p) => {
    for (const c of kids.get(p) ?? []) {
      try { if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--type=renderer')) out.push(c); } catch { /* gone */ }
      walk(c);
    }
  };
  walk(rootPid);
  return out;
}

const rss = (pid) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024; } catch { return 0; } };

/** The browser process started with `marker` among its arguments. */
function browserPid(marker) {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(marker) && !cmd.includes('--type=')) return Number(d);
    } catch { /* gone */ }
  }
  throw new Error(`no browser process with ${marker} among its arguments`);
}

/** now(): the largest renderer's bytes now; start()/stop(): the peak between them. */
export function rendererMemory(marker) {
  const pid = browserPid(marker);
  let pids = renderers(pid);
  const now = () => Math.max(0, ...pids.map(rss));
  let peak = 0, timer;
  return {
    now: () => ((pids = renderers(pid)), now()),
    start() { peak = now(); timer = setInterval(() => (peak = Math.max(peak, now())), 50); },
    stop() { clearInterval(timer); return Math.max(peak, now()); },
  };
}
