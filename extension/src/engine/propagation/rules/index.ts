/**
 * The propagation's rules, in one list. Each has a name, one sentence of principle and a
 * switch (`TrackingOptions.off`); `npm run bench:accuracy -- --ablate NAME` measures what one
 * changes on every dev volume. End rules are judged in this order after the piece's newest
 * slice is observed (course.ts); the first that fires names the end.
 */
import { EndRule, CourseView, JudgeContext, TrackEnd } from './rule-types';
import { Track } from '../tracks';
import { suddenThickening } from './sudden-thickening';
import { separator } from './separator';
import { vanish } from './vanish';
import { observeCourse } from './course';

export const END_RULES: readonly EndRule[] = [suddenThickening, separator, vanish];

/** The stages of a run that are not end rules, each with its principle. */
const STAGES = {
  heirs: 'a fragment breaking off or joining does not end a piece\'s course: the piece with most of the area continues it.',
  'edge-envelope': 'an edge moves along a run no faster than its physical slope allows, however thin the slices.',
  'sat-answer': 'patch features matched to the drawing and the finished neighbour place positive and negative points for the promptable segmenter (the SAT method); off, the walls alone decide.',
  walls: 'the tissue is what connects to the finished neighbour without crossing an edge (seeded region competition); the SAT answer is kept only where the walls agree.',
  'gap-union': 'between two drawings, where the nearer run has lost the tissue (less than gapLostShare of the area the drawings give there), the farther run\'s finding is kept too.',
} as const;

export type StageName = keyof typeof STAGES;
export type RuleName = StageName | (typeof END_RULES)[number]['name'];

/** Every switchable rule and stage: name and principle. */
export const RULES: readonly { name: string; principle: string }[] = [
  ...END_RULES.map((r) => ({ name: r.name, principle: r.principle })),
  ...Object.entries(STAGES).map(([name, principle]) => ({ name, principle })),
];

export function isRuleName(name: string): boolean {
  return RULES.some((r) => r.name === name);
}

/** The end of a piece, judged by the rules that are on. */
export function judgeEnd(c: CourseView, x: JudgeContext, off: ReadonlySet<string>): TrackEnd | undefined {
  for (const r of END_RULES) {
    if (off.has(r.name)) continue;
    const end = r.judge(c, x);
    if (end) return end;
  }
  return undefined;
}

/** Observes the track's newest sample (already in its history), then judges it. */
export function judgeTrack(t: Track, x: JudgeContext, off: ReadonlySet<string> = new Set()): TrackEnd | undefined {
  return judgeEnd(observeCourse(t), x, off);
}
