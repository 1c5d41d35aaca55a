import { checkSliceList, parseSliceList } from '../../../cli/slice-list';

describe('--annotated-slices', () => {
  it('reads indices and inclusive ranges, sorted and without repeats', () => {
    expect(parseSliceList('12,40-42, 3 ,41', '--annotated-slices')).toEqual([3, 12, 40, 41, 42]);
    expect(parseSliceList('0', '--annotated-slices')).toEqual([0]);
  });

  it('refuses what is not a slice list, and slices outside the series, saying how to write it', () => {
    expect(() => parseSliceList('12;13', '--annotated-slices')).toThrow(/12,40-42/);
    expect(() => parseSliceList('-1', '--annotated-slices')).toThrow(/not a slice index/);
    expect(() => parseSliceList('9-4', '--annotated-slices')).toThrow(/4-9/);
    expect(() => checkSliceList([2, 30], 30, '--annotated-slices')).toThrow(/slice 30 is outside the series \(slices 0-29\)/);
  });
});
