// BulkDataURIs in WADO-RS metadata. A PACS writes them as absolute URLs of its own (Orthanc:
// http://its-host/dicom-web/studies/…/bulk/7fe00010), which the browser cannot reach (other
// origin; CSP connect-src 'self'). Those that point into the configured DICOMweb root and are
// WADO-RS resources of the grammar are rewritten to this server's /dicom-web/…; they come back
// through the grammar like any request. Any other URI is left as it is: never proxied.
import { DICOMWEB_ROOT, parseDicomwebPath, parseDicomwebQuery } from './dicomweb-grammar.mjs';

/**
 * The local form of one absolute BulkDataURI, or undefined when it is not ours to rewrite.
 * @param {string} uri
 * @param {{ origin: string, rootPath: string }} upstream
 * @returns {string | undefined}
 */
export function localBulkDataUri(uri, upstream) {
  if (!/^https?:\/\//i.test(uri)) return undefined; // relative: the viewer resolves it against /dicom-web
  let u;
  try { u = new URL(uri); } catch { return undefined; }
  if (u.origin !== upstream.origin || u.username || u.password || u.hash) return undefined;
  if (!u.pathname.startsWith(`${upstream.rootPath}/`)) return undefined;
  const p = parseDicomwebPath(u.pathname.slice(upstream.rootPath.length));
  if (!p.ok || p.service !== 'wado') return undefined;
  const q = parseDicomwebQuery(u.search.slice(1), 'wado', p.resource);
  if (!q.ok) return undefined;
  return `${DICOMWEB_ROOT}/${p.path}${q.query ? `?${q.query}` : ''}`;
}

/**
 * Rewrites, in place, every BulkDataURI of a DICOM JSON document (any depth, sequences included).
 * @param {unknown} json
 * @param {{ origin: string, rootPath: string }} upstream
 * @returns {{ rewritten: number, kept: number }} kept: absolute URIs left alone (outside the root or the grammar)
 */
export function rewriteBulkDataUris(json, upstream) {
  const count = { rewritten: 0, kept: 0 };
  /** @param {unknown} node */
  const walk = (node) => {
    if (Array.isArray(node)) { for (const x of node) walk(x); return; }
    if (!node || typeof node !== 'object') return;
    const o = /** @type {Record<string, unknown>} */ (node);
    if (typeof o.BulkDataURI === 'string') {
      const local = localBulkDataUri(o.BulkDataURI, upstream);
      if (local) { o.BulkDataURI = local; count.rewritten++; } else if (/^https?:/i.test(o.BulkDataURI)) count.kept++;
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') walk(v);
  };
  walk(json);
  return count;
}
