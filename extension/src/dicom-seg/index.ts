/**
 * DICOM Segmentation: a binary SEG writer and a SEG reader. Pure TypeScript (dcmjs for
 * Part 10 encoding only), usable in the browser and in Node.
 */
export { writeBinarySeg, SEG_SOP_CLASS } from './write-binary-seg';
export type { BinarySegInput, BinarySegOutput } from './write-binary-seg';


export { describeFromPreset, describeTotalSegmentatorLabel, genericTissue, SAT_ALGORITHM, SAT_MANUFACTURER } from './segment-description';
export type { SegmentDescription, AlgorithmType } from './segment-description';
export { TISSUE_PRESETS, presetFor, CATEGORY } from './codes';
export type { Code, TissuePreset } from './codes';
export { readSeg } from './read-seg';
export type { ReadSegResult, ReadSegment } from './read-seg';
