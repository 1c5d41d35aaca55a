// Headers on every answer. COOP/COEP give the page cross-origin isolation (multithreaded
// WebAssembly); the Content-Security-Policy lets scripts, workers and requests come from our
// own origin only. OHIF's prebuilt index.html has two inline scripts: they are allowed by
// their sha256 hashes, computed from the file the server actually serves.
import { createHash } from 'node:crypto';

/**
 * The CSP hash sources of the inline <script> elements (no src) of an HTML page.
 * @param {string} html
 * @returns {string[]}
 */
export function inlineScriptHashes(html) {
  const out = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1])) continue;
    out.push(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return out;
}

/**
 * @param {{ scriptHashes?: string[], reportUri?: string }} [opt]
 *   reportUri: where the browser reports violations (tests only; reports carry page URLs).
 * @returns {string}
 */
export function contentSecurityPolicy({ scriptHashes = [], reportUri } = {}) {
  const directives = [
    "default-src 'self'",
    // Scripts from our origin and the two inline scripts of index.html only. 'wasm-unsafe-eval'
    // compiles WebAssembly (codecs, onnxruntime-web). 'unsafe-eval' is what the prebuilt OHIF
    // 3.13.2 needs beyond that (the e2e finds each): its image-decoder worker's emscripten
    // bindings and the ndarray package that its DICOM-SEG loader uses build functions from
    // strings. It lets no script in from elsewhere.
    `script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval' ${scriptHashes.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    // React and OHIF set inline styles; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ];
  if (reportUri) directives.push(`report-uri ${reportUri}`);
  return directives.join('; ');
}

/** Names of the headers this module owns: an upstream's values for them are dropped. */
export const SECURITY_HEADER_NAMES = [
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy',
  'x-content-type-options', 'referrer-policy', 'content-security-policy', 'content-security-policy-report-only', 'x-frame-options',
];

/**
 * @param {import('node:http').ServerResponse} res
 * @param {string} csp
 */
export function setSecurityHeaders(res, csp) {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Content-Security-Policy', csp);
}
