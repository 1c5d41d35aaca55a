/** Which backends `sat segment --backend` runs: the embedded default, or installed learned models. */
import { Backends, embeddedBackends } from '../../extension/src/engine';
import { UsageError } from '../errors';
import { loadInstalledLearned } from './models';

export const BACKEND_CHOICES = 'embedded | learned | auto';

export async function resolveBackends(choice: string | undefined): Promise<Backends> {
  const c = (choice ?? 'embedded').toLowerCase();
  if (c === 'embedded') return embeddedBackends();
  if (c === 'learned' || c === 'auto') {
    const learned = await loadInstalledLearned();
    // Any mix works: a stage without an installed model keeps its embedded backend.
    if (learned) {
      // Say where each learned stage runs (WebGPU on a GPU through Dawn, or WASM and why).
      for (const [stage, info] of Object.entries(learned.info)) {
        const p = info?.files[0]?.provider;
        if (p) process.stderr.write(`sat: ${stage} ${info!.model} on ${p.provider === 'webgpu' ? 'WebGPU' : 'WASM'} (${p.reason})\n`);
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
