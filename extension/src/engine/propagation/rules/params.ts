/**
 * Every threshold the propagation's rules use, by name. Thicknesses are relative to the
 * followed piece's own course (plus a minimum gain in working pixels), intensities relative to
 * the annotated tissue's contrast with its surroundings: nothing in absolute image units, so
 * the same values serve CT and MR.
 */
export interface PropagationParams {
  /** Any piece thicker than this factor of its recent thickness (and by thickeningGainPx pixels) has run into a thicker neighbour... */
  suddenThickening: number;
  thickeningGainPx: number;
  /** ...its recent thickness: the lower quartile of this many samples before the last two; it keeps the slices within thickeningKeepBack of it. */
  thickeningWindow: number;
  thickeningKeepBack: number;
  /** Separator: inside level below the levels within separatorSlices on both sides by this share of the annotated tissue's contrast... */
  separatorContrast: number;
  separatorSlices: number;
  /** ...and smoother than the flanks (local variation at most this share of theirs). */
  separatorSmoothness: number;
  /** A piece smaller than this share of its largest section (or than vanishPx) has vanished. */
  vanishFraction: number;
  vanishPx: number;
  /** Heirs: a piece with this share of a split track's area continues it; one that is this share of a merge continues its main track. */
  splitHeirShare: number;
  mergeHeirShare: number;
  /** Between two drawings: the nearer run has lost the tissue below this share of the area interpolated between the drawings. */
  gapLostShare: number;
}

export const DEFAULT_PARAMS: PropagationParams = {
  suddenThickening: 2.2,
  thickeningGainPx: 3,
  thickeningWindow: 6,
  thickeningKeepBack: 1.3,
  separatorContrast: 0.25,
  separatorSlices: 3,
  separatorSmoothness: 0.75,
  vanishFraction: 0.03,
  vanishPx: 4,
  splitHeirShare: 0.75,
  mergeHeirShare: 0.9,
  gapLostShare: 0.5,
};
