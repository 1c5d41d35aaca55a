/**
 * STOW-RS (store) and QIDO-RS (search) against a DICOMweb server, with fetch: the same code
 * in the viewer and in Node. Messages never include patient data.
 */
export interface StowResult {
  stored: string[];
  failed: { sopInstanceUID: string; reason: string }[];
}

export interface DicomWebOptions {
  /** DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web */
  root: string;
  headers?: Record<string, string>;
  fetchImpl?: typeof fetch;
}

/** Stores Part 10 instances in one multipart/related request. */
export async function stowInstances(opt: DicomWebOptions, instances: Uint8Array[], studyInstanceUID?: string): Promise<StowResult> {
  const boundary = `sat-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const b of instances) {
    parts.push(enc.encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), b, enc.encode('\r\n'));
  }
  parts.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) body.set(p, o), (o += p.length);
  const url = `${opt.root.replace(/\/$/, '')}/studies${studyInstanceUID ? `/${studyInstanceUID}` : ''}`;
  const f = opt.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await f(url, {
      method: 'POST',
      headers: { ...opt.headers, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
      body,
    });
  } catch (e) {
    throw new Error(`the PACS at ${opt.root} could not be reached (${(e as Error).message}).`);
  }
  const text = await res.text();
  if (!res.ok && res.status !== 202) throw new Error(`the PACS refused the upload: HTTP ${res.status} ${res.statusText}.`);
  let json: Record<string, { Value?: Record<string, { Value?: unknown[] }>[] }> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    /* some servers answer XML; the status code is what counts */
  }
  const uidOf = (item: Record<string, { Value?: unknown[] }>) => String(item['00081155']?.Value?.[0] ?? '');
  const stored = (json['00081199']?.Value ?? []).map(uidOf);
  const failed = (json['00081198']?.Value ?? []).map((it) => ({ sopInstanceUID: uidOf(it), reason: `failure reason ${String(it['00081197']?.Value?.[0] ?? 'unknown')}` }));
  return { stored, failed };
}

/** QIDO-RS search; returns the DICOM JSON objects. */
export async function qido(opt: DicomWebOptions, path: string, query: Record<string, string> = {}): Promise<Record<string, { vr: string; Value?: unknown[] }>[]> {
  const qs = new URLSearchParams(query).toString();
  const url = `${opt.root.replace(/\/$/, '')}/${path.replace(/^\//, '')}${qs ? `?${qs}` : ''}`;
  const res = await (opt.fetchImpl ?? fetch)(url, { headers: { ...opt.headers, Accept: 'application/dicom+json' } });
  if (!res.ok) throw new Error(`the PACS search failed: HTTP ${res.status} ${res.statusText}.`);
  const text = await res.text();
  return text ? JSON.parse(text) : [];
}
