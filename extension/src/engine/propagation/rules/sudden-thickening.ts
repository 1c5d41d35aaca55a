import { EndRule } from './rule-types';
import { lastWithin, lowerQuartile } from './course-stats';

/** Sudden thickening: a piece that within a slice or two becomes several times thicker than it was has run into a thicker neighbour. */
export const suddenThickening: EndRule = {
  name: 'sudden-thickening',
  principle: 'tissue changes its thickness gradually along a run; a jump to several times its recent thickness is a thicker neighbour it touches (a small vessel into the aorta, an artery root into a chamber).',
  judge(c, { pixelMm, params: p }) {
    const h = c.history;
    // Thickness on a coarse grid jumps by whole pixels: judge the lesser of the last two samples.
    const now = h.length > 1 ? Math.min(c.sample.thickness, h[h.length - 2].thickness) : c.sample.thickness;
    const lately = h.slice(-(p.thickeningWindow + 2), -2).map((e) => e.thickness);
    if (lately.length < 4) return undefined;
    const was = lowerQuartile(lately);
    if (now <= p.suddenThickening * was || now - was < p.thickeningGainPx * pixelMm) return undefined;
    return { keepThrough: lastWithin(h, p.thickeningKeepBack * was), reason: 'suddenly much thicker: ran into a thicker neighbour' };
  },
};
