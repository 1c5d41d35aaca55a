/**
 * The pieces of a tissue followed through a run of slices. On each slice every connected piece
 * of the mask belongs to one track; a piece that continues one piece of the previous slice
 * continues its track, a piece that splits off starts a child track, and pieces that join
 * start a merged track (unless one of them is nearly all of it: a fragment joining does not
 * end a course either). Each track keeps its own course (area and thickness per slice), so the
 * end rules (rules/) judge a piece by itself: the descending aorta is not stopped
 * because the ascending aorta ran into the heart.
 */
import { label2D } from '../imaging/components';
import { distanceInsideNear } from '../imaging/distance';
import { DEFAULT_PARAMS } from './rules/params';

/**
 * Heirs: a piece that keeps most of a split track's area continues it, and a piece that is
 * nearly all one track continues it when fragments join (null: every split and merge starts
 * new tracks).
 */
export interface HeirShares {
  split: number;
  merge: number;
}
export const DEFAULT_HEIRS: HeirShares = { split: DEFAULT_PARAMS.splitHeirShare, merge: DEFAULT_PARAMS.mergeHeirShare };

export interface TrackSample {
  k: number;
  /** Pixels. */
  area: number;
  /** Radius of the largest disc inside the piece, mm: how thick it is. */
  thickness: number;
  /** Median intensity inside the piece, away from its edge. */
  level: number;
  /** Median local variation (3×3 standard deviation) there: trabecular bone is rough, a disc smooth. */
  texture: number;
}

export interface Track {
  id: number;
  /** Track ids this one came from (a split: one; a merge: several). */
  parents: number[];
  /** The course since the track began, latest last. */
  history: TrackSample[];
  /** Largest area this lineage has had (scaled to this track's share). */
  maxArea: number;
}

export class TrackBook {
  readonly tracks = new Map<number, Track>();
  private nextId = 1;

  start(sample: TrackSample, parents: number[] = [], inheritedMaxArea = 0): Track {
    const t: Track = { id: this.nextId++, parents, history: [sample], maxArea: Math.max(inheritedMaxArea, sample.area) };
    this.tracks.set(t.id, t);
    return t;
  }

  get(id: number): Track {
    const t = this.tracks.get(id);
    if (!t) throw new Error(`no track ${id}`);
    return t;
  }

  /** This track and every track descended from it. */
  lineageOf(id: number): Set<number> {
    const out = new Set<number>([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of this.tracks.values()) if (!out.has(t.id) && t.parents.some((p) => out.has(p))) (out.add(t.id), (grew = true));
    }
    return out;
  }
}

export interface SliceTracks {
  /** Track id per pixel of the slice (0: not tissue). */
  trackMap: Uint16Array;
  /** This slice's sample of every track on it. */
  samples: Map<number, TrackSample>;
}

/** The slice's pieces as tracks of their own (the annotated slice a run starts from). */
export function startTracks(book: TrackBook, mask: Uint8Array, values: Float32Array, w: number, h: number, spacing: [number, number], k: number): SliceTracks {
  return assignPieces(book, mask, values, new Uint16Array(mask.length), w, h, spacing, k, { fresh: true });
}

/**
 * Gives each connected piece of `mask` a track, from the previous slice's track map.
 * Pieces that overlap no previous track are dropped from the mask (in place).
 */
export function assignPieces(
  book: TrackBook,
  mask: Uint8Array,
  values: Float32Array,
  previous: Uint16Array,
  w: number,
  h: number,
  spacing: [number, number],
  k: number,
  { fresh = false, heirs = DEFAULT_HEIRS }: { fresh?: boolean; heirs?: HeirShares | null } = {},
): SliceTracks {
  const { labels, sizes } = label2D(mask, w, h);
  const nPieces = sizes.length;
  const dIn = distanceInsideNear(mask, w, h, spacing[0], spacing[1]);
  const thick = new Float32Array(nPieces);
  const overlaps: Map<number, number>[] = Array.from({ length: nPieces }, () => new Map());
  for (let i = 0; i < mask.length; i++) {
    const p = labels[i];
    if (!p) continue;
    if (dIn[i] > thick[p]) thick[p] = dIn[i];
    const t = previous[i];
    if (t) overlaps[p].set(t, (overlaps[p].get(t) ?? 0) + 1);
  }
  const { level, texture } = pieceLevels(labels, nPieces, dIn, values, w, h, Math.max(spacing[0], spacing[1]));
  const piecesOf = new Map<number, number[]>();
  for (let p = 1; p < nPieces; p++) for (const t of overlaps[p].keys()) piecesOf.set(t, [...(piecesOf.get(t) ?? []), p]);
  const pieceTrack = new Uint16Array(nPieces);
  // A piece that keeps most of a split track's area continues it (a fragment breaking off does not end a course).
  const heir = new Map<number, number>();
  for (const [t, ps] of heirs ? piecesOf : []) {
    if (ps.length < 2 || ps.some((q) => overlaps[q].size > 1)) continue;
    const total = ps.reduce((a, q) => a + sizes[q], 0);
    const main = ps.reduce((a, q) => (sizes[q] > sizes[a] ? q : a), ps[0]);
    if (sizes[main] >= heirs!.split * total) heir.set(main, t);
  }
  // Likewise a piece that is nearly all one track continues it when small fragments join it.
  for (let p = 1; p < nPieces && heirs; p++) {
    if (overlaps[p].size < 2) continue;
    const total = [...overlaps[p].values()].reduce((a, v) => a + v, 0);
    const [main, share] = [...overlaps[p]].reduce((a, e) => (e[1] > a[1] ? e : a));
    if (share >= heirs.merge * total && piecesOf.get(main)!.length === 1) heir.set(p, main);
  }
  for (let p = 1; p < nPieces; p++) {
    const sample: TrackSample = { k, area: sizes[p], thickness: thick[p], level: level[p], texture: texture[p] };
    const from = [...overlaps[p].keys()];
    if (fresh) {
      pieceTrack[p] = book.start(sample).id;
      continue;
    }
    if (from.length === 0) continue;
    if ((from.length === 1 && piecesOf.get(from[0])!.length === 1) || heir.has(p)) {
      const t = heir.get(p) ?? from[0];
      pieceTrack[p] = t;
      book.get(t).history.push(sample);
      continue;
    }
    // A split or a merge: a new track that inherits its parents' largest section in proportion.
    let maxArea = 0;
    for (const t of from) {
      const siblingArea = piecesOf.get(t)!.reduce((s, q) => s + sizes[q], 0);
      maxArea += book.get(t).maxArea * (sizes[p] / Math.max(1, siblingArea));
    }
    const child = book.start(sample, from, maxArea);
    pieceTrack[p] = child.id;
  }
  const trackMap = new Uint16Array(mask.length);
  const samples = new Map<number, TrackSample>();
  for (let p = 1; p < nPieces; p++) if (pieceTrack[p]) samples.set(pieceTrack[p], { k, area: sizes[p], thickness: thick[p], level: level[p], texture: texture[p] });
  for (let i = 0; i < mask.length; i++) {
    const t = pieceTrack[labels[i]];
    if (!t) mask[i] = 0;
    else trackMap[i] = t;
  }
  return { trackMap, samples };
}

/** Median value and median local variation of each piece away from its edge (its whole area when it is too thin for that). */
function pieceLevels(labels: Int32Array, nPieces: number, dIn: Float32Array, values: Float32Array, w: number, h: number, pixelMm: number): { level: Float32Array; texture: Float32Array } {
  const inner: number[][] = Array.from({ length: nPieces }, () => []);
  const all: number[][] = Array.from({ length: nPieces }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const p = labels[i];
    if (!p) continue;
    all[p].push(i);
    if (dIn[i] > 1.5 * pixelMm) inner[p].push(i);
  }
  const level = new Float32Array(nPieces).fill(NaN);
  const texture = new Float32Array(nPieces).fill(NaN);
  const median = (v: number[]) => (v.sort((a, b) => a - b), v[v.length >> 1]);
  for (let p = 1; p < nPieces; p++) {
    let px = inner[p].length >= 4 ? inner[p] : all[p];
    if (!px.length) continue;
    // A few thousand pixels tell the median as well as all of a large organ's.
    if (px.length > 4000) px = px.filter((_, j) => j % Math.ceil(px.length / 4000) === 0);
    level[p] = median(px.map((i) => values[i]));
    texture[p] = median(px.map((i) => localStd(values, w, h, i)));
  }
  return { level, texture };
}

function localStd(values: Float32Array, w: number, h: number, i: number): number {
  const x = i % w;
  const y = (i - x) / w;
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++)
    for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
      const v = values[yy * w + xx];
      s += v;
      s2 += v * v;
      n++;
    }
  const m = s / n;
  return Math.sqrt(Math.max(0, s2 / n - m * m));
}
