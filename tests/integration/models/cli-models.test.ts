/** `sat models install` checks files against their manifest entries; `sat models` reports stages. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSat } from '../../support/run-cli';
import { ensureTinyModels } from './tiny-models';
import { loadInstalledLearned } from '../../../cli/commands/models';
import { embeddedBackends } from '../../../extension/src/engine';

let src: string;
let dir: string;
beforeAll(() => {
  src = ensureTinyModels();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-models-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sat models', () => {
  it('reports the embedded backends when nothing is installed', async () => {
    const r = await runSat(['models', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No learned models installed/);
    expect(r.stdout).toMatch(/patch encoder embedded; segmenter embedded/);
  });

  it('installs checked files and then lists them with the learned stages', async () => {
    const r = await runSat(['models', 'install', src, '--dir', dir]);
    expect(r.stderr).not.toMatch(/model file|no manifest entry/);
    expect(r.code).toBe(0);
    for (const f of ['tiny-dinov2.onnx', 'tiny-sam-encoder.onnx', 'tiny-sam-decoder.onnx']) {
      expect(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(src, f)))).toBe(true);
    }
    const j = await runSat(['models', '--dir', dir, '--json']);
    const listed = JSON.parse(j.stdout);
    expect(listed.stages.encoder).toBe('learned (tiny-dinov2)');
    expect(listed.stages.segmenter).toBe('learned (tiny-sam)');
    expect(listed.models.flatMap((m: { files: Array<{ status: string }> }) => m.files.map((f) => f.status))).toEqual(['ok', 'ok', 'ok']);
  });

  it('mixes an installed learned encoder with the embedded segmenter', async () => {
    const only = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-only-'));
    try {
      const r = await runSat(['models', 'install', path.join(src, 'tiny-dinov2.onnx'), '--dir', only]);
      expect(r.code).toBe(0);
      const l = await loadInstalledLearned({}, only);
      const backends = { ...embeddedBackends(), ...l!.stages };
      expect(backends.encoder.name).toBe('learned:tiny-dinov2');
      expect(backends.segmenter.name).toBe(embeddedBackends().segmenter.name);
      await l!.dispose();
    } finally {
      fs.rmSync(only, { recursive: true, force: true });
    }
  });

  it('refuses a corrupt file, naming it and the mismatch, and installs nothing of it', async () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-bad-'));
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-target-'));
    try {
      fs.copyFileSync(path.join(src, 'manifest.json'), path.join(bad, 'manifest.json'));
      const b = fs.readFileSync(path.join(src, 'tiny-dinov2.onnx'));
      b[b.length - 1] ^= 0xff;
      fs.writeFileSync(path.join(bad, 'tiny-dinov2.onnx'), b);
      const r = await runSat(['models', 'install', path.join(bad, 'tiny-dinov2.onnx'), '--dir', target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/model file tiny-dinov2\.onnx: sha256 is [0-9a-f]{64}, the manifest expects/);
      expect(fs.existsSync(path.join(target, 'tiny-dinov2.onnx'))).toBe(false);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
      fs.rmSync(target, { recursive: true, force: true });
    }
  });

  it('refuses a file no manifest knows', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-unknown-'));
    try {
      fs.writeFileSync(path.join(other, 'mystery.onnx'), 'x');
      const r = await runSat(['models', 'install', other, '--dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/mystery\.onnx: no manifest entry names this file/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
