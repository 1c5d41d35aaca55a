import { EndRule } from './rule-types';

/** Valley: a piece that narrowed to a fraction of its largest section and widens again has passed its end into the next structure. */
export const valley: EndRule = {
  name: 'valley',
  principle: 'a structure narrows towards its end; widening again after a deep narrowing is the next structure it touches (a vertebra through its disc, a rib into its cartilage, an organ into a neighbour).',
  judge(c, { params: p }) {
    // Widening back to its former largest section counts too: a small piece cannot rise by the factor without passing it.
    if (c.valleyArea > p.valleyDepth * c.peakBefore) return undefined;
    if (c.sample.area <= Math.min(p.valleyRise * c.valleyArea + p.valleySlackPx, c.peakBefore)) return undefined;
    return { keepThrough: c.valleyAt, reason: 'widens again after narrowing: the next structure' };
  },
};
