/** A point prompt in pixel coordinates of a 2D image (x = column, y = row). */
export interface PromptPoint {
  x: number;
  y: number;
  /** true: the tissue is here; false: it is not. */
  positive: boolean;
}
