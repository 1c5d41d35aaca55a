/**
 * The volumes of `bench:corrections`: those of bench:accuracy, and the brain MR with glioma
 * (FLAIR, where the whole tumour is best seen; its expert labels, each a structure).
 */
import { VolumeCase, VOLUMES } from '../accuracy/structures';

const BRATS: Record<number, string> = { 1: 'necrosis', 2: 'oedema', 3: 'non-enhancing', 4: 'enhancing' };

export const CORRECTION_VOLUMES: VolumeCase[] = [
  ...VOLUMES,
  ...['pat0002', 'pat0005'].map((p) => ({ set: `mr-brain-${p}`, image: `mr-brain-tumour/${p}/flair.nii.gz`, labels: `mr-brain-tumour/${p}/labels.nii.gz`, names: BRATS })),
];
