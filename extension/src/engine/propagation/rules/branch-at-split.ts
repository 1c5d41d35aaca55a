/**
 * Branches at a split: where a tube divides, pieces much thinner than the tube are branches
 * leaving it and are dropped; when only such pieces remain the tube has ended (the aorta at
 * its bifurcation). `jointThickness` is the thickness of the pieces taken together with small
 * gaps closed: pieces that still fill the tube's width are one tube divided by a thin wall
 * (a dissection flap), not branches leaving it.
 */
import { Track } from '../tracks';
import { PropagationParams } from './params';

export const BRANCH_AT_SPLIT_PRINCIPLE = 'a tube keeps its calibre; where it divides, pieces much thinner than it are branches leaving it, so the structure drawn is the tube, not its branches.';

export function judgeSplit(parent: Track, pieces: Track[], p: PropagationParams, jointThickness = 0): { branches: Track[]; ended: boolean } {
  if (parent.tubeThickness === undefined) return { branches: [], ended: false };
  const limit = p.tubeBranch * parent.tubeThickness;
  if (jointThickness >= limit) return { branches: [], ended: false };
  const branches = pieces.filter((q) => q.history[q.history.length - 1].thickness < limit);
  return { branches, ended: branches.length === pieces.length };
}
