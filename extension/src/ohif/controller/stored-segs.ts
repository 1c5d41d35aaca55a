/**
 * Which stored DICOM Segmentation to show when a study is reopened: of the SEGs that reference
 * the series on show, those this tool wrote (the Manufacturer and ManufacturerModelName its
 * writer sets, or a segment whose algorithm is ours), and of those the latest by SeriesDate/
 * SeriesTime, then ContentDate/ContentTime, then InstanceNumber and SeriesNumber. Pure: the
 * host reads the headers, this decides.
 */
import { SAT_ALGORITHM, SAT_MANUFACTURER } from '../../dicom-seg/segment-description';
import type { StoredSegInfo, ViewerHost } from './viewer-host';

const trimmed = (v: string | undefined) => (v ?? '').trim();

/** Whether the SEG was written by Segment Any Tissue (the viewer's export or the CLI). */
export function isOwnSeg(seg: StoredSegInfo): boolean {
  const byWriter = trimmed(seg.manufacturer) === SAT_MANUFACTURER && trimmed(seg.manufacturerModelName) === SAT_ALGORITHM.name;
  return byWriter || seg.algorithmNames.some((n) => trimmed(n) === SAT_ALGORITHM.name);
}

/** DA as YYYYMMDD (the retired YYYY.MM.DD too); '' when absent or not a date. */
function dateKey(da: string | undefined): string {
  const d = trimmed(da).replace(/\./g, '');
  return /^\d{8}$/.test(d) ? d : '';
}

/** TM as HHMMSS.FFFFFF, missing parts as zeros (the retired HH:MM:SS too); '' when absent or not a time. */
function timeKey(tm: string | undefined): string {
  const t = trimmed(tm).replace(/:/g, '');
  const m = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?$/.exec(t);
  if (!m) return '';
  return `${m[1]}${m[2] ?? '00'}${m[3] ?? '00'}.${(m[4] ?? '').padEnd(6, '0')}`;
}

/** A sortable moment: a date with no time sorts before any time of that day; no date sorts first. */
const moment = (da: string | undefined, tm: string | undefined) => {
  const d = dateKey(da);
  return d ? `${d}T${timeKey(tm) || '-'}` : '';
};

function compare(a: StoredSegInfo, b: StoredSegInfo): number {
  const keys: [string | number, string | number][] = [
    [moment(a.seriesDate, a.seriesTime), moment(b.seriesDate, b.seriesTime)],
    [moment(a.contentDate, a.contentTime), moment(b.contentDate, b.contentTime)],
    [a.instanceNumber ?? -Infinity, b.instanceNumber ?? -Infinity],
    [a.seriesNumber ?? -Infinity, b.seriesNumber ?? -Infinity],
  ];
  for (const [x, y] of keys) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

/** The latest of our SEGs, or undefined when none of them is ours; on a full tie the later in the list. */
export function latestOwnSeg(segs: readonly StoredSegInfo[]): StoredSegInfo | undefined {
  let best: StoredSegInfo | undefined;
  for (const s of segs) if (isOwnSeg(s) && (!best || compare(s, best) >= 0)) best = s;
  return best;
}

/**
 * While the mode is open: the first time a series is on show with a SEG of ours and no
 * segmentation of it in the viewer, the latest such SEG is shown. A series that already had a
 * segmentation when first seen is left as the user has it. Returns the function that stops.
 */
export function showLatestOwnSegs(host: Pick<ViewerHost, 'watchShownSeries' | 'showStoredSeg' | 'notify'>): () => void {
  const settled = new Set<string>();
  return host.watchShownSeries((series) => {
    if (settled.has(series.key)) return;
    if (series.hasSegmentation) {
      settled.add(series.key);
      return;
    }
    // Not before all of the study's SEGs are in: an older one of ours must not win by arriving first.
    if (!series.segsComplete) return;
    const seg = latestOwnSeg(series.storedSegs);
    if (!seg) return; // a SEG of ours may still be stored later in this visit
    settled.add(series.key);
    host.showStoredSeg(series.key, seg.id).catch((e: unknown) => {
      const why = (e as Error)?.message?.replace(/\.$/, '') || String(e);
      host.notify(`The stored segmentation${seg.seriesDescription ? ` "${seg.seriesDescription}"` : ''} could not be shown: ${why}.`, 'warning');
    });
  });
}
