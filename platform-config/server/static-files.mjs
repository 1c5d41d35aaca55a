// Files from one folder, never from outside it: the candidate's real path (symlinks
// resolved) must lie inside the folder's real path, compared with a trailing separator so
// a sibling folder sharing the name's prefix ("installed-secret" beside "installed") is out.
// Only GET and HEAD; a file that cannot be opened is a 403/404, never a crash.
import { open, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { HttpError } from './http-error.mjs';

export const STATIC_METHODS = ['GET', 'HEAD'];

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon', '.map': 'application/json', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.onnx': 'application/octet-stream',
};

/** @param {string} file */
export function contentType(file) {
  return TYPES[/** @type {keyof typeof TYPES} */ (extname(file).toLowerCase())] || 'application/octet-stream';
}

/** @param {string} method */
export function assertStaticMethod(method) {
  if (!STATIC_METHODS.includes(method)) throw new HttpError(405, 'Method not allowed: this path serves files (GET or HEAD).', { Allow: STATIC_METHODS.join(', ') });
}

/**
 * The real path of base/segments when it is a regular file inside base, else undefined.
 * Dot-files (".version", ".git") are not served.
 * @param {string} base
 * @param {string[]} segments  decoded, validated segments (parseRequestPath)
 * @returns {Promise<string | undefined>}
 */
export async function resolveInside(base, segments) {
  if (!segments.length || segments.some((s) => s.startsWith('.'))) return undefined;
  let baseReal, real;
  try {
    baseReal = await realpath(base);
    real = await realpath(join(baseReal, ...segments));
  } catch (e) {
    if (isMissing(e)) return undefined;
    if (isDenied(e)) throw new HttpError(403, 'Forbidden: the file cannot be read.');
    throw e;
  }
  return real.startsWith(baseReal + sep) ? real : undefined;
}

/**
 * Sends a file found by resolveInside. Opens it first, so a permission error is a 403 answer.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} file
 * @param {string} cacheControl
 * @returns {Promise<boolean>} false when it is not a regular file (the caller answers 404)
 */
export async function sendFile(req, res, file, cacheControl) {
  let handle;
  try { handle = await open(file, 'r'); } catch (e) {
    if (isMissing(e)) return false;
    if (isDenied(e)) throw new HttpError(403, 'Forbidden: the file cannot be read.');
    throw e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) { await handle.close(); return false; }
    res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': st.size, 'Cache-Control': cacheControl });
  } catch (e) { await handle.close(); throw e; }
  if (req.method === 'HEAD') { await handle.close(); res.end(); return true; }
  const stream = handle.createReadStream(); // closes the handle when done or destroyed
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
  return true;
}

/** @param {unknown} e */
const code = (e) => /** @type {{ code?: string }} */ (e)?.code;
/** @param {unknown} e */
const isMissing = (e) => ['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP'].includes(code(e) ?? '');
/** @param {unknown} e */
const isDenied = (e) => ['EACCES', 'EPERM'].includes(code(e) ?? '');
