// e2e: collects every Content-Security-Policy violation of a run, from the page (its
// securitypolicyviolation events) and from anywhere else, workers included (the browser's
// reports to the server's report endpoint). A run with any violation fails: the server's CSP
// must let the whole viewer work.
export function cspWatch() {
  const violations = [];
  const note = (v) => { if (!violations.includes(v)) violations.push(v); };
  return {
    violations,
    /** createServer's onCspViolation. */
    onCspViolation(report) {
      const r = report?.['csp-report'] ?? report;
      note(`${r?.['effective-directive'] ?? r?.['violated-directive'] ?? '?'} blocked ${r?.['blocked-uri'] ?? '?'} (${r?.['source-file'] ?? ''})`);
    },
    async attach(page) {
      await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`)));
      page.on('console', (m) => { if (/CSP violation|Content Security Policy/i.test(m.text())) note(m.text().slice(0, 300)); });
    },
  };
}
