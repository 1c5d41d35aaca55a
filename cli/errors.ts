/**
 * A problem with what the user gave us. The CLI prints its message as one line and exits 2;
 * anything else is a bug and exits 1.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
