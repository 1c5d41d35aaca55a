/**
 * What `bench:confidence` runs on: the dev volumes named in issue 25 (the three CT volumes of
 * bench:accuracy and the brain MR with its expert tumour labels; `mr-abdomen-3mm` on request).
 */
import { VOLUMES, VolumeCase } from '../accuracy/structures';

const BRATS: Record<number, string> = { 1: 'necrosis', 2: 'oedema', 3: 'non-enhancing', 4: 'enhancing' };

export const CONFIDENCE_VOLUMES: VolumeCase[] = [
  ...VOLUMES.filter((v) => v.set !== 'mr-abdomen-3mm'),
  { set: 'mr-brain-tumour', image: 'mr-brain-tumour/pat0002/flair.nii.gz', labels: 'mr-brain-tumour/pat0002/labels.nii.gz', names: BRATS },
];

/** Also runnable when named on the command line. */
export const EXTRA_VOLUMES: VolumeCase[] = [...VOLUMES.filter((v) => v.set === 'mr-abdomen-3mm'), { set: 'mr-brain-tumour-5', image: 'mr-brain-tumour/pat0005/flair.nii.gz', labels: 'mr-brain-tumour/pat0005/labels.nii.gz', names: BRATS }];
