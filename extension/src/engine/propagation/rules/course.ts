/**
 * Observing a followed piece's newest slice: its largest and narrowest sections so far, whether
 * it has become small, and whether it has kept its thickness long enough to be a tube. This is
 * the only place a track's course is updated; the rules then judge the view it returns.
 */
import { Track } from '../tracks';
import { CourseView } from './rule-types';
import { PropagationParams } from './params';
import { lowerMedian, steady } from './course-stats';

/** Updates the track's course with its newest sample (already in its history) and returns what the rules see. */
export function observeCourse(t: Track, sliceMm: number, p: PropagationParams, measureTubes = true): CourseView {
  const h = t.history;
  const s = h[h.length - 1];
  const peakBefore = t.maxArea;
  const tubeBefore = t.tubeThickness;
  if (s.area < t.minArea) (t.minArea = s.area), (t.minAt = s.k);
  const [valleyArea, valleyAt] = [t.minArea, t.minAt];
  if (s.area > t.maxArea) (t.maxArea = s.area), (t.minArea = s.area), (t.minAt = s.k);
  if (s.area <= p.tailFraction * t.maxArea) t.lowSince ??= s.k;
  else t.lowSince = undefined;
  if (measureTubes) measureTube(t, sliceMm, p);
  return { track: t, history: h, sample: s, peakBefore, peak: t.maxArea, valleyArea, valleyAt, lowSince: t.lowSince, tubeBefore };
}

/**
 * A tube is longer than it is wide: steady thickness over a few of its own diameters, without a
 * trend (a slowly growing organ is not a tube). It may taper, but a slow creep into a neighbour
 * must not raise its measure.
 */
function measureTube(t: Track, sliceMm: number, p: PropagationParams): void {
  const h = t.history;
  const s = h[h.length - 1];
  const lengthMm = Math.max(p.tubeLengthMm, p.tubeDiameters * 2 * s.thickness);
  const n = Math.max(p.tubeSlices, Math.ceil(lengthMm / sliceMm));
  if (h.length < n) return;
  const recent = h.slice(-n);
  const thick = recent.map((e) => e.thickness);
  const half = n >> 1;
  const early = lowerMedian(thick.slice(0, half));
  const late = lowerMedian(thick.slice(n - half));
  const flat = late <= p.tubeTrend * early && early <= p.tubeTrend * late;
  if (!flat || !steady(thick, p.tubeSteadiness)) return;
  if (t.tubeThickness === undefined && !steady(recent.map((e) => e.area), p.tubeAreaSteadiness)) return;
  const median = [...thick].sort((a, b) => a - b)[n >> 1];
  if (t.tubeThickness === undefined || median < t.tubeThickness) t.tubeThickness = median;
}
