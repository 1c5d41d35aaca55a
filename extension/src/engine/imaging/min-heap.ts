/** Binary min-heap of (key, value) pairs in typed arrays: the priority queue of the geodesic fronts. */
export class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  private n = 0;
  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(key: number, value: number): void {
    if (this.n === this.keys.length) this.grow();
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[i] = this.keys[parent];
      this.values[i] = this.values[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.values[i] = value;
  }

  /** Key of the smallest entry (heap must not be empty). */
  peekKey(): number {
    return this.keys[0];
  }

  /** Removes the smallest entry and returns its value (heap must not be empty). */
  pop(): number {
    const top = this.values[0];
    const n = --this.n;
    if (n > 0) {
      const key = this.keys[n];
      const value = this.values[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.keys[c + 1] < this.keys[c]) c++;
        if (this.keys[c] >= key) break;
        this.keys[i] = this.keys[c];
        this.values[i] = this.values[c];
        i = c;
      }
      this.keys[i] = key;
      this.values[i] = value;
    }
    return top;
  }

  private grow(): void {
    const k = new Float64Array(this.keys.length * 2);
    k.set(this.keys);
    const v = new Int32Array(this.values.length * 2);
    v.set(this.values);
    this.keys = k;
    this.values = v;
  }
}
