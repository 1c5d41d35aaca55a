/**
 * The resident memory of the browser's renderer processes (Linux /proc), polled every 50 ms:
 * the tab's renderer is the largest one (its workers run inside it). Only the processes of our
 * own browser are looked at (descendants of its pid), not other engineers' chromiums.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { descendants } from '../../support/process-tree.mjs';

function renderers(rootPid) {
  return descendants(rootPid).filter((c) => {
    try { return readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--type=renderer'); } catch { return false; /* gone */ }
  });
}

/** Resident bytes: all (VmRSS, shared pages with the GPU process included) and the process's own (RssAnon). */
function memoryOf(pid) {
  try {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(st)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), anon: kb('RssAnon') };
  } catch { return { rss: 0, anon: 0 }; }
}

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

/** now(): the largest renderer's { rss, anon } bytes now; start()/stop(): the peaks between them. */
export function rendererMemory(marker) {
  const pid = browserPid(marker);
  let pids = renderers(pid);
  const now = () => pids.map(memoryOf).reduce((a, b) => (b.rss > a.rss ? b : a), { rss: 0, anon: 0 });
  let peak = { rss: 0, anon: 0 }, timer;
  const sample = () => { const m = now(); peak = { rss: Math.max(peak.rss, m.rss), anon: Math.max(peak.anon, m.anon) }; };
  return {
    now: () => ((pids = renderers(pid)), now()),
    start() { peak = now(); timer = setInterval(sample, 50); },
    stop() { clearInterval(timer); sample(); return peak; },
  };
}

/**
 * The scheduler's view of the renderers' threads (/proc/<pid>/task/<tid>/schedstat: ns on a
 * core, ns runnable but waiting for one): snapshot() now, diff(a, b) per thread name.
 */
export function threadTimes(marker) {
  const pid = browserPid(marker);
  const snapshot = () => {
    const out = {};
    for (const r of renderers(pid)) {
      let tids = [];
      try { tids = readdirSync(`/proc/${r}/task`); } catch { continue; }
      for (const t of tids) {
        try {
          const comm = readFileSync(`/proc/${r}/task/${t}/comm`, 'utf8').trim();
          const [run, wait] = readFileSync(`/proc/${r}/task/${t}/schedstat`, 'utf8').split(' ').map(Number);
          out[`${r}/${t}`] = { comm, run, wait };
        } catch { /* gone */ }
      }
    }
    return out;
  };
  const diff = (a, b) => {
    const byName = {};
    for (const [id, x] of Object.entries(b)) {
      const y = a[id] ?? { run: 0, wait: 0 };
      const d = { run: (x.run - y.run) / 1e9, wait: (x.wait - y.wait) / 1e9 };
      if (d.run < 0.05) continue;
      const k = x.comm;
      byName[k] = byName[k] && byName[k].run > d.run ? byName[k] : { run: Number(d.run.toFixed(2)), wait: Number(d.wait.toFixed(2)) };
    }
    return byName;
  };
  return { snapshot, diff };
}
