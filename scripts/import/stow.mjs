// STOW-RS for npm run import, and what the PACS says about each instance. Only what the
// PACS lists as stored (ReferencedSOPSequence) counts as stored; FailedSOPSequence gives the
// FailureReason; an instance it does not mention at all is not stored (Orthanc 1.10 answers
// 200 with both sequences empty for files it could not index). When the answer is not DICOM
// JSON, a QIDO-RS search decides.
import { upstreamUrl } from '../../platform-config/server/upstream.mjs';

/** @typedef {import('../../platform-config/server/upstream.mjs').Upstream} Upstream */
/** @typedef {{ stored: boolean, reason?: string, warning?: string }} Outcome */

/** @type {[number, number, string][]} low, high, meaning (PS3.18 STOW-RS failure and warning reasons) */
const FAILURES = [
  [0x0110, 0x0110, 'processing failure'], [0x0122, 0x0122, 'SOP class not supported'], [0x0124, 0x0124, 'not authorised'],
  [0xa700, 0xa7ff, 'out of resources'], [0xa900, 0xa9ff, 'data set does not match its SOP class'],
  [0xc122, 0xc122, 'transfer syntax not supported'], [0xc000, 0xcfff, 'cannot understand'],
  [0xb000, 0xb000, 'coercion of data elements'], [0xb006, 0xb006, 'elements discarded'], [0xb007, 0xb007, 'data set does not match its SOP class'],
];

/** @param {unknown} code */
export function reasonText(code) {
  const n = Number(code);
  if (!Number.isInteger(n)) return 'no reason given';
  const hit = FAILURES.find(([lo, hi]) => n >= lo && n <= hi);
  return `reason 0x${n.toString(16).toUpperCase().padStart(4, '0')}${hit ? ` (${hit[2]})` : ''}`;
}

/**
 * One STOW-RS request.
 * @param {Upstream} up
 * @param {Uint8Array[]} instances
 * @returns {Promise<{ status: number, contentType: string, body: string }>}
 */
export function stow(up, instances) {
  const boundary = `sat-import-${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  /** @type {Buffer[]} */
  const parts = [];
  for (const b of instances) parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from(b.buffer, b.byteOffset, b.byteLength), Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  return send(up, 'POST', upstreamUrl(up, ['studies'], ''), {
    'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json', 'Content-Length': String(body.length),
  }, body);
}

/**
 * The SOP Instance UIDs a QIDO-RS search finds in a study.
 * @param {Upstream} up
 * @param {string} studyUid
 * @returns {Promise<Set<string>>}
 */
export async function instancesInStudy(up, studyUid) {
  const r = await send(up, 'GET', upstreamUrl(up, ['studies', studyUid, 'instances'], ''), { Accept: 'application/dicom+json' });
  if (r.status === 204 || r.status === 404) return new Set();
  if (r.status !== 200) throw new Error(`the PACS search (QIDO-RS) answered HTTP ${r.status}`);
  const list = r.body ? JSON.parse(r.body) : [];
  return new Set(list.map((/** @type {Record<string, { Value?: unknown[] }>} */ x) => String(x['00080018']?.Value?.[0] ?? '')));
}

/**
 * What the STOW answer says of each sent UID; undefined when the answer is not DICOM JSON
 * with either sequence (the caller then asks QIDO-RS).
 * @param {{ status: number, body: string }} answer
 * @param {string[]} sent  the SOP Instance UIDs in the request, in order
 * @returns {Outcome[] | undefined}
 */
export function outcomes(answer, sent) {
  if (![200, 202, 409].includes(answer.status)) {
    const why = `the PACS refused the request (HTTP ${answer.status}${answer.status === 413 ? ': too large' : ''})`;
    return sent.map(() => ({ stored: false, reason: why }));
  }
  /** @type {Record<string, { Value?: Record<string, { Value?: unknown[] }>[] }>} */
  let json;
  try { json = JSON.parse(answer.body); } catch { return undefined; }
  if (!json || typeof json !== 'object' || (!('00081199' in json) && !('00081198' in json))) return undefined;
  const uid = (/** @type {Record<string, { Value?: unknown[] }>} */ it) => String(it['00081155']?.Value?.[0] ?? '');
  /** @type {Map<string, string | undefined>} */
  const stored = new Map((json['00081199']?.Value ?? []).map((it) => [uid(it), it['00081196'] ? reasonText(it['00081196'].Value?.[0]) : undefined]));
  const failed = new Map((json['00081198']?.Value ?? []).map((it) => [uid(it), reasonText(it['00081197']?.Value?.[0])]));
  return sent.map((u) => {
    if (u && stored.has(u)) return { stored: true, warning: stored.get(u) };
    if (u && failed.has(u)) return { stored: false, reason: `the PACS refused it: ${failed.get(u)}` };
    return { stored: false, reason: 'the PACS answered without storing it' };
  });
}

/**
 * @param {Upstream} up
 * @param {string} method
 * @param {URL} url
 * @param {Record<string, string>} headers
 * @param {Buffer} [body]
 * @returns {Promise<{ status: number, contentType: string, body: string }>}
 */
function send(up, method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = up.request(url, { method, headers }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(new Error(`the PACS at ${up.display} did not answer (${/** @type {{ code?: string }} */ (e).code || e.message})`)));
    req.end(body);
  });
}
