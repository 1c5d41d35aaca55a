import { EndRule } from './rule-types';

/** Vanish: a piece reduced to a sliver of its largest section is gone. */
export const vanish: EndRule = {
  name: 'vanish',
  principle: 'a structure ends by shrinking; a piece of a few pixels or a few percent of its largest section is noise at its tip, not tissue to follow.',
  judge(c, { params: p }) {
    if (c.sample.area >= Math.max(p.vanishPx, p.vanishFraction * c.peakBefore)) return undefined;
    const h = c.history;
    return { keepThrough: h.length > 1 ? h[h.length - 2].k : c.sample.k, reason: 'vanished' };
  },
};
