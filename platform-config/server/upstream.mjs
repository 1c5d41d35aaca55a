// The configured DICOMweb PACS (SAT_DICOMWEB_URL): its origin and root path, fixed at start.
// Every upstream URL is made from that origin and root plus the grammar's canonical path and query,
// so nothing in a request can change the host or leave the root. http and https alike;
// SAT_DICOMWEB_CA adds a PEM CA bundle to the trusted roots (for a PACS with a private CA).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { HttpError } from './http-error.mjs';

/**
 * @typedef {object} Upstream
 * @property {string} origin    e.g. https://pacs.example.org:8443
 * @property {string} rootPath  '' or e.g. /dicom-web (no trailing slash)
 * @property {string} display   origin + rootPath, without credentials (for messages)
 * @property {(url: URL, options: http.RequestOptions, onResponse: (r: http.IncomingMessage) => void) => http.ClientRequest} request
 */

/**
 * @param {string} url   the DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web
 * @param {{ caFile?: string }} [opt]
 * @returns {Upstream}
 */
export function dicomwebUpstream(url, { caFile } = {}) {
  let u;
  try { u = new URL(url); } catch { throw new Error(`SAT_DICOMWEB_URL is not a URL: use e.g. https://pacs.example.org/dicom-web`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`SAT_DICOMWEB_URL must be an http:// or https:// URL (got ${u.protocol})`);
  if (u.search || u.hash) throw new Error('SAT_DICOMWEB_URL must not have a query or fragment: give the DICOMweb root only');
  const rootPath = u.pathname.replace(/\/+$/, '');
  const auth = u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : undefined;
  const secure = u.protocol === 'https:';
  /** @type {https.AgentOptions} */
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  if (caFile) agentOptions.ca = [...rootCertificates, readCa(caFile)];
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const lib = secure ? https : http;
  return {
    origin: u.origin,
    rootPath,
    display: u.origin + rootPath,
    request: (target, options, onResponse) => lib.request(target, { ...options, agent, auth }, onResponse),
  };
}

/** @param {string} file */
function readCa(file) {
  try { return readFileSync(file, 'utf8'); } catch (e) {
    throw new Error(`SAT_DICOMWEB_CA: cannot read ${file} (${/** @type {{ code?: string }} */ (e).code || e}); give a PEM file of the CA that signed the PACS's certificate`);
  }
}

// Sub-delimiters that DICOMweb paths use literally (frames/1,2,3); they cannot reach the
// authority because the path is set on a URL whose origin is already fixed.
const LITERAL = /%(21|24|26|27|28|29|2A|2B|2C|3A|3B|3D|40)/g;

/**
 * A URL under the root from trusted segments (npm run import builds its own requests).
 * @param {Upstream} up
 * @param {string[]} segments  decoded segments under the DICOMweb root
 * @param {string} search      raw query ('' or '?...')
 * @returns {URL}
 */
export function upstreamUrl(up, segments, search) {
  const target = new URL(up.origin);
  target.pathname = `${up.rootPath}/${segments.map((s) => encodeURIComponent(s).replace(LITERAL, (m) => decodeURIComponent(m))).join('/')}`;
  target.search = search;
  if (target.origin !== up.origin || !target.pathname.startsWith(`${up.rootPath}/`)) throw new HttpError(400, 'Bad request: the path leaves the DICOMweb root.');
  return target;
}

/**
 * The URL of a request the grammar accepted: its canonical path and re-encoded query only.
 * @param {Upstream} up
 * @param {string} path   the grammar's path below the root ([0-9A-Za-z.,/] only)
 * @param {string} query  the grammar's re-encoded query ('' or 'k=v&…')
 * @returns {URL}
 */
export function grammarUrl(up, path, query) {
  // Belt and braces: the grammar lets no other character through, and must never.
  if (!/^[0-9A-Za-z.,]+(?:\/[0-9A-Za-z.,]+)*$/.test(path) || path.split('/').some((s) => s === '.' || s === '..')) throw new HttpError(400, 'Bad request: the path leaves the DICOMweb grammar.');
  const target = new URL(up.origin);
  target.pathname = `${up.rootPath}/${path}`;
  target.search = query;
  if (target.origin !== up.origin || target.pathname !== `${up.rootPath}/${path}`) throw new HttpError(400, 'Bad request: the path leaves the DICOMweb root.');
  return target;
}
