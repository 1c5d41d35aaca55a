import { EndRule } from './rule-types';

/** Separator: the inside turns darker and smoother for a slice or two, bright again on both sides: a band between two structures. */
export const separator: EndRule = {
  name: 'separator',
  principle: 'two like structures in a row are parted by a band that differs from both (the disc between two vertebrae, fat between organs); a dip of the inside level, relative to the tissue\'s own contrast, flanked by the tissue on both sides, is that band.',
  judge(c, { tissueContrast, params: p }) {
    const h = c.history;
    const m = p.separatorSlices;
    const j = h.length - 1 - m;
    if (j < 1) return undefined;
    const drop = p.separatorContrast * tissueContrast;
    const texBefore = Math.max(...h.slice(Math.max(0, j - m), j).map((e) => e.texture));
    const texAfter = Math.max(...h.slice(j + 1).map((e) => e.texture));
    if (!(h[j].texture <= p.separatorSmoothness * Math.min(texBefore, texAfter))) return undefined;
    const before = Math.max(...h.slice(Math.max(0, j - m), j).map((e) => e.level));
    const after = Math.max(...h.slice(j + 1).map((e) => e.level));
    if (h[j].level + drop <= before && h[j].level + drop <= after) return { keepThrough: h[j - 1].k, reason: 'crossed a darker separating band (a disc)' };
    return undefined;
  },
};
