/** The parts of dcmjs this project uses (dcmjs ships no type declarations). */
declare module 'dcmjs' {
  export const data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string; includeUntilTagValue?: boolean }): { meta: Record<string, { vr?: string; Value?: unknown[] }>; dict: Record<string, unknown> };
    };
    DicomMetaDictionary: {
      naturalizeDataset(dict: Record<string, unknown>): Record<string, unknown>;
      denaturalizeDataset(ds: Record<string, unknown>): Record<string, unknown>;
      /** Keyword → dictionary entry, e.g. PatientName → { tag: "(0010,0010)", vr: "PN" }. */
      nameMap: Record<string, { tag: string; vr: string } | undefined>;
      uid(): string;
    };
    DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(options?: Record<string, unknown>): ArrayBuffer };
  };
  const _default: { data: typeof data };
  export default _default;
}
