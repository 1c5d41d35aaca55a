/**
 * The viewer's model choice against a real HTTP server serving a model folder the way ours does
 * (files or 404): 'auto' takes what is installed, explains why a stage stays embedded, and an
 * explicitly named model that is not there stops the run.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { chooseModels } from '../../../extension/src/worker/choose-models';
import { normaliseModelSettings } from '../../../extension/src/worker/model-settings';
import { ensureTinyModels } from '../../integration/models/tiny-models';

let dir: string;
let server: http.Server;
let origin: string;

/** Folders: full (all tiny models), partial (SAM decoder missing), empty, broken (bad manifest). */
function makeFolders(tiny: string): void {
  const put = (sub: string, files: string[]) => {
    fs.mkdirSync(path.join(dir, sub));
    for (const f of files) fs.copyFileSync(path.join(tiny, f), path.join(dir, sub, f));
  };
  put('full', ['manifest.json', 'tiny-dinov2.onnx', 'tiny-sam-encoder.onnx', 'tiny-sam-decoder.onnx']);
  put('partial', ['manifest.json', 'tiny-dinov2.onnx', 'tiny-sam-encoder.onnx']);
  put('empty', []);
  put('broken', []);
  fs.writeFileSync(path.join(dir, 'broken', 'manifest.json'), '{"models": [');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-choose-'));
  makeFolders(ensureTinyModels());
  // Like platform-config/server.mjs: a file under /m/<folder>/, or 404 (never a fallback page).
  server = http.createServer((req, res) => {
    const [, top, sub, file] = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    const p = top === 'm' && sub && file ? path.join(dir, sub, file) : '';
    if (p && fs.existsSync(p)) { res.writeHead(200); res.end(req.method === 'HEAD' ? undefined : fs.readFileSync(p)); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => { server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const pageUrl = () => `${origin}/sat/chunks/worker.js`;
const settings = (o: Record<string, string>) => normaliseModelSettings(o);

test('auto: every stage whose files are all installed is learned; the base URL is made absolute', async () => {
  const c = await chooseModels(settings({ baseUrl: '/m/full/' }), pageUrl());
  expect(c).toMatchObject({ baseUrl: `${origin}/m/full/`, encoder: 'tiny-dinov2', segmenter: 'tiny-sam', notes: [] });
});

test('auto: a model with a missing file is not used, and the note says which stage and why', async () => {
  const c = await chooseModels(settings({ baseUrl: '/m/partial' }), pageUrl());
  expect(c.encoder).toBe('tiny-dinov2');
  expect(c.segmenter).toBeUndefined();
  expect(c.notes.join()).toMatch(/no complete sam-promptable-segmenter model is installed at .*\/m\/partial\/, so the segmenter is embedded/);
});

test('nothing installed: embedded, and the note tells how to install', async () => {
  const c = await chooseModels(settings({ baseUrl: '/m/empty/' }), pageUrl());
  expect([c.baseUrl, c.encoder, c.segmenter]).toEqual(['', undefined, undefined]);
  expect(c.notes.join()).toMatch(/no learned models are installed at .*models:install/);
});

test('a model named in the setting must exist: no silent fallback', async () => {
  await expect(chooseModels(settings({ baseUrl: '/m/empty/', encoder: 'dinov2-small' }), pageUrl())).rejects.toThrow(/names learned models but .* has no manifest.json \(HTTP 404\)/);
  await expect(chooseModels(settings({ baseUrl: '/m/full/', encoder: 'dinov2-small' }), pageUrl())).rejects.toThrow(/unknown model "dinov2-small"; known dinov2-patch-encoder models: tiny-dinov2/);
  await expect(chooseModels(settings({ baseUrl: '/m/full/', segmenter: 'tiny-dinov2' }), pageUrl())).rejects.toThrow(/implements dinov2-patch-encoder, not sam-promptable-segmenter/);
});

test('embedded per stage, and all embedded without asking the server', async () => {
  const c = await chooseModels(settings({ baseUrl: '/m/full/', segmenter: 'embedded' }), pageUrl());
  expect(c).toMatchObject({ encoder: 'tiny-dinov2', segmenter: undefined });
  expect(c.notes).toEqual(['the app config keeps the embedded segmenter']);
  const none = await chooseModels(settings({ baseUrl: 'http://127.0.0.1:1/', encoder: 'embedded', segmenter: 'embedded' }), pageUrl());
  expect(none).toMatchObject({ baseUrl: '', notes: ['the app config selects the embedded models (segmentAnyTissue.models)'] });
});

test('a broken manifest is an error naming it', async () => {
  await expect(chooseModels(settings({ baseUrl: '/m/broken/' }), pageUrl())).rejects.toThrow(/manifest .*\/m\/broken\/manifest.json is not valid JSON/);
});

test('the setting is checked: wrong types and unknown keys are named', () => {
  expect(normaliseModelSettings(undefined)).toEqual({ baseUrl: '/sat-models/', encoder: 'auto', segmenter: 'auto' });
  expect(() => normaliseModelSettings({ encoder: 3 })).toThrow(/segmentAnyTissue.models.encoder .* must be a string, not 3/);
  expect(() => normaliseModelSettings({ baseURL: '/x/' })).toThrow(/unknown keys: baseURL/);
  expect(() => normaliseModelSettings('auto')).toThrow(/must be an object/);
});
