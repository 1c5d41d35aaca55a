/** Connected components and hole filling on binary masks (4-connected in 2D, 6 in 3D). */

/** Labels 4-connected components of mask; returns labels (0 = background) and their sizes (index = label). */
export function label2D(mask: Uint8Array, w: number, h: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  const stack = new Int32Array(w * h);
  let next = 1;
  for (let s = 0; s < w * h; s++) {
    if (!mask[s] || labels[s]) continue;
    let top = 0;
    stack[top++] = s;
    labels[s] = next;
    let size = 0;
    while (top > 0) {
      const i = stack[--top];
      size++;
      const x = i % w;
      const y = (i - x) / w;
      if (x > 0 && mask[i - 1] && !labels[i - 1]) (labels[i - 1] = next), (stack[top++] = i - 1);
      if (x < w - 1 && mask[i + 1] && !labels[i + 1]) (labels[i + 1] = next), (stack[top++] = i + 1);
      if (y > 0 && mask[i - w] && !labels[i - w]) (labels[i - w] = next), (stack[top++] = i - w);
      if (y < h - 1 && mask[i + w] && !labels[i + w]) (labels[i + w] = next), (stack[top++] = i + w);
    }
    sizes.push(size);
    next++;
  }
  return { labels, sizes };
}

/** Keeps only the components for which keep(label, size) is true. In place; returns mask. */
export function keepComponents2D(mask: Uint8Array, w: number, h: number, keep: (labelId: number, size: number, labels: Int32Array) => boolean): Uint8Array {
  const { labels, sizes } = label2D(mask, w, h);
  const keepIt = sizes.map((size, id) => id > 0 && keep(id, size, labels));
  for (let i = 0; i < mask.length; i++) mask[i] = mask[i] && keepIt[labels[i]] ? 1 : 0;
  return mask;
}

/** Fills background regions not connected to the image border. In place; returns mask. */
export function fillHoles2D(mask: Uint8Array, w: number, h: number): Uint8Array {
  const outside = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  let top = 0;
  const push = (i: number) => {
    if (!mask[i] && !outside[i]) {
      outside[i] = 1;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < w; x++) push(x), push((h - 1) * w + x);
  for (let y = 0; y < h; y++) push(y * w), push(y * w + w - 1);
  while (top > 0) {
    const i = stack[--top];
    const x = i % w;
    if (x > 0) push(i - 1);
    if (x < w - 1) push(i + 1);
    if (i >= w) push(i - w);
    if (i < w * (h - 1)) push(i + w);
  }
  for (let i = 0; i < mask.length; i++) if (!outside[i]) mask[i] = 1;
  return mask;
}

/**
 * Keeps the 6-connected 3D components of a label (value `label` in data) that contain at
 * least one voxel where seed[i] is set. Others are cleared to 0. Returns voxels removed.
 */
export function keepSeededComponents3D(data: Uint8Array | Uint16Array, dims: [number, number, number], label: number, seed: (i: number) => boolean): number {
  const [w, h, d] = dims;
  const n = w * h * d;
  const visited = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    if (data[i] === label && seed(i) && !visited[i]) {
      visited[i] = 1;
      stack[top++] = i;
    }
  }
  const wh = w * h;
  while (top > 0) {
    const i = stack[--top];
    const x = i % w;
    const y = ((i - x) / w) % h;
    const z = (i - x - y * w) / wh;
    const nb = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1, z > 0 ? i - wh : -1, z < d - 1 ? i + wh : -1];
    for (const j of nb) {
      if (j >= 0 && !visited[j] && data[j] === label) {
        visited[j] = 1;
        stack[top++] = j;
      }
    }
  }
  let removed = 0;
  for (let i = 0; i < n; i++) {
    if (data[i] === label && !visited[i]) {
      data[i] = 0;
      removed++;
    }
  }
  return removed;
}
