// /dicom-web/* forwarded to the configured PACS, and nothing else of it: only the DICOMweb
// resources (studies, series, instances), only their methods (GET/HEAD; POST = STOW-RS on
// /studies[/{uid}]), a size limit on uploads, a fixed set of request headers, and never the
// upstream's cookies or its own security headers.
import { HttpError, sendText } from './http-error.mjs';
import { SECURITY_HEADER_NAMES } from './security-headers.mjs';
import { upstreamUrl } from './upstream.mjs';

const RESOURCES = new Set(['studies', 'series', 'instances']);

/** How long a refused upload may go on being sent (and dropped) before the server answers and closes. */
const REFUSED_UPLOAD_GRACE_MS = 2000;

/**
 * Throws the answer for a request that is not a DICOMweb request (404) or not its method (405).
 * Applies to the PACS and to the built-in demo study alike.
 * @param {string | undefined} method
 * @param {string[]} segments  below /dicom-web
 */
export function checkDicomwebRequest(method, segments) {
  if (!segments.length || !RESOURCES.has(segments[0])) {
    throw new HttpError(404, 'Not found: the DICOMweb proxy serves /dicom-web/studies, /dicom-web/series and /dicom-web/instances only.');
  }
  const allowed = segments[0] === 'studies' && segments.length <= 2 ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD'];
  if (!allowed.includes(method ?? '')) {
    throw new HttpError(405, `Method not allowed: ${allowed.join(', ')} only here (DICOMweb QIDO/WADO${allowed.includes('POST') ? ', STOW' : ''}).`, { Allow: allowed.join(', ') });
  }
}

const REQUEST_HEADERS = [
  'accept', 'accept-encoding', 'accept-language', 'authorization', 'content-type', 'content-length',
  'range', 'if-range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'cache-control',
];
const DROPPED_RESPONSE_HEADERS = new Set([
  'set-cookie', 'set-cookie2', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'trailer', 'te',
  'proxy-authenticate', 'proxy-connection', 'alt-svc', 'strict-transport-security', ...SECURITY_HEADER_NAMES,
]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|EPROTO/;

/** @param {import('node:http').IncomingHttpHeaders} h */
function requestHeaders(h) {
  /** @type {Record<string, string | string[]>} */
  const out = {};
  for (const name of REQUEST_HEADERS) { const v = h[name]; if (v !== undefined) out[name] = v; }
  return out;
}

/** @param {import('node:http').IncomingHttpHeaders} h */
function responseHeaders(h) {
  /** @type {Record<string, string | string[]>} */
  const out = {};
  for (const [name, v] of Object.entries(h)) if (v !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) out[name] = v;
  return out;
}

/**
 * @param {{ upstream: import('./upstream.mjs').Upstream, maxBodyBytes: number }} opt
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, segments: string[], search: string) => void}
 */
export function createDicomwebProxy({ upstream, maxBodyBytes }) {
  const tooLarge = `Payload too large: uploads through this server are limited to ${maxBodyBytes} bytes (SAT_STOW_MAX_BYTES).`;
  return (req, res, segments, search) => {
    checkDicomwebRequest(req.method, segments);
    const target = upstreamUrl(upstream, segments, search);
    const withBody = req.method === 'POST';
    if (withBody && Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw new HttpError(413, tooLarge, { Connection: 'close' });
    const headers = requestHeaders(req.headers);
    if (!withBody) { delete headers['content-length']; }
    let refused = false;
    /** @param {boolean} mayRetry */
    const send = (mayRetry) => {
      const up = upstream.request(target, { method: req.method, headers }, (ur) => {
        res.writeHead(ur.statusCode || 502, responseHeaders(ur.headers));
        ur.on('error', () => res.destroy());
        ur.pipe(res);
      });
      up.setTimeout(300_000, () => up.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      up.on('error', (e) => {
        if (refused) return;
        const c = /** @type {{ code?: string }} */ (e).code || e.message;
        // A kept-alive connection the PACS closed just then (Orthanc keeps them 1 s): GET/HEAD once more.
        if (mayRetry && up.reusedSocket && c === 'ECONNRESET' && !res.headersSent) { send(false).end(); return; }
        const hint = TLS_CODES.test(c)
          ? ' Its TLS certificate is not trusted: set SAT_DICOMWEB_CA=/path/to/ca.pem (or NODE_EXTRA_CA_CERTS).'
          : ' Start it with npm run start:pacs or set SAT_DICOMWEB_URL.';
        sendText(res, 502, `The PACS at ${upstream.display} did not answer (${c}).${hint}`);
      });
      res.on('close', () => { if (!res.writableFinished) up.destroy(); });
      return up;
    };
    if (!withBody) { send(true).end(); return; }
    const up = send(false);
    let received = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      received += chunk.length;
      if (received <= maxBodyBytes || refused) return;
      refused = true;
      req.unpipe(up);
      up.destroy();
      // Answer once the client has finished sending (the rest is read and dropped), or after a
      // short grace: closing while it still writes resets the connection before it reads the 413.
      const answer = () => { clearTimeout(grace); sendText(res, 413, tooLarge, { Connection: 'close' }); };
      const grace = setTimeout(answer, REFUSED_UPLOAD_GRACE_MS);
      req.once('end', answer);
      req.once('close', () => clearTimeout(grace));
    });
    req.pipe(up);
  };
}
