import { EndRule } from './rule-types';

/** Tail: a piece that shrank to a small share of its largest section and then keeps that section for a stretch is something leaving the tissue. */
export const tail: EndRule = {
  name: 'tail',
  principle: 'a structure\'s tip goes on tapering; a small section that stops tapering and holds for a stretch is a vessel or duct leaving it, not the structure.',
  judge(c, { sliceMm, params: p }) {
    const since = c.lowSince;
    if (since === undefined) return undefined;
    const s = c.sample;
    const h = c.history;
    const stretch = h.slice(h.findIndex((e) => e.k === since));
    const lately = stretch.filter((e) => Math.abs(s.k - e.k) * sliceMm <= p.tailLengthMm);
    const keeps = s.area >= p.tailKeeps * Math.max(...lately.map((e) => e.area));
    if (Math.abs(s.k - since) * sliceMm >= p.tailLengthMm && stretch.length >= 2 && keeps) return { keepThrough: since, reason: 'stays small: something leaving the tissue' };
    return undefined;
  },
};
