/**
 * Loads one of the server's ES modules (.mjs) into a test. ts-jest compiles tests to CommonJS,
 * which would turn import() into require(); a Function keeps it a real import(), which jest
 * serves under node --experimental-vm-modules (npm test runs jest that way).
 */
import * as path from 'path';

const realImport = new Function('p', 'return import(p)') as (p: string) => Promise<unknown>;

export async function loadEsm<T>(fromRepoRoot: string): Promise<T> {
  try {
    return (await realImport(path.join(__dirname, '..', '..', fromRepoRoot))) as T;
  } catch (e) {
    throw new Error(`cannot load ${fromRepoRoot} (${(e as Error).message}): run the tests with npm test, or node --experimental-vm-modules node_modules/jest/bin/jest.js`);
  }
}
