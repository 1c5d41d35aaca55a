/**
 * The viewer server's static routes: real-path containment (no sibling-prefix escapes, no
 * symlinks out), 400 for malformed escapes, GET/HEAD only, 404 (never index.html) for a
 * missing file with an extension, an unreadable file is a 403 and not a crash.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rawRequest, ServerProcess, startServer } from '../../support/server-process';

let tmp: string;
let server: ServerProcess;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sat-static-'));
  fs.chmodSync(tmp, 0o755); // the unreadable-file case runs its server as an unprivileged user
  const write = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true }); fs.writeFileSync(path.join(tmp, rel), text); };
  write('ohif-app/index.html', '<!doctype html><script>window.PUBLIC_URL="/"</script><script src="/app.bundle.1.js"></script>');
  write('ohif-app/app.bundle.1.js', 'console.log(1)');
  write('ohif-app/codec.wasm', '\0asm');
  write('ohif-app/.version', '3.13.2');
  write('ohif-app-x/secret.txt', 'ohif sibling secret');
  write('plugin/extension.js', 'export default {}');
  write('plugin/worker.mjs', 'export {}');
  write('models/manifest.json', '{"models":[]}');
  write('models-secret/key.txt', 'models sibling secret');
  write('outside/secret.txt', 'outside secret');
  fs.symlinkSync(path.join(tmp, 'outside', 'secret.txt'), path.join(tmp, 'models', 'link.onnx'));
  fs.symlinkSync(path.join(tmp, 'outside'), path.join(tmp, 'models', 'dirlink'));
  fs.symlinkSync(path.join(tmp, 'models', 'manifest.json'), path.join(tmp, 'models', 'alias.json')); // stays inside
  fs.symlinkSync(path.join(tmp, 'ohif-app', 'codec.wasm'), path.join(tmp, 'models', 'other-served-folder.wasm')); // out of this folder
  fs.mkdirSync(path.join(tmp, 'models', 'folder.onnx'));
  server = await startServer(dirs());
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const dirs = () => ({ ohifDir: path.join(tmp, 'ohif-app'), pluginDir: path.join(tmp, 'plugin'), modelDir: path.join(tmp, 'models') });
const get = (target: string, method = 'GET') => rawRequest(server.port, method, target);

describe('files that are served', () => {
  it.each([
    ['/app.bundle.1.js', 'text/javascript', 'console.log(1)'],
    ['/codec.wasm', 'application/wasm', '\0asm'],
    ['/sat/extension.js', 'text/javascript', 'export default {}'],
    ['/sat/worker.mjs', 'text/javascript', 'export {}'],
    ['/sat-models/manifest.json', 'application/json', '{"models":[]}'],
    ['/sat-models/alias.json', 'application/json', '{"models":[]}'],
  ])('%s as %s', async (target, type, body) => {
    const r = await get(target);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(type);
    expect(r.body.toString()).toBe(body);
  });

  it('app routes without an extension get index.html; HEAD gets headers only', async () => {
    const r = await get('/segment-any-tissue');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('PUBLIC_URL');
    const h = await get('/sat-models/manifest.json', 'HEAD');
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe('13');
    expect(h.body.length).toBe(0);
  });
});

describe('refused', () => {
  it.each([
    ['/sat-models/..%2fmodels-secret/key.txt', 400],
    ['/sat-models/..%2Fmodels-secret%2Fkey.txt', 400],
    ['/sat-models/../models-secret/key.txt', 400],
    ['/sat-models/%2e%2e/models-secret/key.txt', 400],
    ['/..%2fohif-app-x/secret.txt', 400],
    ['/../ohif-app-x/secret.txt', 400],
    ['/%2e%2e/ohif-app-x/secret.txt', 400],
    ['/sat/..%2f..%2fmodels-secret/key.txt', 400],
    ['/sat/..%5c..%5cmodels-secret%5ckey.txt', 400],
    ['/%', 400],
    ['/%zz', 400],
    ['/sat-models/%E0%A4%A', 400],
    ['/sat-models/link.onnx', 404],
    ['/sat-models/dirlink/secret.txt', 404],
    ['/sat-models/other-served-folder.wasm', 404],
    ['/sat-models/folder.onnx', 404],
    ['/sat-models/missing.onnx', 404],
    ['/missing.wasm', 404],
    ['/sat/missing.js', 404],
    ['/.version', 404],
  ])('GET %s -> %i', async (target, status) => {
    const r = await get(target);
    expect(r.status).toBe(status);
    expect(r.body.toString()).not.toMatch(/secret|<html|<!doctype/i);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s on static files -> 405 with Allow: GET, HEAD', async (method) => {
    for (const target of ['/index.html', '/app.bundle.1.js', '/sat/extension.js', '/sat-models/manifest.json', '/app-config.js', '/segment-any-tissue']) {
      const r = await get(target, method);
      expect([target, r.status, r.headers.allow]).toEqual([target, 405, 'GET, HEAD']);
    }
  });

  it('the server survives all of the above', async () => {
    expect(server.alive()).toBe(true);
    expect((await get('/sat-models/manifest.json')).status).toBe(200);
  });
});

describe('an unreadable file under a served folder', () => {
  const root = process.getuid?.() === 0;
  it('is a 403, and the server keeps answering', async () => {
    const f = path.join(tmp, 'models', 'unreadable.onnx');
    fs.writeFileSync(f, 'weights');
    fs.chmodSync(f, 0o000);
    // root reads any file: run this server as the unprivileged "nobody" so the permission bites.
    const s = root ? await startServer(dirs(), {}, { uid: 65534, gid: 65534 }) : server;
    try {
      const r = await rawRequest(s.port, 'GET', '/sat-models/unreadable.onnx');
      expect(r.status).toBe(403);
      expect(r.body.toString()).toBe('Forbidden: the file cannot be read.\n');
      expect(s.alive()).toBe(true);
      expect((await rawRequest(s.port, 'GET', '/sat-models/manifest.json')).status).toBe(200);
    } finally {
      if (s !== server) await s.stop();
      fs.rmSync(f);
    }
  });
});
