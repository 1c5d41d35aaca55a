import { EndRule } from './rule-types';
import { lastWithin, lowerQuartile } from './course-stats';

/** Tube merge: a piece that kept its thickness for a stretch (a tube) and then becomes much thicker has merged into a look-alike it touches. */
export const tubeMerge: EndRule = {
  name: 'tube-merge',
  principle: 'a piece that kept one thickness over several of its own diameters is one tube; becoming much thicker than that is another structure of the same appearance it opens into (the aortic root into the heart, the IVC into the liver).',
  judge(c, { sliceMm, params: p }) {
    if (c.tubeBefore === undefined) return undefined;
    const h = c.history;
    const now = h.length > 1 ? Math.min(c.sample.thickness, h[h.length - 2].thickness) : c.sample.thickness;
    // Against the tube's own measure or its narrowest stretch since (a root narrowing before a chamber).
    const since = h.slice(-2 * Math.max(p.tubeSlices, Math.ceil(p.tubeLengthMm / sliceMm)) - 2, -2).map((e) => e.thickness);
    const base = Math.min(c.tubeBefore, ...(since.length >= 4 ? [lowerQuartile(since)] : []));
    if (now <= p.tubeMerge * base) return undefined;
    return { keepThrough: lastWithin(h, p.mergeKeepBack * base), reason: 'a tube that thickens: merged into a neighbour' };
  },
};
