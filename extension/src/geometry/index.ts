/** Series geometry: one set of rules for placing, sorting and matching slices. Pure. */
export { checkPlacement, finiteNumbers, showValues } from './placement';
export type { SlicePlacement, CheckedPlacement } from './placement';
export { seriesGeometry, planeStackGeometry, directionOf } from './series-geometry';
export type { SeriesGeometry, SeriesGeometryOptions, PlaneStack } from './series-geometry';
export { sliceAt, sameInPlaneDirections, samePixelSpacing, SLICE_MATCH_TOLERANCE } from './slice-match';
