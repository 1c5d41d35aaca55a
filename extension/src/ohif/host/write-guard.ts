/**
 * Tells the edit watcher which segmentation changes are the tool's own (its result being
 * written, its undo step restored) so that only the user's edits count as corrections.
 */
export class WriteGuard {
  private depth = 0;

  get active(): boolean {
    return this.depth > 0;
  }

  run<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }
}
