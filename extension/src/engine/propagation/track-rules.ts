/**
 * Where a followed piece of tissue ends, judged by its own course along the run:
 * - Tube: a piece that kept its thickness over a stretch (a vessel, a vertebral body) is a
 *   tube. A tube may bend (its section lengthens, its thickness stays). A tube that becomes
 *   much thicker has merged into a look-alike it touches (the aortic root into the heart, the
 *   IVC into the liver): it ends at its last slice of tube thickness. Where a tube splits,
 *   pieces much thinner than the tube are branches leaving it and are dropped; when only such
 *   pieces remain the tube has ended (the aorta at its bifurcation).
 * - Separator: a piece whose inside turns darker for a slice or two and bright again on both
 *   sides has crossed a separating band (the disc between two vertebrae, the bright endplates
 *   either side of it). It ends before the band.
 * - Valley: a piece that narrowed to a fraction of its largest section and then widens again
 *   (to twice its narrowest, or back to its largest) has passed its end and entered the next
 *   structure (a vertebra through its disc, a rib into its cartilage, an organ into a neighbour
 *   it touches). Bowel narrows and widens by less along its course. It ends at its narrowest slice.
 * - Tail: a piece that shrank to a small fraction of its largest section and then stays that
 *   small, keeping its section for a stretch (after tapering further, maybe), is no longer the
 *   tissue but something leaving it (a vessel leaving an organ, the aortic root leaving the
 *   heart). It ends where it became small. A tip that goes on tapering is still the tissue.
 */
import { Track, TrackSample } from './tracks';

export interface TrackRules {
  /**
   * Tube: thickness within tubeSteadiness (area within tubeAreaSteadiness) over at least
   * tubeLengthMm, tubeSlices and tubeDiameters of its own diameter along the run...
   */
  tubeSteadiness: number;
  tubeAreaSteadiness: number;
  tubeLengthMm: number;
  tubeSlices: number;
  tubeDiameters: number;
  /** ...without a trend: the later half's thickness within this factor of the earlier half's... */
  tubeTrend: number;
  /** ...ends when thicker than this factor of the tube... */
  tubeMerge: number;
  /** Any piece thicker than this factor of its recent thickness has run into a thicker neighbour. */
  suddenThickening: number;
  /** ...and loses pieces thinner than this factor at a split. */
  tubeBranch: number;
  /** Valley: narrowest section at most this share of the largest, then wider by valleyRise (plus slack) or back to the largest. */
  valleyDepth: number;
  valleyRise: number;
  valleySlackPx: number;
  /** Separator: inside level below the levels within separatorSlices on both sides by this much (image units). */
  separatorDrop: number;
  separatorSlices: number;
  /** ...and by at least this share of the annotated tissue's contrast with its surroundings. */
  separatorContrast: number;
  /** ...and it is smoother than the flanks (local variation at most this share of theirs). */
  separatorSmoothness: number;
  /** A piece smaller than this share of its largest section (or than vanishPx) has vanished. */
  vanishFraction: number;
  vanishPx: number;
  /** Tail: at most this share of the largest section for this long (mm along the run). */
  tailFraction: number;
  tailLengthMm: number;
  /** ...keeping its section over the last tailLengthMm (newest at least this share of their largest): a tapering tip is still the tissue. */
  tailKeeps: number;
}

export const DEFAULT_TRACK_RULES: TrackRules = {
  tubeSteadiness: 1.3,
  tubeAreaSteadiness: 1.6,
  tubeLengthMm: 12,
  tubeSlices: 5,
  tubeDiameters: 1.5,
  tubeTrend: 1.2,
  tubeMerge: 1.5,
  suddenThickening: 2.2,
  tubeBranch: 0.7,
  valleyDepth: 0.5,
  valleyRise: 2,
  valleySlackPx: 6,
  separatorDrop: 40,
  separatorSlices: 3,
  separatorContrast: 0.25,
  separatorSmoothness: 0.75,
  vanishFraction: 0.03,
  vanishPx: 4,
  tailFraction: 0.2,
  tailLengthMm: 12,
  tailKeeps: 0.8,
};

export interface TrackEnd {
  /** Last slice that still belongs to the track (in run order; the slice before the first sample ends it entirely). */
  keepThrough: number;
  reason: string;
}

/** Judges the track's newest sample (already in its history); returns where it ended when a rule fires. */
export function judgeTrack(t: Track, sliceMm: number, rules: TrackRules, tissueContrast = 0, pixelMm = 1): TrackEnd | undefined {
  const h = t.history;
  const s = h[h.length - 1];
  const tube = tubeEnd(t, s, sliceMm, rules, pixelMm);
  if (tube) return tube;
  const sep = separatorEnd(h, rules, tissueContrast);
  if (sep) return sep;
  if (s.area < Math.max(rules.vanishPx, rules.vanishFraction * t.maxArea)) {
    return { keepThrough: h.length > 1 ? h[h.length - 2].k : s.k, reason: 'vanished' };
  }
  if (s.area < t.minArea) (t.minArea = s.area), (t.minAt = s.k);
  // Widening back to its former largest section counts too: a small piece cannot rise by the factor without passing it.
  if (t.minArea <= rules.valleyDepth * t.maxArea && s.area > Math.min(rules.valleyRise * t.minArea + rules.valleySlackPx, t.maxArea)) {
    return { keepThrough: t.minAt, reason: 'widens again after narrowing: the next structure' };
  }
  if (s.area > t.maxArea) (t.maxArea = s.area), (t.minArea = s.area), (t.minAt = s.k);
  if (s.area <= rules.tailFraction * t.maxArea) {
    t.lowSince ??= s.k;
    const since = t.lowSince;
    const stretch = h.slice(h.findIndex((e) => e.k === since));
    // Kept its section over the last tailLengthMm: a taper that levelled off is a vessel now.
    const lately = stretch.filter((e) => Math.abs(s.k - e.k) * sliceMm <= rules.tailLengthMm);
    const keeps = s.area >= rules.tailKeeps * Math.max(...lately.map((e) => e.area));
    if (Math.abs(s.k - since) * sliceMm >= rules.tailLengthMm && stretch.length >= 2 && keeps) return { keepThrough: since, reason: 'stays small: something leaving the tissue' };
  } else t.lowSince = undefined;
  return undefined;
}

/**
 * At a split of a tube: which pieces are branches (much thinner than the tube) and whether the
 * tube itself ended there. `jointThickness` is the thickness of the pieces taken together with
 * small gaps closed: pieces that still fill the tube's width are one tube divided by a thin wall
 * (a dissection flap), not branches leaving it.
 */
export function judgeSplit(parent: Track, pieces: Track[], rules: TrackRules, jointThickness = 0): { branches: Track[]; ended: boolean } {
  if (parent.tubeThickness === undefined) return { branches: [], ended: false };
  if (jointThickness >= rules.tubeBranch * parent.tubeThickness) return { branches: [], ended: false };
  const limit = rules.tubeBranch * parent.tubeThickness;
  const branches = pieces.filter((p) => p.history[p.history.length - 1].thickness < limit);
  return { branches, ended: branches.length === pieces.length };
}

function tubeEnd(t: Track, s: TrackSample, sliceMm: number, rules: TrackRules, pixelMm: number): TrackEnd | undefined {
  const h = t.history;
  // Thickness on a coarse grid jumps by whole pixels: judge the median of the last two samples,
  // against the tube's own measure or its narrowest stretch since (a root narrowing before a chamber).
  const now = h.length > 1 ? Math.min(s.thickness, h[h.length - 2].thickness) : s.thickness;
  const since = h.slice(-2 * Math.max(rules.tubeSlices, Math.ceil(rules.tubeLengthMm / sliceMm)) - 2, -2).map((e) => e.thickness);
  const base = t.tubeThickness === undefined ? undefined : Math.min(t.tubeThickness, ...(since.length >= 4 ? [lowerQuartile(since)] : []));
  // Any piece that suddenly becomes several times thicker than it was has run into a thicker
  // neighbour (a small vessel into the aorta, an artery root into a chamber).
  const lately = h.slice(-8, -2).map((e) => e.thickness);
  if (lately.length >= 4 && now > rules.suddenThickening * lowerQuartile(lately) && now - lowerQuartile(lately) >= 3 * pixelMm) {
    const was = lowerQuartile(lately);
    let keep: number | undefined;
    for (let i = h.length - 3; i >= 0 && keep === undefined; i--) if (h[i].thickness <= 1.3 * was) keep = h[i].k;
    return { keepThrough: keep ?? h[0].k, reason: 'suddenly much thicker: ran into a thicker neighbour' };
  }
  if (base !== undefined && now > rules.tubeMerge * base) {
    let keep: number | undefined;
    for (let i = h.length - 3; i >= 0 && keep === undefined; i--) if (h[i].thickness <= 1.2 * base) keep = h[i].k;
    return { keepThrough: keep ?? h[0].k, reason: 'a tube that thickens: merged into a neighbour' };
  }
  // A tube is longer than it is wide: steady over a few of its own diameters.
  const lengthMm = Math.max(rules.tubeLengthMm, rules.tubeDiameters * 2 * s.thickness);
  const n = Math.max(rules.tubeSlices, Math.ceil(lengthMm / sliceMm));
  if (h.length < n) return undefined;
  const recent = h.slice(-n);
  // Steady: the middle half of the values within the factor (a pixel more or less here and there is not a change).
  const steady = (v: number[], f: number) => {
    const q = [...v].sort((a, b) => a - b);
    const lo = q[Math.floor((q.length - 1) / 4)];
    const hi = q[Math.ceil((3 * (q.length - 1)) / 4)];
    return lo > 0 && hi <= f * lo;
  };
  const thick = recent.map((e) => e.thickness);
  // ...and not on a trend: a slowly growing organ is not a tube.
  const half = n >> 1;
  const early = lowerMedian(thick.slice(0, half));
  const late = lowerMedian(thick.slice(n - half));
  const flat = late <= rules.tubeTrend * early && early <= rules.tubeTrend * late;
  if (flat && steady(thick, rules.tubeSteadiness) && (t.tubeThickness !== undefined || steady(recent.map((e) => e.area), rules.tubeAreaSteadiness))) {
    const median = [...thick].sort((a, b) => a - b)[n >> 1];
    // A tube may taper, but a slow creep into a neighbour must not raise its measure.
    if (t.tubeThickness === undefined || median < t.tubeThickness) t.tubeThickness = median;
  }
  return undefined;
}

/** A dip of the inside level flanked by higher levels before and after it (needs separatorSlices after it). */
function separatorEnd(h: TrackSample[], rules: TrackRules, tissueContrast: number): TrackEnd | undefined {
  const m = rules.separatorSlices;
  const j = h.length - 1 - m;
  if (j < 1) return undefined;
  const drop = Math.max(rules.separatorDrop, rules.separatorContrast * tissueContrast);
  const flank = (from: number, to: number, f: (e: TrackSample) => number) => Math.max(...h.slice(from, to).map(f));
  const smoother = (e: TrackSample) => e.texture;
  const texBefore = flank(Math.max(0, j - m), j, smoother);
  const texAfter = flank(j + 1, h.length, smoother);
  if (!(h[j].texture <= rules.separatorSmoothness * Math.min(texBefore, texAfter))) return undefined;
  const at = h[j].level;
  const before = Math.max(...h.slice(Math.max(0, j - m), j).map((e) => e.level));
  const after = Math.max(...h.slice(j + 1).map((e) => e.level));
  if (at + drop <= before && at + drop <= after) return { keepThrough: h[j - 1].k, reason: 'crossed a darker separating band (a disc)' };
  return undefined;
}

function lowerQuartile(v: number[]): number {
  const q = [...v].sort((a, b) => a - b);
  return q[Math.floor((q.length - 1) / 4)];
}

function lowerMedian(v: number[]): number {
  const q = [...v].sort((a, b) => a - b);
  return q[(q.length - 1) >> 1];
}
