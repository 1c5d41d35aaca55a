/**
 * Every threshold the propagation's rules use, by name. Lengths are in mm, areas and
 * thicknesses relative to the followed piece's own course, intensities relative to the
 * annotated tissue's contrast with its surroundings: nothing in absolute image units, so the
 * same values serve CT and MR.
 */
export interface PropagationParams {
  /**
   * Tube: thickness within tubeSteadiness (area within tubeAreaSteadiness) over at least
   * tubeLengthMm, tubeSlices and tubeDiameters of its own diameter along the run...
   */
  tubeSteadiness: number;
  tubeAreaSteadiness: number;
  tubeLengthMm: number;
  tubeSlices: number;
  tubeDiameters: number;
  /** ...without a trend: the later half's thickness within this factor of the earlier half's. */
  tubeTrend: number;
  /** A tube ends when thicker than this factor of its measure; it keeps the slices within mergeKeepBack of it. */
  tubeMerge: number;
  mergeKeepBack: number;
  /** Any piece thicker than this factor of its recent thickness (and by thickeningGainPx pixels) has run into a thicker neighbour... */
  suddenThickening: number;
  thickeningGainPx: number;
  /** ...its recent thickness: the lower quartile of this many samples before the last two; it keeps the slices within thickeningKeepBack of it. */
  thickeningWindow: number;
  thickeningKeepBack: number;
  /** At a split, a tube loses pieces thinner than this factor of it. */
  tubeBranch: number;
  /** Valley: narrowest section at most this share of the largest, then wider by valleyRise (plus slack) or back to the largest. */
  valleyDepth: number;
  valleyRise: number;
  valleySlackPx: number;
  /** Separator: inside level below the levels within separatorSlices on both sides by this share of the annotated tissue's contrast... */
  separatorContrast: number;
  /** ...and by at least this much in image units (being measured: to go)... */
  separatorDrop: number;
  /** ...and by at least this many spreads of the annotated tissue's own values (a dip within its noise is no band). */
  separatorSpreads: number;
  separatorSlices: number;
  /** ...and smoother than the flanks (local variation at most this share of theirs). */
  separatorSmoothness: number;
  /** A piece smaller than this share of its largest section (or than vanishPx) has vanished. */
  vanishFraction: number;
  vanishPx: number;
  /** Tail: at most this share of the largest section for this long (mm along the run)... */
  tailFraction: number;
  tailLengthMm: number;
  /** ...keeping its section over the last tailLengthMm (newest at least this share of their largest): a tapering tip is still the tissue. */
  tailKeeps: number;
  /** Held tubes: a gain thicker than this factor of the tube beyond its reach is a neighbour. */
  tubeWidthSlack: number;
  /** A tube's edge may move this share of the slice distance plus tubeReachSlackMm from one slice to the next. */
  tubeReachPerSlice: number;
  tubeReachSlackMm: number;
  /** Heirs: a piece with this share of a split track's area continues it; one that is this share of a merge continues its main track. */
  splitHeirShare: number;
  mergeHeirShare: number;
  /** Between two drawings: the nearer run has lost the tissue below this share of the area interpolated between the drawings. */
  gapLostShare: number;
}

export const DEFAULT_PARAMS: PropagationParams = {
  tubeSteadiness: 1.3,
  tubeAreaSteadiness: 1.6,
  tubeLengthMm: 12,
  tubeSlices: 5,
  tubeDiameters: 1.5,
  tubeTrend: 1.2,
  tubeMerge: 1.5,
  mergeKeepBack: 1.2,
  suddenThickening: 2.2,
  thickeningGainPx: 3,
  thickeningWindow: 6,
  thickeningKeepBack: 1.3,
  tubeBranch: 0.7,
  valleyDepth: 0.5,
  valleyRise: 2,
  valleySlackPx: 6,
  separatorContrast: 0.25,
  separatorDrop: 40,
  separatorSpreads: 0,
  separatorSlices: 3,
  separatorSmoothness: 0.75,
  vanishFraction: 0.03,
  vanishPx: 4,
  tailFraction: 0.2,
  tailLengthMm: 12,
  tailKeeps: 0.8,
  tubeWidthSlack: 1.3,
  tubeReachPerSlice: 0.35,
  tubeReachSlackMm: 1,
  splitHeirShare: 0.75,
  mergeHeirShare: 0.9,
  gapLostShare: 0.5,
};
