/**
 * Reopening a study: which stored SEG is ours and the latest (pure), and the controller's
 * watcher showing it once per series, never over a segmentation the user already has.
 */
import { SAT_ALGORITHM, SAT_MANUFACTURER } from '../../../extension/src/dicom-seg';
import { SatController } from '../../../extension/src/ohif/controller/sat-controller';
import { isOwnSeg, latestOwnSeg } from '../../../extension/src/ohif/controller/stored-segs';
import type { StoredSegInfo } from '../../../extension/src/ohif/controller/viewer-host';
import { FakeHost } from './fake-host';

const ours = (id: string, more: Partial<StoredSegInfo> = {}): StoredSegInfo => ({
  id,
  manufacturer: SAT_MANUFACTURER,
  manufacturerModelName: SAT_ALGORITHM.name,
  seriesDescription: 'Segment Any Tissue: Liver',
  seriesDate: '20240301',
  seriesTime: '101500',
  contentDate: '20240301',
  contentTime: '101500',
  instanceNumber: 1,
  seriesNumber: 300,
  algorithmNames: [SAT_ALGORITHM.name],
  ...more,
});
const theirs = (id: string, more: Partial<StoredSegInfo> = {}): StoredSegInfo => ({
  id,
  manufacturer: 'Other Vendor',
  manufacturerModelName: 'Their Tool',
  seriesDate: '20991231',
  seriesTime: '235959',
  algorithmNames: ['Their Tool'],
  ...more,
});

describe('stored SEGs: which is ours', () => {
  it('knows ours by the writer (Manufacturer and model) or by a segment of our algorithm', () => {
    expect(isOwnSeg(ours('a'))).toBe(true);
    expect(isOwnSeg(ours('a', { algorithmNames: [] }))).toBe(true); // manual segments only: still our writer
    expect(isOwnSeg(theirs('b', { algorithmNames: ['Their Tool', SAT_ALGORITHM.name] }))).toBe(true);
    expect(isOwnSeg(ours('a', { manufacturer: ' Segment Any Tissue project ' }))).toBe(true); // DICOM pads with spaces
  });
  it('does not take a SEG of another tool, even with our name in its description, or a half match of the writer', () => {
    expect(isOwnSeg(theirs('b', { seriesDescription: 'Segment Any Tissue: Liver' }))).toBe(false);
    expect(isOwnSeg(theirs('b', { manufacturer: SAT_MANUFACTURER }))).toBe(false);
    expect(isOwnSeg(theirs('b', { manufacturerModelName: SAT_ALGORITHM.name }))).toBe(false);
    expect(isOwnSeg({ id: 'c', algorithmNames: [] })).toBe(false);
  });
});

describe('stored SEGs: the latest of ours', () => {
  it('is none without a SEG of ours, whatever else the study holds', () => {
    expect(latestOwnSeg([])).toBeUndefined();
    expect(latestOwnSeg([theirs('b'), theirs('c')])).toBeUndefined();
  });
  it('ignores a newer SEG of another tool', () => {
    expect(latestOwnSeg([theirs('new'), ours('old')])?.id).toBe('old');
  });
  it('orders by SeriesDate, then SeriesTime, whatever the list order', () => {
    const a = ours('a', { seriesDate: '20240301', seriesTime: '235959' });
    const b = ours('b', { seriesDate: '20240302', seriesTime: '000001' });
    const c = ours('c', { seriesDate: '20240302', seriesTime: '000000' });
    expect(latestOwnSeg([a, b, c])?.id).toBe('b');
    expect(latestOwnSeg([b, c, a])?.id).toBe('b');
    expect(latestOwnSeg([c, a])?.id).toBe('c');
  });
  it('reads times of any DICOM precision and the retired forms (HH:MM:SS, YYYY.MM.DD)', () => {
    expect(latestOwnSeg([ours('hhmm', { seriesTime: '1016' }), ours('secs', { seriesTime: '101559.5' })])?.id).toBe('hhmm');
    expect(latestOwnSeg([ours('frac', { seriesTime: '101500.000001' }), ours('whole', { seriesTime: '101500' })])?.id).toBe('frac');
    expect(latestOwnSeg([ours('colons', { seriesTime: '10:16:00' }), ours('plain', { seriesTime: '101559' })])?.id).toBe('colons');
    expect(latestOwnSeg([ours('dots', { seriesDate: '2024.03.02' }), ours('plain', { seriesDate: '20240301' })])?.id).toBe('dots');
  });
  it('puts a SEG with no date before any dated one, and a date without a time before that day\'s times', () => {
    expect(latestOwnSeg([ours('dated'), ours('undated', { seriesDate: undefined, seriesTime: undefined })])?.id).toBe('dated');
    expect(latestOwnSeg([ours('timed', { seriesTime: '000000' }), ours('untimed', { seriesTime: undefined })])?.id).toBe('timed');
    expect(latestOwnSeg([ours('junk', { seriesDate: 'yesterday' }), ours('dated', { seriesDate: '19990101' })])?.id).toBe('dated');
  });
  it('breaks a tie of series moments by ContentDate/ContentTime, then InstanceNumber, then SeriesNumber', () => {
    expect(latestOwnSeg([ours('later-content', { contentTime: '101501' }), ours('a')])?.id).toBe('later-content');
    expect(latestOwnSeg([ours('b', { instanceNumber: 2 }), ours('a')])?.id).toBe('b');
    expect(latestOwnSeg([ours('s301', { seriesNumber: 301 }), ours('a')])?.id).toBe('s301');
    expect(latestOwnSeg([ours('a', { seriesTime: '101501' }), ours('b', { contentTime: '235959', instanceNumber: 9 })])?.id).toBe('a');
  });
  it('takes the later in the list on a full tie (two stores within one second)', () => {
    expect(latestOwnSeg([ours('first'), ours('second')])?.id).toBe('second');
  });
});

describe('stored SEGs: shown when the study is reopened', () => {
  const flush = () => new Promise((r) => setTimeout(r, 0));
  function entered() {
    const host = new FakeHost();
    const ctl = new SatController(host);
    ctl.prepare();
    return { host, ctl };
  }

  it('shows the latest SEG of ours for the series on show, once, without asking', async () => {
    const { host } = entered();
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('old', { seriesDate: '20240101' }), theirs('other'), ours('new')] });
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('old', { seriesDate: '20240101' }), ours('new')] });
    await flush();
    expect(host.storedSegsShown).toEqual([{ seriesKey: 'ct', segId: 'new' }]);
    expect(host.notices).toEqual([]);
  });
  it('waits for the study\'s SEGs to arrive, then shows ours', async () => {
    const { host } = entered();
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [] });
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [theirs('other')] });
    expect(host.storedSegsShown).toEqual([]);
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [theirs('other'), ours('mine')] });
    expect(host.storedSegsShown).toEqual([{ seriesKey: 'ct', segId: 'mine' }]);
  });
  it('waits until every SEG series of the study is in, so that an older one of ours arriving first does not win', () => {
    const { host } = entered();
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: false, storedSegs: [ours('old', { seriesDate: '20240101' })] });
    expect(host.storedSegsShown).toEqual([]);
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('old', { seriesDate: '20240101' }), ours('new')] });
    expect(host.storedSegsShown).toEqual([{ seriesKey: 'ct', segId: 'new' }]);
  });
  it('never loads over a segmentation the user already has on the series, even when our SEG arrives later', () => {
    const { host } = entered();
    host.shownSeries({ key: 'ct', hasSegmentation: true, segsComplete: true, storedSegs: [ours('mine')] });
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('mine')] });
    expect(host.storedSegsShown).toEqual([]);
  });
  it('treats each series on its own', () => {
    const { host } = entered();
    host.shownSeries({ key: 'ct', hasSegmentation: true, segsComplete: true, storedSegs: [ours('a')] });
    host.shownSeries({ key: 'mr', hasSegmentation: false, segsComplete: true, storedSegs: [ours('b')] });
    expect(host.storedSegsShown).toEqual([{ seriesKey: 'mr', segId: 'b' }]);
  });
  it('says so when the SEG cannot be shown, and does not try again and again', async () => {
    const { host } = entered();
    host.showStoredSegFails = 'referencedDisplaySet is missing for SEG';
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('mine')] });
    await flush();
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('mine')] });
    await flush();
    expect(host.storedSegsShown.length).toBe(1);
    expect(host.notices).toEqual([{ message: 'The stored segmentation "Segment Any Tissue: Liver" could not be shown: referencedDisplaySet is missing for SEG.', kind: 'warning' }]);
  });
  it('stops watching when the mode is left, and starts afresh on the next entry', () => {
    const { host, ctl } = entered();
    expect(host.seriesWatcherCount).toBe(1);
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('mine')] });
    ctl.dispose();
    expect(host.seriesWatcherCount).toBe(0);
    ctl.prepare();
    ctl.prepare(); // entering twice keeps one watcher
    expect(host.seriesWatcherCount).toBe(1);
    host.shownSeries({ key: 'ct', hasSegmentation: false, segsComplete: true, storedSegs: [ours('mine')] });
    expect(host.storedSegsShown.length).toBe(2);
  });
});
