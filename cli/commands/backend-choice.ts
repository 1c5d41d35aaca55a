/** Which backends `sat segment --backend` runs: the embedded default, or installed learned models. */
import { Backends, embeddedBackends } from '../../extension/src/engine';
import { UsageError } from '../errors';
import { yieldToSignals } from '../signals';
import { loadInstalledLearned } from './models';

export const BACKEND_CHOICES = 'embedded | learned | auto';

export async function resolveBackends(choice: string | undefined): Promise<Backends> {
  return yieldingBetweenSlices(await chooseBackends(choice));
}

async function chooseBackends(choice: string | undefined): Promise<Backends> {
  const c = (choice ?? 'embedded').toLowerCase();
  if (c === 'embedded') return embeddedBackends();
  if (c === 'learned' || c === 'auto') {
    const learned = await loadInstalledLearned();
    // Any mix works: a stage without an installed model keeps its embedded backend.
    if (learned) {
      // Say where each learned stage runs (onnxruntime-node, WebGPU through Dawn, or WASM, and why).
      for (const [stage, info] of Object.entries(learned.info)) {
        const p = info?.files[0]?.provider;
        if (p) process.stderr.write(`sat: ${stage} ${info!.model} on ${p.provider === 'webgpu' ? 'WebGPU' : p.provider === 'cpu' ? 'onnxruntime-node (CPU)' : 'WASM'} (${p.reason})\n`);
      }
      return { ...embeddedBackends(), ...learned.stages };
    }
    if (c === 'auto') {
      process.stderr.write('sat: no learned models are installed; using the embedded backends (see `sat models`).\n');
      return embeddedBackends();
    }
    throw new UsageError('--backend learned: no learned models are installed. Install them with `npm run models:install -- <dir>` (see `sat models`), or use --backend embedded.');
  }
  throw new UsageError(`--backend ${choice}: choose one of ${BACKEND_CHOICES}.`);
}

/**
 * The embedded backends compute synchronously, so a whole run would pass without the event
 * loop turning and Ctrl-C / SIGTERM would wait for its end: each slice's encoding first lets
 * the loop turn (cli/signals.ts then removes the partial outputs and exits).
 */
function yieldingBetweenSlices(b: Backends): Backends {
  const enc = b.encoder;
  return {
    ...b,
    encoder: {
      name: enc.name,
      async encode(image) {
        await yieldToSignals();
        return enc.encode(image);
      },
    },
  };
}
