/** Debug switches from the environment in Node; always off in a browser or Worker. */
export function envValue(name: string): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.[name];
}
