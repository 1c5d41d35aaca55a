/**
 * Observing a followed piece's newest slice: the largest section its lineage has had. This is
 * the only place a track's course is updated; the rules then judge the view it returns.
 */
import { Track } from '../tracks';
import { CourseView } from './rule-types';

/** Updates the track's course with its newest sample (already in its history) and returns what the rules see. */
export function observeCourse(t: Track): CourseView {
  const h = t.history;
  const s = h[h.length - 1];
  const peakBefore = t.maxArea;
  t.maxArea = Math.max(t.maxArea, s.area);
  return { history: h, sample: s, peakBefore };
}
