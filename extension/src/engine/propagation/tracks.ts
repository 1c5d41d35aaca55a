/**
 * The pieces of a tissue followed through a run of slices. On each slice every connected piece
 * of the mask belongs to one track; a piece that continues one piece of the previous slice
 * continues its track, a piece that splits off starts a child track, and pieces that join
 * start a merged track. Each track keeps its own course (area and thickness per slice), so the
 * end rules (track-rules.ts) judge a piece by itself: the descending aorta is not stopped
 * because the ascending aorta ran into the heart.
 */
import { label2D } from '../imaging/components';
import { distanceInside } from '../imaging/distance';

export interface TrackSample {
  k: number;
  /** Pixels. */
  area: number;
  /** Radius of the largest disc inside the piece, mm: how thick it is. */
  thickness: number;
  /** Median intensity inside the piece, away from its edge. */
  level: number;
}

export interface Track {
  id: number;
  /** Track ids this one came from (a split: one; a merge: several). */
  parents: number[];
  /** The course since the track began, latest last. */
  history: TrackSample[];
  /** Largest area this lineage has had (scaled to this track's share), and the smallest since. */
  maxArea: number;
  minArea: number;
  minAt: number;
  /** Slice where the track first became small, while it stays small (tail rule). */
  lowSince?: number;
  /** Thickness while the track kept its section (a tube), once it has. */
  tubeThickness?: number;
}

export class TrackBook {
  readonly tracks = new Map<number, Track>();
  private nextId = 1;

  start(sample: TrackSample, parents: number[] = [], inherit?: Pick<Track, 'maxArea' | 'minArea' | 'minAt' | 'tubeThickness'>): Track {
    const t: Track = {
      id: this.nextId++,
      parents,
      history: [sample],
      maxArea: Math.max(inherit?.maxArea ?? 0, sample.area),
      minArea: Math.min(inherit?.minArea ?? Infinity, sample.area),
      minAt: inherit && inherit.minArea < sample.area ? inherit.minAt : sample.k,
      tubeThickness: inherit?.tubeThickness,
    };
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
  /** Tracks of the previous slice that split here, with the tracks of their pieces. */
  splits: Map<number, number[]>;
}

/** The slice's pieces as tracks of their own (the annotated slice a run starts from). */
export function startTracks(book: TrackBook, mask: Uint8Array, values: Float32Array, w: number, h: number, spacing: [number, number], k: number): SliceTracks {
  return assignPieces(book, mask, values, new Uint16Array(mask.length), w, h, spacing, k, true);
}

/**
 * Gives each connected piece of `mask` a track, from the previous slice's track map.
 * Pieces that overlap no previous track are dropped from the mask (in place).
 */
export function assignPieces(book: TrackBook, mask: Uint8Array, values: Float32Array, previous: Uint16Array, w: number, h: number, spacing: [number, number], k: number, fresh = false): SliceTracks {
  const { labels, sizes } = label2D(mask, w, h);
  const nPieces = sizes.length;
  const dIn = distanceInside(mask, w, h, spacing[0], spacing[1]);
  const thick = new Float32Array(nPieces);
  const overlaps: Map<number, number>[] = Array.from({ length: nPieces }, () => new Map());
  for (let i = 0; i < mask.length; i++) {
    const p = labels[i];
    if (!p) continue;
    if (dIn[i] > thick[p]) thick[p] = dIn[i];
    const t = previous[i];
    if (t) overlaps[p].set(t, (overlaps[p].get(t) ?? 0) + 1);
  }
  const level = pieceLevels(labels, nPieces, dIn, values, Math.max(spacing[0], spacing[1]));
  const piecesOf = new Map<number, number[]>();
  for (let p = 1; p < nPieces; p++) for (const t of overlaps[p].keys()) piecesOf.set(t, [...(piecesOf.get(t) ?? []), p]);
  const pieceTrack = new Uint16Array(nPieces);
  const splits = new Map<number, number[]>();
  for (let p = 1; p < nPieces; p++) {
    const sample: TrackSample = { k, area: sizes[p], thickness: thick[p], level: level[p] };
    const from = [...overlaps[p].keys()];
    if (fresh) {
      pieceTrack[p] = book.start(sample).id;
      continue;
    }
    if (from.length === 0) continue;
    if (from.length === 1 && piecesOf.get(from[0])!.length === 1) {
      pieceTrack[p] = from[0];
      book.get(from[0]).history.push(sample);
      continue;
    }
    // A split or a merge: a new track that inherits its parents' course in proportion.
    let maxArea = 0;
    let minArea = 0;
    let minAt = k;
    let tubeThickness: number | undefined;
    for (const t of from) {
      const parent = book.get(t);
      const siblingArea = piecesOf.get(t)!.reduce((s, q) => s + sizes[q], 0);
      const share = sizes[p] / Math.max(1, siblingArea);
      maxArea += parent.maxArea * share;
      minArea += parent.minArea * share;
      minAt = Math.min(minAt, parent.minAt);
      if (parent.tubeThickness !== undefined) tubeThickness = Math.max(tubeThickness ?? 0, parent.tubeThickness);
    }
    const child = book.start(sample, from, { maxArea, minArea, minAt, tubeThickness: from.length === 1 ? tubeThickness : undefined });
    pieceTrack[p] = child.id;
    if (from.length === 1) splits.set(from[0], [...(splits.get(from[0]) ?? []), child.id]);
  }
  const trackMap = new Uint16Array(mask.length);
  const samples = new Map<number, TrackSample>();
  for (let p = 1; p < nPieces; p++) if (pieceTrack[p]) samples.set(pieceTrack[p], { k, area: sizes[p], thickness: thick[p], level: level[p] });
  for (let i = 0; i < mask.length; i++) {
    const t = pieceTrack[labels[i]];
    if (!t) mask[i] = 0;
    else trackMap[i] = t;
  }
  return { trackMap, samples, splits };
}

/** Median value of each piece away from its edge (its whole area when it is too thin for that). */
function pieceLevels(labels: Int32Array, nPieces: number, dIn: Float32Array, values: Float32Array, pixelMm: number): Float32Array {
  const inner: number[][] = Array.from({ length: nPieces }, () => []);
  const all: number[][] = Array.from({ length: nPieces }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const p = labels[i];
    if (!p) continue;
    all[p].push(values[i]);
    if (dIn[i] > 1.5 * pixelMm) inner[p].push(values[i]);
  }
  const out = new Float32Array(nPieces);
  for (let p = 1; p < nPieces; p++) {
    const v = (inner[p].length >= 4 ? inner[p] : all[p]).sort((a, b) => a - b);
    out[p] = v.length ? v[v.length >> 1] : NaN;
  }
  return out;
}
