/** Starts the viewer server in a child process (tests/support/server-harness.mjs) and talks raw HTTP to it. */
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

export interface ServerProcess {
  port: number;
  proc: ChildProcess;
  /** What the server printed on stderr so far. */
  stderr: () => string;
  alive: () => boolean;
  stop: () => Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const HARNESS = path.join(__dirname, 'server-harness.mjs');

export function startServer(options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, spawnAs?: { uid: number; gid: number }): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [HARNESS, JSON.stringify(options)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...spawnAs });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c) => (err += c));
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err.trim()}`)));
    proc.stdout!.on('data', (c) => {
      out += c;
      const line = out.split('\n')[0];
      if (!out.includes('\n')) return;
      const { port } = JSON.parse(line) as { port: number };
      proc.removeAllListeners('exit');
      resolve({
        port,
        proc,
        stderr: () => err,
        alive: () => proc.exitCode === null && proc.signalCode === null,
        stop: () => new Promise((r) => { if (proc.exitCode !== null || proc.signalCode !== null) return r(); proc.on('exit', () => r()); proc.kill('SIGTERM'); }),
      });
    });
  });
}

/** Runs the harness expecting it to refuse to start; resolves with its exit code and stderr. */
export function startServerExpectingFailure(options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [HARNESS, JSON.stringify(options)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c) => (err += c));
  proc.stdout!.on('data', () => proc.kill('SIGTERM'));
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stderr: err })));
}

/** One request with the path sent exactly as given (no client-side normalisation). */
export function rawRequest(port: number, method: string, target: string, opt: { headers?: http.OutgoingHttpHeaders; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers: opt.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opt.body);
  });
}

/** A fake upstream that records every request it receives (method, url, headers, body). */
export interface RecordedRequest { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer; complete: boolean }

export function recordingServer(answer: (r: RecordedRequest, res: http.ServerResponse) => void = (_r, res) => { res.writeHead(200, { 'Content-Type': 'application/dicom+json' }); res.end('[]'); }): Promise<{ server: http.Server; port: number; seen: RecordedRequest[]; close: () => Promise<void> }> {
  const seen: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const r: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0), complete: false };
    seen.push(r);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { r.body = Buffer.concat(chunks); r.complete = true; answer(r, res); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server,
    port: (server.address() as { port: number }).port,
    seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

/**
 * Bytes written to the server as they are (for what an HTTP client library would refuse to
 * send: raw non-ASCII, unknown methods, smuggling headers). Resolves with the status line of
 * the answer, or '' when the server closed without one.
 */
export function rawBytes(port: number, data: Buffer | string, waitMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    const done = () => { clearTimeout(timer); sock.destroy(); resolve(got.split('\r\n')[0]); };
    const timer = setTimeout(done, waitMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (c) => { got += c.toString('latin1'); if (got.includes('\r\n\r\n')) done(); });
    sock.on('end', done);
    sock.on('close', done);
    // the server may close while we still write (EPIPE) or reset the connection: it answered, or refused
    sock.on('error', (e) => (got || ['ECONNRESET', 'EPIPE'].includes((e as NodeJS.ErrnoException).code ?? '') ? done() : reject(e)));
  });
}
