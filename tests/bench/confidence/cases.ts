/**
 * What `bench:confidence` runs on: the dev volumes of bench:accuracy named in issue 25 (the
 * three CT volumes and both brain MR patients, whole tumour and oedema on FLAIR, tumour core and
 * enhancing tumour on T1c); `mr-abdomen-3mm` when named on the command line.
 */
import { VOLUMES, VolumeCase } from '../accuracy/structures';

export const CONFIDENCE_VOLUMES: VolumeCase[] = VOLUMES.filter((v) => v.set !== 'mr-abdomen-3mm');

/** Also runnable when named on the command line. */
export const EXTRA_VOLUMES: VolumeCase[] = VOLUMES.filter((v) => v.set === 'mr-abdomen-3mm');
