/** Value formatting the DICOM standard constrains. */

/** A Decimal String of at most 16 characters that keeps as much precision as fits. */
export function formatDS(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as a DICOM decimal`);
  if (Object.is(v, -0) || Math.abs(v) < 1e-12) return '0';
  let s = String(v);
  for (let p = 16; s.length > 16 && p > 0; p--) s = String(Number(v.toPrecision(p)));
  if (s.length > 16) s = v.toExponential(8);
  return s;
}

export function dicomDate(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}

export function dicomTime(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}${String(d.getSeconds()).padStart(2, '0')}`;
}

/** Items of a naturalised sequence (dcmjs gives arrays, single items may be objects). */
export function items(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v as Record<string, unknown>[];
  return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
}

export function numbers(v: unknown): number[] {
  return (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(Number);
}

/** A multi-valued attribute as dcmjs gives it (one value or an array), as read; undefined when absent. */
export function valuesOf(v: unknown): unknown[] | undefined {
  return v === undefined || v === null || v === '' ? undefined : Array.isArray(v) ? v : [v];
}
