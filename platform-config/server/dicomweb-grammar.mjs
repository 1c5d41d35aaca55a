// What may pass to the PACS: the DICOMweb grammar, as an allow-list. The path after the
// DICOMweb root is split into segments, each decoded exactly once, and the whole must be one
// of the QIDO-RS, WADO-RS or STOW-RS resources below; the query is parsed into parameters
// that the caller re-encodes. Everything else is refused with a short reason (never the
// request's own text: paths carry patient UIDs). Pure: no I/O, no state.

/** @typedef {'qido' | 'wado' | 'stow'} Service */
/**
 * @typedef {object} DicomwebRequest
 * @property {true} ok
 * @property {Service} service  what a GET of this path is (POST on a STOW path is 'stow')
 * @property {string} resource  the last named part: studies, series, instances, metadata, frames, rendered, thumbnail, bulk…
 * @property {string[]} segments  decoded, each one checked
 * @property {string} path  the segments joined with '/': only [0-9A-Za-z.,/] (nothing to encode)
 * @property {[string, string][]} params  decoded query parameters, in order
 * @property {string} query  params re-encoded ('' or 'k=v&…', no '?')
 * @property {string[]} allow  the methods this path answers
 */
/** @typedef {{ ok: false, status: 400 | 405, reason: string, allow?: string[] }} Refusal */

// A UID: digits and dots, no empty component, at most 64 characters (PS3.5 9.1).
const UID = '(?=[0-9.]{1,64}(?:/|$))[0-9]+(?:\\.[0-9]+)*';
// frames/1 or frames/1,2,3 (frame numbers start at 1).
const FRAMES = '[1-9][0-9]{0,8}(?:,[1-9][0-9]{0,8})*';
// Bulk data of one attribute, as the PACS names it in its BulkDataURIs: a tag, or a sequence
// path of tag/item/…/tag. Orthanc writes bulk/, Google's and some other archives bulkdata/.
const BULK = '(?:bulk|bulkdata)/[0-9A-Fa-f]{8}(?:/[0-9]{1,6}/[0-9A-Fa-f]{8}){0,8}';
const INSTANCE = `studies/${UID}/series/${UID}/instances/${UID}`;

/** @type {[Service, RegExp][]} the resources, matched against the joined decoded segments */
const ROUTES = [
  // QIDO-RS: search at each level, and one level down from a study or series.
  ['qido', /^(?:studies|series|instances)$/],
  ['qido', new RegExp(`^studies/${UID}/(?:series|instances)$`)],
  ['qido', new RegExp(`^studies/${UID}/series/${UID}/instances$`)],
  // WADO-RS: a study, series or instance, its metadata, rendered or thumbnail; frames; bulk data.
  ['wado', new RegExp(`^studies/${UID}(?:/series/${UID}(?:/instances/${UID})?)?(?:/(?:metadata|rendered|thumbnail))?$`)],
  ['wado', new RegExp(`^${INSTANCE}/frames/${FRAMES}(?:/(?:rendered|thumbnail))?$`)],
  ['wado', new RegExp(`^${INSTANCE}/${BULK}$`)],
];
// STOW-RS: POST /studies and /studies/{uid}.
const STOW = new RegExp(`^studies(?:/${UID})?$`);

const GET = ['GET', 'HEAD', 'OPTIONS'];
const GET_POST = ['GET', 'HEAD', 'POST', 'OPTIONS'];

/** @param {string} reason @returns {Refusal} */
const bad = (reason) => ({ ok: false, status: 400, reason: `Bad request: ${reason}.` });

// What a raw segment may hold before decoding (RFC 3986 pchar less ';', which servlet
// containers read as a path parameter): anything else is named in the refusal.
const RAW_SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,=:@]|%[0-9A-Fa-f]{2})*$/;

/**
 * Decodes one raw segment once, or says why it cannot pass.
 * @param {string} raw
 * @returns {string | Refusal}
 */
function decodeSegment(raw) {
  if (raw.includes('\\')) return bad('a backslash in the path');
  if (raw.includes(';')) return bad('a path parameter (;) in the path');
  if (!RAW_SEGMENT.test(raw)) return raw.includes('%') ? bad('a malformed % escape in the path') : bad('a character not allowed in a DICOMweb path');
  let s;
  // decodeURIComponent also refuses overlong and other invalid UTF-8 (%c0%ae).
  try { s = decodeURIComponent(raw); } catch { return bad('an invalid % escape (not UTF-8) in the path'); }
  if (s.includes('%')) return bad('a % left after decoding once (double encoding)');
  if (s.includes('/') || s.includes('\\')) return bad('an encoded slash or backslash in the path');
  if (s.includes(';')) return bad('an encoded path parameter (;) in the path');
  if (s === '' ) return bad('an empty segment (//) in the path');
  if (s === '.' || s === '..') return bad('a "." or ".." segment in the path');
  return s;
}

/**
 * The DICOMweb resource named by the path below the root, or why not.
 * @param {string} rawPath  what follows the DICOMweb root: '' or '/…' (raw, as received)
 * @returns {Omit<DicomwebRequest, 'params' | 'query'> | Refusal}
 */
export function parseDicomwebPath(rawPath) {
  if (rawPath === '' || rawPath === '/') return bad('no DICOMweb resource named (studies, series or instances)');
  if (!rawPath.startsWith('/')) return bad('the path must continue the DICOMweb root with /');
  /** @type {string[]} */
  const segments = [];
  for (const raw of rawPath.slice(1).split('/')) {
    const s = decodeSegment(raw);
    if (typeof s !== 'string') return s;
    segments.push(s);
  }
  const path = segments.join('/');
  const route = ROUTES.find(([, re]) => re.test(path));
  if (!route) return bad('not a DICOMweb resource (QIDO-RS, WADO-RS or STOW-RS; a UID is digits and dots, at most 64 characters)');
  const named = segments.filter((s) => !/^[0-9.,]+$/.test(s));
  const last = named[named.length - 1];
  const resource = named.includes('bulk') || named.includes('bulkdata') ? 'bulk' : last;
  return { ok: true, service: route[0], resource, segments, path, allow: STOW.test(path) ? GET_POST : GET };
}

// Query parameters. QIDO: matching on attribute keywords (PS3.6 keywords start with a capital
// letter; PACS-specific lowercase switches are not let through), tags, or a dotted sequence
// path of those; includefield; limit; offset; fuzzymatching. WADO: accept and charset, and the
// rendering parameters on rendered/thumbnail. STOW: none.
const ATTRIBUTE = /^(?:[A-Z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})(?:\.(?:[A-Z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})){0,7}$/;
const INCLUDE_FIELD = /^(?:all|(?:[A-Z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})(?:\.(?:[A-Z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})){0,7}(?:,(?:[A-Z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})(?:\.(?:[A-Z][A-Za-z0-9]{0,63}|[0-9A-Fa-f]{8})){0,7})*)$/;
const COUNT = /^[0-9]{1,9}$/;
const WADO_PARAMS = new Set(['accept', 'charset']);
const RENDER_PARAMS = new Set(['accept', 'charset', 'annotation', 'quality', 'viewport', 'window', 'iccprofile']);
const MAX_PARAMS = 100;

/**
 * @param {Service} service
 * @param {string} resource
 * @param {string} key
 * @param {string} value
 * @returns {string | undefined} why the parameter cannot pass, or undefined
 */
function checkParam(service, resource, key, value) {
  if (service === 'qido') {
    if (key === 'limit' || key === 'offset') return COUNT.test(value) ? undefined : `${key} must be a whole number`;
    if (key === 'fuzzymatching') return value === 'true' || value === 'false' ? undefined : 'fuzzymatching must be true or false';
    if (key === 'includefield') return INCLUDE_FIELD.test(value) ? undefined : 'includefield takes attribute keywords or tags, or all';
    return ATTRIBUTE.test(key) ? undefined : 'a query parameter that is not a QIDO-RS one (attribute keyword or tag, includefield, limit, offset, fuzzymatching)';
  }
  if (service === 'wado') {
    const allowed = resource === 'rendered' || resource === 'thumbnail' ? RENDER_PARAMS : WADO_PARAMS;
    return allowed.has(key) ? undefined : `a query parameter that is not a WADO-RS one here (${[...allowed].join(', ')})`;
  }
  return 'STOW-RS takes no query parameters';
}

/**
 * Parses the raw query, each name and value decoded exactly once.
 * @param {string} rawQuery  without the '?'
 * @param {Service} service
 * @param {string} resource
 * @returns {{ ok: true, params: [string, string][], query: string } | Refusal}
 */
export function parseDicomwebQuery(rawQuery, service, resource) {
  /** @type {[string, string][]} */
  const params = [];
  if (rawQuery === '') return { ok: true, params, query: '' };
  if (/[^\x21-\x7e]/.test(rawQuery)) return bad('a space, control or non-ASCII character in the query (send it %-encoded)');
  // '+' is a space to some servers and a plus to others: the viewer sends %20 or %2B.
  if (rawQuery.includes('+')) return bad('a raw + in the query (send %20 for a space, %2B for a plus)');
  const pieces = rawQuery.split('&');
  if (pieces.length > MAX_PARAMS) return bad(`more than ${MAX_PARAMS} query parameters`);
  const seen = new Set();
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq <= 0) return bad('a query parameter without a name or without =');
    let key, value;
    try { key = decodeURIComponent(piece.slice(0, eq)); value = decodeURIComponent(piece.slice(eq + 1)); } catch { return bad('an invalid % escape in the query'); }
    if (key.includes('%') || value.includes('%')) return bad('a % left after decoding the query once (double encoding)');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(key + value)) return bad('a control character in the query');
    const why = checkParam(service, resource, key, value);
    if (why) return bad(why);
    if (seen.has(key) && key !== 'includefield') return bad('a query parameter given twice');
    seen.add(key);
    params.push([key, value]);
  }
  return { ok: true, params, query: params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') };
}

/** Where the viewer finds DICOMweb on this server (platform-config/app-config.mjs). */
export const DICOMWEB_ROOT = '/dicom-web';

/**
 * The raw path below the DICOMweb root and the raw query of a request target, when the target
 * is spelled /dicom-web, /dicom-web/… or /dicom-web?… (no other spelling of the root is it).
 * @param {string | undefined} target  req.url
 * @returns {{ rawPath: string, rawQuery: string } | undefined}
 */
export function splitDicomwebTarget(target) {
  if (typeof target !== 'string' || !target.startsWith(DICOMWEB_ROOT)) return undefined;
  const rest = target.slice(DICOMWEB_ROOT.length);
  if (rest !== '' && rest[0] !== '/' && rest[0] !== '?') return undefined;
  const q = rest.indexOf('?');
  return q < 0 ? { rawPath: rest, rawQuery: '' } : { rawPath: rest.slice(0, q), rawQuery: rest.slice(q + 1) };
}

/**
 * One request below the DICOMweb root: path, then method, then query.
 * OPTIONS passes here (the caller answers it itself, with `allow`); POST only on STOW's paths.
 * @param {string | undefined} method
 * @param {string} rawPath  what follows the root: '' or '/…'
 * @param {string} rawQuery  what follows '?', '' if none
 * @returns {DicomwebRequest | Refusal}
 */
export function parseDicomwebRequest(method, rawPath, rawQuery) {
  const p = parseDicomwebPath(rawPath);
  if (!p.ok) return p;
  if (!p.allow.includes(method ?? '')) {
    return { ok: false, status: 405, reason: `Method not allowed: ${p.allow.join(', ')} only here (DICOMweb ${p.allow.includes('POST') ? 'QIDO/WADO, STOW' : p.service.toUpperCase()}).`, allow: p.allow };
  }
  const service = method === 'POST' ? 'stow' : p.service;
  const q = parseDicomwebQuery(rawQuery, service, p.resource);
  if (!q.ok) return q;
  return { ...p, service, params: q.params, query: q.query };
}
