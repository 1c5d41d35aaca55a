/**
 * What the propagation's rules see and say. Rules are pure: the tracker first observes a
 * piece's newest slice (course.ts), then each rule judges that observation without changing
 * it, so their order decides only which of several firing rules names the end.
 */
import { TrackSample } from '../tracks';
import { PropagationParams } from './params';

/** A followed piece as observed on its newest slice. */
export interface CourseView {
  readonly history: readonly TrackSample[];
  readonly sample: TrackSample;
  /** Largest section of its lineage before this slice. */
  readonly peakBefore: number;
}

export interface JudgeContext {
  pixelMm: number;
  /** The annotated tissue's median against its surroundings' median (image units). */
  tissueContrast: number;
  params: PropagationParams;
}

export interface TrackEnd {
  /** Last slice that still belongs to the track (in run order; the slice before the first sample ends it entirely). */
  keepThrough: number;
  reason: string;
}

/** A rule that may end a followed piece. */
export interface EndRule {
  name: string;
  /** One sentence: why this holds for any structure and modality. */
  principle: string;
  judge(c: CourseView, x: JudgeContext): TrackEnd | undefined;
}
