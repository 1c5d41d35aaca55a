// /dicom-web/* forwarded to the configured PACS: only requests the grammar accepted
// (dicomweb-grammar.mjs), sent as the grammar's canonical path and re-encoded query, with a
// size limit on uploads, a fixed set of request headers, never the upstream's cookies or its
// own security headers; BulkDataURIs in metadata rewritten to come back through here.
import { rewriteBulkDataUris } from './bulkdata-uris.mjs';
import { HttpError, sendText } from './http-error.mjs';
import { SECURITY_HEADER_NAMES } from './security-headers.mjs';
import { grammarUrl } from './upstream.mjs';

/** How long a refused upload may go on being sent (and dropped) before the server answers and closes. */
const REFUSED_UPLOAD_GRACE_MS = 2000;
/** No answer from the PACS for this long: the request is dropped (a 502 if nothing was sent yet). */
const UPSTREAM_TIMEOUT_MS = 300_000;
/** Largest metadata answer read whole to rewrite its BulkDataURIs. */
const MAX_METADATA_BYTES = 256 * 2 ** 20;

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
 * Answers a metadata response with its BulkDataURIs rewritten to come through this server.
 * @param {import('node:http').IncomingMessage} ur
 * @param {import('node:http').ServerResponse} res
 * @param {import('./upstream.mjs').Upstream} upstream
 */
function sendRewrittenMetadata(ur, res, upstream) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  ur.on('data', (/** @type {Buffer} */ c) => {
    size += c.length;
    if (size <= MAX_METADATA_BYTES) { chunks.push(c); return; }
    ur.destroy();
    sendText(res, 502, `The PACS's metadata answer is larger than ${MAX_METADATA_BYTES} bytes; not passed on.`);
  });
  ur.on('error', () => res.destroy());
  ur.on('end', () => {
    let json;
    try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { return sendText(res, 502, "The PACS's metadata answer is not JSON."); }
    rewriteBulkDataUris(json, upstream);
    const body = Buffer.from(JSON.stringify(json));
    res.writeHead(ur.statusCode || 502, { ...responseHeaders(ur.headers), 'content-length': String(body.length) });
    res.end(body);
  });
}

/** A JSON metadata answer, uncompressed: the one kind whose BulkDataURIs are rewritten. */
const rewritable = (/** @type {import('./dicomweb-grammar.mjs').DicomwebRequest} */ dw, /** @type {import('node:http').IncomingMessage} */ ur, /** @type {string | undefined} */ method) =>
  method === 'GET' && dw.resource === 'metadata' && ur.statusCode === 200
  && /json/i.test(String(ur.headers['content-type'] ?? '')) && !ur.headers['content-encoding'];

/**
 * @param {{ upstream: import('./upstream.mjs').Upstream, maxBodyBytes: number }} opt
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, dw: import('./dicomweb-grammar.mjs').DicomwebRequest) => void}
 */
export function createDicomwebProxy({ upstream, maxBodyBytes }) {
  const tooLarge = `Payload too large: uploads through this server are limited to ${maxBodyBytes} bytes (SAT_STOW_MAX_BYTES).`;
  return (req, res, dw) => {
    const target = grammarUrl(upstream, dw.path, dw.query);
    const withBody = req.method === 'POST';
    if (withBody && Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw new HttpError(413, tooLarge, { Connection: 'close' });
    const headers = requestHeaders(req.headers);
    if (!withBody) { delete headers['content-length']; }
    // Metadata is read whole to rewrite its BulkDataURIs: ask for it uncompressed.
    if (dw.resource === 'metadata') delete headers['accept-encoding'];
    let refused = false;
    /** @param {boolean} mayRetry */
    const send = (mayRetry) => {
      const up = upstream.request(target, { method: req.method, headers }, (ur) => {
        if (rewritable(dw, ur, req.method)) return sendRewrittenMetadata(ur, res, upstream);
        res.writeHead(ur.statusCode || 502, responseHeaders(ur.headers));
        ur.on('error', () => res.destroy());
        ur.pipe(res);
      });
      up.setTimeout(UPSTREAM_TIMEOUT_MS, () => up.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
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
