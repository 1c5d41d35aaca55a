/** What the result is called: segment names, the summary, and the download's file name. */
import { displayName, resultSegmentName, segFileName } from '../../../extension/src/ohif/review/result-names';

describe('result names', () => {
  it('the result segment says it is the result until the tissue is named, then takes the name', () => {
    expect(resultSegmentName({ value: 1, segmentName: 'Segment 1' })).toBe('Segment 1 (SAT result)');
    expect(resultSegmentName({ value: 1, segmentName: 'Segment 1', tissue: { preset: 'liver' } })).toBe('Liver');
    expect(resultSegmentName({ value: 1, segmentName: 'Segment 1', tissue: { text: '  ' } })).toBe('Segment 1 (SAT result)');
    expect(displayName({ value: 1, segmentName: 'Segment 1', tissue: { text: 'Lesion A' } })).toBe('Lesion A');
  });

  it('names the download from tissue, series and date, sanitised', () => {
    expect(segFileName(['Liver'], { description: 'CT Body 3.0', date: '20221208' })).toBe('liver_ct-body-3.0_2022-12-08.seg.dcm');
    expect(segFileName(['Left kidney', 'Spleen'], { description: '../Ab/do\\men: Ø ünïcode*', date: '2022' })).toBe('left-kidney+spleen_ab-do-men-unicode.seg.dcm');
    expect(segFileName([], {})).toBe('tissue.seg.dcm');
  });
});
