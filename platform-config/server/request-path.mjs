// The one place that turns a raw request target into path segments. Everything the server
// routes, serves or forwards is built from these decoded segments, never from the raw string:
// a segment cannot hold a slash, a backslash, NUL, "." or "..", so no later join or URL
// can climb out of where it is put.
import { HttpError } from './http-error.mjs';

/**
 * @typedef {{ segments: string[], search: string }} RequestPath
 *   segments: decoded, non-empty path segments; search: the raw query ('' or '?...').
 */

/**
 * @param {string | undefined} target  req.url as Node gives it (origin-form expected)
 * @returns {RequestPath}
 */
export function parseRequestPath(target) {
  // Absolute-form ("http://host/..."), authority-form and "*" are not for this server.
  if (typeof target !== 'string' || !target.startsWith('/')) throw new HttpError(400, 'Bad request: the request target must be a path.');
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q);
  if (rawPath.includes('#')) throw new HttpError(400, 'Bad request: a fragment (#) in the path.');
  if (rawPath.includes('\\')) throw new HttpError(400, 'Bad request: a backslash in the path.');
  // Encoded separators would survive decoding as part of one segment and be read as separators later.
  if (/%(2f|5c|00)/i.test(rawPath)) throw new HttpError(400, 'Bad request: an encoded slash, backslash or NUL (%2F, %5C, %00) in the path.');
  const segments = [];
  for (const raw of rawPath.split('/')) {
    let s;
    try { s = decodeURIComponent(raw); } catch { throw new HttpError(400, 'Bad request: a malformed % escape in the path.'); }
    if (s === '.' || s === '..') throw new HttpError(400, 'Bad request: "." or ".." segments in the path.');
    if (s) segments.push(s);
  }
  return { segments, search };
}
