/** Jest helpers for tests that need the real data in ../shared/data. */
import { requireData } from './data-dir';

/** describe() that runs only when all the named data files exist; otherwise describe.skip with a warning. */
export function describeWithData(relPaths: string[], name: string, fn: (paths: string[]) => void): void {
  const found = relPaths.map(requireData);
  if (found.every((p): p is string => p !== undefined)) describe(name, () => fn(found as string[]));
  else describe.skip(`${name} (test data missing)`, () => it('needs data', () => undefined));
}
