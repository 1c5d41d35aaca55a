/** Jest helpers for tests that need the real data in ../shared/data. */
import { dataDir, requireData } from './data-dir';
import { recordSkip } from './tools';

/** describe() that runs only when all the named data files exist; otherwise skipped, with the reason in the run's summary. */
export function describeWithData(relPaths: string[], name: string, fn: (paths: string[]) => void): void {
  const found = relPaths.map(requireData);
  if (found.every((p): p is string => p !== undefined)) return describe(name, () => fn(found as string[]));
  const gone = relPaths.filter((_, i) => found[i] === undefined);
  recordSkip(name, `test data missing in ${dataDir()}: ${gone.join(', ')}`, 'set SAT_DATA_DIR to the folder that holds the shared test data');
  describe.skip(`${name} (test data missing)`, () => it('needs data', () => undefined));
}
