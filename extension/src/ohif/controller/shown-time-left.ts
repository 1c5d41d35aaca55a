/**
 * The time left as the panel shows it: the estimator's figure (review/time-left.ts), never
 * rising by more than a third over what was last shown, counted down since. A raw estimate
 * jumps up when a slice is slow or a stretch turns out longer; the user reads a jump from 12 s
 * to 37 s as the tool going backwards, while a capped rise catches up over a few slices.
 */
const MAX_RISE = 4 / 3;

export class ShownTimeLeft {
  private last?: { seconds: number; at: number };

  /** raw: the estimate (s) or undefined while there is none; now: ms. */
  show(raw: number | undefined, now: number): number | undefined {
    if (raw === undefined) return undefined;
    let seconds = raw;
    if (this.last) {
      const countedDown = Math.max(0, this.last.seconds - (now - this.last.at) / 1000);
      // At least 1 s as the base, so a figure that reached 0 too early can come back up.
      seconds = Math.min(raw, Math.max(countedDown, 1) * MAX_RISE, this.last.seconds * MAX_RISE);
    }
    this.last = { seconds, at: now };
    return seconds;
  }
}
