// Watches what the viewer asks of /dicom-web (page and its workers): every request's method,
// path and query, and the answer's status. The e2e checks that the server's DICOMweb grammar
// refused none of them, and writes their shapes (UIDs replaced by {uid}) to tests/artifacts/,
// which is where the recording-upstream test's list of viewer requests comes from.
import { writeFileSync } from 'node:fs';

/** '/dicom-web/studies/1.2.3/series?x=1' -> '/dicom-web/studies/{uid}/series?x=1' */
export function shapeOf(target) {
  const [path, query] = target.split('?');
  const p = path.split('/').map((s) => (/^[0-9]+(\.[0-9]+)+$/.test(s) ? '{uid}' : s)).join('/');
  const q = query === undefined ? '' : `?${query.replace(/=([0-9]+\.[0-9.]+)/g, '={uid}')}`;
  return p + q;
}

export function dicomwebWatch(origin) {
  /** @type {{ method: string, target: string, status?: number }[]} */
  const seen = [];
  const mine = (url) => url.startsWith(`${origin}/dicom-web`);
  return {
    seen,
    /** @param {import('playwright-core').Page} page */
    attach(page) {
      page.on('response', (r) => {
        const req = r.request();
        if (!mine(req.url())) return;
        seen.push({ method: req.method(), target: req.url().slice(origin.length), status: r.status() });
      });
    },
    /** Requests the grammar refused (400/405 are the server's own answers; the PACS is never asked for them). */
    refused: () => seen.filter((x) => x.status === 400 || x.status === 405),
    /** Distinct shapes, written to a file for reading. */
    save(file) {
      const shapes = [...new Set(seen.map((x) => `${x.method} ${shapeOf(x.target)} -> ${x.status}`))].sort();
      writeFileSync(file, `${shapes.join('\n')}\n`);
      return shapes;
    },
  };
}
