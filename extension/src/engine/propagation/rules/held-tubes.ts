import { TrackBook } from '../tracks';
import { label2D } from '../../imaging/components';
import { distanceInsideNear, distanceOutsideNear } from '../../imaging/distance';

export const HELD_TUBES_PRINCIPLE = 'a tube keeps its width from slice to slice; what it gains beyond its reach that is thicker than the tube is a neighbour of the same appearance, while a gain no thicker than the tube is the tube bending.';

/**
 * A tube keeps its width from slice to slice. Where a piece continues only tube tracks, what
 * it gained beyond `reachMm` of those tubes' previous pixels is kept only if it is no thicker
 * than the tube (a tube may lengthen its section where it bends, like the aortic arch); a
 * thicker gain is tissue of the same density that the tube touches, and is removed (in place).
 */
export function holdTubes(book: TrackBook, mask: Uint8Array, previous: Uint16Array, w: number, h: number, spacing: [number, number], reachMm: number, widthSlack: number): number {
  const tubeOf = new Map<number, number | undefined>();
  const thickness = (id: number) => {
    if (!tubeOf.has(id)) tubeOf.set(id, book.get(id).tubeThickness);
    return tubeOf.get(id);
  };
  const tubePrev = new Uint8Array(mask.length);
  let any = false;
  for (let i = 0; i < mask.length; i++) if (previous[i] && thickness(previous[i]) !== undefined) (tubePrev[i] = 1), (any = true);
  if (!any) return 0;
  const { labels, sizes } = label2D(mask, w, h);
  const width = new Float32Array(sizes.length);
  const touchesOther = new Uint8Array(sizes.length);
  for (let i = 0; i < mask.length; i++) {
    const p = labels[i];
    if (!p || !previous[i]) continue;
    const t = thickness(previous[i]);
    if (t === undefined) touchesOther[p] = 1;
    else width[p] = Math.max(width[p], t);
  }
  const reach = distanceOutsideNear(tubePrev, w, h, spacing[0], spacing[1], reachMm);
  const dIn = distanceInsideNear(mask, w, h, spacing[0], spacing[1]);
  // Pixels inside a disc wider than the tube that fits in the piece: the thick part.
  const core = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    const p = labels[i];
    if (p && width[p] > 0 && !touchesOther[p] && dIn[i] > widthSlack * width[p]) core[i] = 1;
  }
  let widest = 0;
  for (let p = 1; p < width.length; p++) widest = Math.max(widest, width[p]);
  const nearCore = distanceOutsideNear(core, w, h, spacing[0], spacing[1], widthSlack * widest);
  let removed = 0;
  for (let i = 0; i < mask.length; i++) {
    const p = labels[i];
    if (!p || width[p] === 0 || touchesOther[p] || reach[i] <= reachMm) continue;
    if (nearCore[i] <= widthSlack * width[p]) (mask[i] = 0), removed++;
  }
  return removed;
}

