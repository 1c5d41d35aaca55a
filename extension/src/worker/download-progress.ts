/** Download progress in words ("Downloading dinov2-small.onnx 12 of 88 MB"), at most a few per second. */
import type { ProgressCallback } from '../models';

/** Amount in the unit that suits `scale` (the file size): MB from 1 MB up, kB below. */
function amount(n: number, scale: number): string {
  if (scale >= 1e6) return n >= 10e6 || scale >= 100e6 ? Math.round(n / 1e6).toString() : (n / 1e6).toFixed(1);
  return Math.round(n / 1e3).toString();
}
const unit = (scale: number) => (scale >= 1e6 ? 'MB' : 'kB');

export function downloadProgressText(file: string, loaded: number, total: number | undefined): string {
  const scale = total ?? loaded;
  return total
    ? `Downloading ${file} ${amount(loaded, scale)} of ${amount(total, scale)} ${unit(scale)}`
    : `Downloading ${file} ${amount(loaded, scale)} ${unit(scale)}`;
}

export function downloadProgress(show: (text: string) => void, everyMs = 200): ProgressCallback {
  let last = 0;
  return (file, loaded, total) => {
    const now = Date.now();
    const finished = total !== undefined && loaded >= total;
    if (!finished && now - last < everyMs) return;
    last = now;
    show(finished ? `Checking ${file} (${amount(loaded, loaded)} ${unit(loaded)})…` : downloadProgressText(file, loaded, total));
  };
}
