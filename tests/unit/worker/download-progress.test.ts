import { downloadProgress, downloadProgressText } from '../../../extension/src/worker/download-progress';

test('download progress reads like "Downloading dinov2-small.onnx 12 of 88 MB"', () => {
  expect(downloadProgressText('dinov2-small.onnx', 12.3e6, 88.2e6)).toBe('Downloading dinov2-small.onnx 12 of 88 MB');
  expect(downloadProgressText('mobilesam-encoder.onnx', 1.25e6, 5.0e6)).toBe('Downloading mobilesam-encoder.onnx 1.3 of 5.0 MB');
  expect(downloadProgressText('tiny.onnx', 2000, 530000)).toBe('Downloading tiny.onnx 2 of 530 kB');
  expect(downloadProgressText('x.onnx', 3e6, undefined)).toBe('Downloading x.onnx 3.0 MB');
});

test('throttled, but the end of each file is always shown', () => {
  const shown: string[] = [];
  const p = downloadProgress((t) => shown.push(t), 60_000);
  p('a.onnx', 1e6, 4e6);
  p('a.onnx', 2e6, 4e6); // within the interval: dropped
  p('a.onnx', 4e6, 4e6);
  expect(shown).toEqual(['Downloading a.onnx 1.0 of 4.0 MB', 'Checking a.onnx (4.0 MB)…']);
});
