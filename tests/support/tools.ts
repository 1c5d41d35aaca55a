/**
 * Tests that need an outside tool (Python packages, DICOM validators, Orthanc, Chromium,
 * Vulkan) go through here: each tool is checked once per run (global-setup.ts), a test whose
 * tool is missing is skipped with the reason and recorded for the closing summary
 * (skip-summary.js), and under CI=true a missing tool is a failing test instead, so CI keeps
 * running everything.
 */
import * as fs from 'fs';
import { spawnSync } from 'child_process';
import { PYTHON } from './python';
export type Tool = 'pydicom' | 'numpy' | 'onnx' | 'nibabel' | 'pillow' | 'dicom3tools' | 'dcmtk' | 'orthanc' | 'chromium' | 'vulkan' | 'openssl' | 'onnxruntime-node';

export { PYTHON };
export const CHROMIUM = process.env.SAT_CHROMIUM || '/usr/bin/chromium';
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VULKAN_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'];
const ORTHANC_DICOMWEB = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

const PYTHON_MODULES: Partial<Record<Tool, string>> = { pydicom: 'pydicom', numpy: 'numpy', onnx: 'onnx', nibabel: 'nibabel', pillow: 'PIL' };

const executable = (p: string) => { try { fs.accessSync(p, fs.constants.X_OK); return fs.statSync(p).isFile(); } catch { return false; } };
/** A regular, non-empty file (a broken install or a file masked by /dev/null is not one). */
const realFile = (p: string) => { try { const st = fs.statSync(p); return st.isFile() && st.size > 0; } catch { return false; } };
const onPath = (...cmds: string[]) => spawnSync('sh', ['-c', cmds.map((c) => `command -v ${c}`).join(' && ')], { stdio: 'ignore' }).status === 0;

/** Each tool: what it is, the command that installs it, and (but for Python modules) how to check it. */
const TOOLS: Record<Tool, { what: string; install: string; check?: () => boolean }> = {
  pydicom: { what: `pydicom for ${PYTHON}`, install: 'apt-get install python3-pydicom' },
  numpy: { what: `numpy for ${PYTHON}`, install: 'apt-get install python3-numpy' },
  onnx: { what: `onnx for ${PYTHON}`, install: 'apt-get install python3-onnx' },
  nibabel: { what: `nibabel for ${PYTHON}`, install: 'apt-get install python3-nibabel' },
  pillow: { what: `Pillow for ${PYTHON}`, install: 'apt-get install python3-pil' },
  dicom3tools: { what: 'dicom3tools (dciodvfy, dcentvfy)', install: 'apt-get install dicom3tools', check: () => onPath('dciodvfy', 'dcentvfy') },
  dcmtk: { what: 'dcmtk (dcmcjpeg, dcmdjpeg)', install: 'apt-get install dcmtk', check: () => onPath('dcmcjpeg', 'dcmdjpeg') },
  orthanc: { what: 'Orthanc with its DICOMweb plugin (and curl)', install: 'apt-get install orthanc orthanc-dicomweb curl', check: () => onPath('Orthanc', 'curl') && fs.existsSync(ORTHANC_DICOMWEB) },
  chromium: { what: `Chromium at ${CHROMIUM}`, install: 'apt-get install chromium', check: () => executable(CHROMIUM) },
  vulkan: { what: "the Vulkan loader with Chromium's SwiftShader driver", install: 'apt-get install libvulkan1 chromium', check: () => realFile(SWIFTSHADER_ICD) && VULKAN_LOADERS.some(realFile) },
  openssl: { what: 'openssl', install: 'apt-get install openssl', check: () => onPath('openssl') },
  'onnxruntime-node': {
    what: 'onnxruntime-node (an optional npm dependency)',
    install: 'npm install',
    check: () => { try { require.resolve('onnxruntime-node'); return true; } catch { return false; } },
  },
};

/** Checks every tool (the Python modules in one interpreter start): { tool: found }. */
export function probeTools(): Record<Tool, boolean> {
  const mods = Object.entries(PYTHON_MODULES);
  const script = `import importlib.util, json, sys; print(json.dumps({n: importlib.util.find_spec(m) is not None for n, m in json.loads(sys.argv[1]).items()}))`;
  const r = spawnSync(PYTHON, ['-c', script, JSON.stringify(Object.fromEntries(mods))], { encoding: 'utf8' });
  let py: Record<string, boolean> = {};
  try { py = r.status === 0 ? (JSON.parse(r.stdout) as Record<string, boolean>) : {}; } catch { py = {}; }
  const found = {} as Record<Tool, boolean>;
  for (const [name, t] of Object.entries(TOOLS) as [Tool, (typeof TOOLS)[Tool]][]) found[name] = t.check ? t.check() : py[name] === true;
  return found;
}

let found: Record<string, boolean> | undefined;
function probe(): Record<string, boolean> {
  if (!found) found = process.env.SAT_TOOL_PROBE ? (JSON.parse(process.env.SAT_TOOL_PROBE) as Record<string, boolean>) : probeTools();
  return found;
}

export function missingTools(tools: Tool[]): Tool[] {
  const f = probe();
  return tools.filter((t) => !f[t]);
}

export function haveTools(...tools: Tool[]): boolean {
  return missingTools(tools).length === 0;
}

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

function describeMissing(tools: Tool[]): string {
  return tools.map((t) => TOOLS[t].what).join(', ');
}
function installLine(tools: Tool[]): string {
  return tools.map((t) => TOOLS[t].install).join('; ');
}

/** Records a skip for the summary at the end of the run (one JSON line per skip). */
export function recordSkip(what: string, reason: string, install: string): void {
  // eslint-disable-next-line no-console
  console.warn(`*** SKIPPED: ${what}: ${reason}. Install: ${install} ***`);
  const log = process.env.SAT_SKIP_LOG;
  if (log) fs.appendFileSync(log, `${JSON.stringify({ what, reason, install })}\n`);
}

function ciMessage(tools: Tool[], what: string): string {
  return `CI=true: ${what} needs ${describeMissing(tools)}, which is missing (install: ${installLine(tools)}; .ci/run must install it)`;
}

/** describe() that runs when every tool is there; otherwise skipped with the reason (a failing test under CI). */
export function describeWithTools(tools: Tool[], name: string, fn: () => void): void {
  const gone = missingTools(tools);
  if (gone.length === 0) return describe(name, fn);
  if (IN_CI) return describe(name, () => it(`needs ${gone.join(', ')}`, () => { throw new Error(ciMessage(gone, name)); }));
  recordSkip(name, `${describeMissing(gone)} missing`, installLine(gone));
  // a placeholder, not fn: a skipped describe's body still runs, and it may use the tool
  describe.skip(`${name} (needs ${gone.join(', ')})`, () => it(`needs ${gone.join(', ')}`, () => undefined));
}

/** it() that runs when every tool is there; otherwise skipped with the reason (a failing test under CI). */
export function itWithTools(tools: Tool[], name: string, fn: () => Promise<unknown> | void, timeout?: number): void {
  const gone = missingTools(tools);
  if (gone.length === 0) return it(name, fn as () => Promise<void>, timeout);
  if (IN_CI) return it(name, () => { throw new Error(ciMessage(gone, name)); });
  recordSkip(name, `${describeMissing(gone)} missing`, installLine(gone));
  it.skip(`${name} (needs ${gone.join(', ')})`, fn as () => Promise<void>);
}

/**
 * For a cross-check inside a test that has already checked our own result (a validator pass,
 * a read-back): true when the tools are there; otherwise the check is recorded as skipped and
 * false returned. Under CI a missing tool throws, failing the test.
 */
export function canCheckWith(tools: Tool[], what: string): boolean {
  const gone = missingTools(tools);
  if (gone.length === 0) return true;
  if (IN_CI) throw new Error(ciMessage(gone, what));
  recordSkip(what, `${describeMissing(gone)} missing`, installLine(gone));
  return false;
}

/** Runs `$SAT_PYTHON -c script args…`. */
export function python(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a Python script file with `$SAT_PYTHON`; throws with its stderr when it fails. */
export function runPythonScript(script: string, args: string[]): string {
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} failed (${PYTHON}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}
