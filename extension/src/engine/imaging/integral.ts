/** Summed-area tables for O(1) box means. */
export class IntegralImage {
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  constructor(src: Float32Array, readonly width: number, readonly height: number) {
    const W = width + 1;
    this.sum = new Float64Array(W * (height + 1));
    this.sumSq = new Float64Array(W * (height + 1));
    for (let y = 0; y < height; y++) {
      let row = 0;
      let rowSq = 0;
      for (let x = 0; x < width; x++) {
        const v = src[y * width + x];
        row += v;
        rowSq += v * v;
        this.sum[(y + 1) * W + x + 1] = this.sum[y * W + x + 1] + row;
        this.sumSq[(y + 1) * W + x + 1] = this.sumSq[y * W + x + 1] + rowSq;
      }
    }
  }

  /** Mean and variance over the box [x0, x1) × [y0, y1), clamped to the image. */
  stats(x0: number, y0: number, x1: number, y1: number): { mean: number; variance: number } {
    x0 = Math.max(0, x0);
    y0 = Math.max(0, y0);
    x1 = Math.min(this.width, x1);
    y1 = Math.min(this.height, y1);
    const n = (x1 - x0) * (y1 - y0);
    if (n <= 0) return { mean: 0, variance: 0 };
    const W = this.width + 1;
    const s = this.sum[y1 * W + x1] - this.sum[y0 * W + x1] - this.sum[y1 * W + x0] + this.sum[y0 * W + x0];
    const q = this.sumSq[y1 * W + x1] - this.sumSq[y0 * W + x1] - this.sumSq[y1 * W + x0] + this.sumSq[y0 * W + x0];
    const mean = s / n;
    return { mean, variance: Math.max(0, q / n - mean * mean) };
  }
}
