/**
 * Sets up the browser tests: bundles the test page with webpack, lays out model folders (the
 * tiny generated models plus deliberately broken copies), starts the test server and launches
 * Debian's headless Chromium through playwright-core.
 */
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { startServer, TestServer } from './server';

export const REPO = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.SAT_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that give headless Chromium a (SwiftShader) WebGPU adapter. */
export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-vulkan=swiftshader',
  '--disable-vulkan-surface',
  '--no-sandbox',
];

/** Set SAT_SKIP_BROWSER=1 to skip on purpose; otherwise a missing Chromium fails loudly. */
export const SKIP_BROWSER = process.env.SAT_SKIP_BROWSER === '1';

export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM}: install it (Debian: apt-get install chromium) or set SAT_CHROMIUM to its path; ` +
      'set SAT_SKIP_BROWSER=1 to skip these tests on purpose',
    );
  }
}

/** Bundles the page into `out` (index.html + bundle.js); a child process, so the caller can work meanwhile. */
export async function buildPage(out: string): Promise<void> {
  const cli = path.join(REPO, 'node_modules', 'webpack-cli', 'bin', 'cli.js');
  await new Promise<void>((ok, fail) => {
    execFile(process.execPath, [cli, '--config', path.join(__dirname, 'webpack.config.js'), '--env', `out=${out}`], { cwd: REPO }, (e, stdout, stderr) =>
      e ? fail(new Error(`webpack could not bundle the browser test page:\n${stdout}${stderr}`)) : ok());
  });
  fs.copyFileSync(path.join(__dirname, 'page', 'index.html'), path.join(out, 'index.html'));
}

interface Manifest {
  models: Array<{ id: string; files: Record<string, { file: string; bytes?: number; sha256?: string }> }>;
}

/**
 * Model folders under `root`: good (as generated), corrupt (one byte of the DINOv2 file flipped,
 * manifest unchanged), wrong (the SAM decoder file is a DINOv2 graph, size/hash pinned to it so only
 * the graph contract can catch it), garbage (the DINOv2 file is not ONNX at all, nothing pinned).
 */
export function layoutModels(tinyDir: string, root: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(tinyDir, 'manifest.json'), 'utf8')) as Manifest;
  const variant = (name: string, edit: (dir: string, m: Manifest) => void): void => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(tinyDir)) if (f.endsWith('.onnx')) fs.copyFileSync(path.join(tinyDir, f), path.join(dir, f));
    const m = JSON.parse(JSON.stringify(manifest)) as Manifest;
    edit(dir, m);
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
  };
  const spec = (m: Manifest, id: string, role: string) => m.models.find((e) => e.id === id)!.files[role];
  variant('good', () => undefined);
  // The download-progress test wants a file that arrives in several chunks: the decoder grows
  // by 512 kB in a protobuf field ONNX does not define (parsers skip unknown fields).
  variant('good2', (dir, m) => {
    const f = path.join(dir, 'tiny-sam-decoder.onnx');
    const field = Buffer.concat([Buffer.from([0xc2, 0x3e, 0x80, 0x80, 0x20]), Buffer.alloc(512 * 1024, 0x5a)]); // field 1000, 2^19 bytes
    const b = Buffer.concat([fs.readFileSync(f), field]);
    fs.writeFileSync(f, b);
    Object.assign(spec(m, 'tiny-sam', 'decoder'), { bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') });
  });
  variant('corrupt', (dir) => {
    const f = path.join(dir, 'tiny-dinov2.onnx');
    const b = fs.readFileSync(f);
    b[b.length - 20] ^= 0xff;
    fs.writeFileSync(f, b);
  });
  variant('wrong', (dir, m) => {
    const b = fs.readFileSync(path.join(dir, 'tiny-dinov2.onnx'));
    fs.writeFileSync(path.join(dir, 'tiny-sam-decoder.onnx'), b);
    Object.assign(spec(m, 'tiny-sam', 'decoder'), { bytes: b.length, sha256: spec(m, 'tiny-dinov2', 'encoder').sha256 });
  });
  variant('garbage', (dir, m) => {
    fs.writeFileSync(path.join(dir, 'tiny-dinov2.onnx'), Buffer.from('<html>404 page served instead of the model</html>'));
    delete spec(m, 'tiny-dinov2', 'encoder').bytes;
    delete spec(m, 'tiny-dinov2', 'encoder').sha256;
  });
}

export interface Harness {
  server: TestServer;
  launch(webgpu: boolean): Promise<Browser>;
  close(): Promise<void>;
}

/** `meanwhile` runs in this process while webpack bundles in a child one. */
export async function startHarness(tinyDir: string, meanwhile: () => Promise<void> = async () => undefined): Promise<Harness> {
  requireChromium();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-browser-'));
  await Promise.all([buildPage(path.join(work, 'page')), meanwhile()]);
  layoutModels(tinyDir, path.join(work, 'models'));
  const server = await startServer({
    page: path.join(work, 'page'),
    ort: path.join(REPO, 'node_modules', 'onnxruntime-web', 'dist'),
    models: path.join(work, 'models'),
  });
  // Required here, not at the top: a missing playwright-core should fail the test, not the file's import.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browsers: Browser[] = [];
  return {
    server,
    async launch(webgpu) {
      const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: webgpu ? WEBGPU_ARGS : ['--no-sandbox'] });
      browsers.push(b);
      return b;
    },
    async close() {
      for (const b of browsers) await b.close().catch(() => undefined);
      await server.close();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
