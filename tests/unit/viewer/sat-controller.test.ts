/**
 * The viewer's controller against a fake viewer (fake-host.ts): a run and its review, slices
 * written once, corrections from edit events, undo/redo, cancel and failure leaving the
 * previous state, discard, naming the tissue before export, and leaving the mode.
 */
import { readSeg } from '../../../extension/src/dicom-seg';
import { SatController } from '../../../extension/src/ohif/controller/sat-controller';
import { nextPhase, Phase } from '../../../extension/src/ohif/controller/run-state';
import { D, drawOn, FakeHost, LEN, square } from './fake-host';

const slice = (v: Uint8Array, k: number) => v.subarray(k * LEN, (k + 1) * LEN);
const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

function setup() {
  const host = new FakeHost();
  drawOn(host, 5);
  const ctl = new SatController(host);
  const phases: Phase[] = [];
  ctl.stateStore.subscribe((s) => {
    if (phases[phases.length - 1] !== s.phase) phases.push(s.phase);
  });
  return { host, ctl, phases };
}

describe('SatController: a run', () => {
  it('goes idle → preparing → running → review and writes the result into a new segmentation, never into the drawing', async () => {
    const { host, ctl, phases } = setup();
    const drawingBefore = host.drawing.slice();
    const pressed = host.now();
    await ctl.run();
    const waited = (host.now() - pressed) / 1000;
    expect(phases).toEqual(['preparing', 'running', 'review']);
    const result = host.results[0];
    expect(ctl.resultSegmentationId).toBe(result.segmentationId);
    for (let k = 0; k < D; k++) expect(slice(result.data, k).some((v) => v === 1)).toBe(k >= 3 && k <= 7);
    expect(host.drawing).toEqual(drawingBefore);
    expect(ctl.state.backend?.device).toBe('CPU (test)');
    // the time from the press to the result on the fake host's clock, not the engine's own 0.5 s
    const shown = Number(/^Done in (\d+\.\d) s\. Liver: 80 voxels on 5 slices\.$/.exec(ctl.state.notice!.text)![1]);
    expect(shown).toBeGreaterThan(0.5);
    expect(shown).toBeLessThan(waited);
  });

  it('names slices with the numbers the viewer shows (the stack is shown in reverse)', async () => {
    const { ctl } = setup();
    await ctl.run();
    expect(ctl.state.sliceNumbers[5]).toBe(5);
    expect(ctl.state.sliceNumbers[2]).toBe(8);
    expect(ctl.state.result?.references).toBe('reference slices: 5 (drawn)');
  });

  it('writes each slice once: streamed slices are not written again, the final pass writes only what changed', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    expect(host.results[0].writeCounts()).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('tells the viewer once, at the end, which slices the run changed (each viewer redraw is a long task)', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    expect(host.results[0].updates).toEqual([[3, 4, 5, 6, 7]]);
  });

  it('shows empty slices as empty, whatever the engine scored them; the strip carries the shared review', async () => {
    const { ctl } = setup();
    await ctl.run();
    const cells = ctl.state.result!.cells;
    // The fake series is uniform and the result stops at full size: past each end the tissue may well go on.
    expect(cells[2]).toEqual({ kind: 'empty', looked: true, doubtful: true, reason: 'past-the-end' });
    expect(cells[8]).toEqual({ kind: 'empty', looked: true, doubtful: true, reason: 'past-the-end' });
    expect(cells[0]).toEqual({ kind: 'empty', looked: false });
    expect(cells[5]).toEqual({ kind: 'reference', why: 'drawn' });
    // The engine scored the end masks 0.3; the review judges them by the drawing and their neighbours instead.
    expect(cells[3]).toEqual({ kind: 'mask', confidence: 1 });
    expect(cells[4]).toEqual({ kind: 'mask', confidence: 1 });
  });

  it('"next doubtful" walks through the slices the review doubts, in slice order, then starts over', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    expect(ctl.state.result!.doubtful).toEqual([2, 8]);
    const walk = [1, 2, 3].map(() => ctl.nextDoubtful());
    expect(walk).toEqual([2, 8, 2]);
    expect(host.shown).toBe(2);
  });

  it('after a run the drawing is active again and no brush is armed: a click cannot paint into the result', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    expect(host.active).toBe('drawing');
    expect(host.tool).toBe('view');
  });

  it('the result never looks like the drawing: its own colour, and its name says what it is until the tissue is named', async () => {
    const { host, ctl } = setup();
    host.segmentLabel = 'Segment 1';
    await ctl.run();
    const seg = host.results[0].segments.get(1)!;
    expect(seg.label).toBe('Segment 1 (SAT result)');
    expect(seg.color?.slice(0, 3)).not.toEqual([255, 0, 0]);
    expect(ctl.state.notice?.text).toMatch(/Segment 1: 80 voxels/);
    ctl.nameTissue(1, { preset: 'liver' });
    expect(host.results[0].segments.get(1)?.label).toBe('Liver');
    expect(ctl.state.notice?.text).toMatch(/^Done in \d+\.\d s\. Liver: 80 voxels on 5 slices\.$/);
  });

  it('a strip cell shows its slice, and the strip marks the slice on show', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    ctl.showSlice(7);
    expect(host.shown).toBe(7);
    expect(ctl.state.shownSlice).toBe(7);
  });
});

describe('SatController: corrections, undo and redo', () => {
  it('takes the slices the viewer reports as edited as further references, and keeps them exactly', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    const result = host.results[0];
    const corrected = square(1);
    corrected.fill(1, 0, 8); // the user adds a row on slice 6
    result.paint(6, corrected);
    await ctl.run();
    expect(host.results).toHaveLength(1); // the same result segmentation, replaced in place
    expect(host.workers[1].message!.referenceMask.data.subarray(6 * LEN, 7 * LEN)).toEqual(corrected);
    expect(Array.from(slice(result.data, 6))).toEqual(Array.from(corrected));
    expect(ctl.state.result!.references).toBe('reference slices: 4 (corrected), 5 (drawn)');
    expect(ctl.state.result!.cells[6]).toEqual({ kind: 'reference', why: 'corrected' });
  });

  it('a slice erased empty stops the tissue there', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    host.results[0].paint(6, new Uint8Array(LEN));
    await ctl.run();
    const data = host.results[0].data;
    expect([5, 6, 7].map((k) => slice(data, k).some((v) => v))).toEqual([true, false, false]);
  });

  it('a run is one undo step: undo brings back what the viewer showed before it, redo the run', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    const result = host.results[0];
    result.paint(6, new Uint8Array(LEN));
    const beforeSecond = result.data.slice();
    await ctl.run();
    const afterSecond = result.data.slice();
    expect(afterSecond).not.toEqual(beforeSecond);
    expect(host.undo).toHaveLength(2);
    host.undo[1].undo();
    expect(result.data).toEqual(beforeSecond);
    expect(ctl.state.phase).toBe('review');
    expect(ctl.state.result!.references).toBe('reference slices: 5 (drawn)');
    expect(ctl.state.notice?.text).toMatch(/undone/);
    host.undo[1].redo();
    expect(result.data).toEqual(afterSecond);
    expect(ctl.state.result!.references).toBe('reference slices: 4 (corrected), 5 (drawn)');
  });

  it('after undoing a run, the corrections made before it still count', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    host.results[0].paint(6, new Uint8Array(LEN));
    await ctl.run();
    host.undo[1].undo();
    await ctl.run();
    expect(ctl.state.result!.references).toBe('reference slices: 4 (corrected), 5 (drawn)');
  });

  it('undoing the first run empties the result and goes back to idle', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    host.undo[0].undo();
    expect(host.results[0].data.every((v) => v === 0)).toBe(true);
    expect(ctl.state.phase).toBe('idle');
    expect(ctl.state.result).toBeUndefined();
    host.undo[0].redo();
    expect(ctl.state.phase).toBe('review');
  });
});

describe('SatController: cancel, failure, discard', () => {
  it('Cancel during the first run removes the half-written result and gives the user their active segmentation back', async () => {
    const { host, ctl } = setup();
    host.script = { reach: 2, hold: true };
    const running = ctl.run();
    await ticks();
    expect(ctl.state.phase).toBe('running');
    expect(host.results[0].writes.length).toBeGreaterThan(0);
    ctl.cancel();
    await running;
    expect(host.segmentationExists(host.results[0].segmentationId)).toBe(false);
    expect(host.workers[0].terminated).toBe(true);
    expect(host.active).toBe('drawing');
    expect(ctl.state).toMatchObject({ phase: 'idle', notice: { text: 'Cancelled.', kind: 'info' } });
    expect(ctl.state.result).toBeUndefined();
    expect(ctl.state.exporting).toBeUndefined();
  });

  it('Cancel of a later run restores the previous result exactly and keeps it on show, with no stale export line', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    await ctl.download();
    const result = host.results[0];
    result.paint(6, new Uint8Array(LEN));
    const before = result.data.slice();
    const view = ctl.state.result;
    host.active = result.segmentationId; // the user made the result active to correct it
    host.script = { reach: 4, hold: true };
    const running = ctl.run();
    await ticks();
    expect(result.data).not.toEqual(before); // slices were streamed in
    ctl.cancel();
    await running;
    expect(result.data).toEqual(before);
    expect(host.active).toBe(result.segmentationId);
    expect(ctl.state).toMatchObject({ phase: 'review', notice: { text: 'Cancelled. The previous result is kept.' } });
    expect(ctl.state.result).toEqual(view);
    expect(ctl.state.exporting).toBeUndefined();
    expect(host.undo).toHaveLength(1);
  });

  it('a failed run says why, in the panel and as a notification, and leaves nothing behind', async () => {
    const { host, ctl } = setup();
    host.script = { reach: 2, fail: 'slice 8 of 10 has NaN voxels; the image is damaged.' };
    await ctl.run();
    expect(ctl.state).toMatchObject({ phase: 'idle', notice: { text: 'Slice 8 of 10 has NaN voxels; the image is damaged.', kind: 'error' } });
    expect(host.notices).toContainEqual({ message: 'Slice 8 of 10 has NaN voxels; the image is damaged.', kind: 'error' });
    expect(host.segmentationExists(host.results[0].segmentationId)).toBe(false);
  });

  it('a run with nothing drawn says what to do', async () => {
    const host = new FakeHost();
    const ctl = new SatController(host);
    await ctl.run();
    expect(ctl.state.notice).toEqual({ text: 'The segmentation "Segmentation 1" is empty: paint the tissue on at least one slice, then press Segment Any Tissue.', kind: 'error' });
  });

  it('the "is empty" message goes once the user paints', async () => {
    const host = new FakeHost();
    const ctl = new SatController(host);
    await ctl.run();
    expect(ctl.state.notice?.kind).toBe('error');
    drawOn(host, 5);
    host.edited('drawing', [5]);
    expect(ctl.state.notice).toBeUndefined();
  });

  it('Discard removes the result and leaves a clean panel with the drawing active', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    host.storeFails = 'the PACS refused or did not answer (HTTP 401 Unauthorized)';
    await ctl.store();
    expect(ctl.state.exporting?.state).toBe('failed');
    host.active = host.results[0].segmentationId;
    ctl.discard();
    expect(host.segmentationExists(host.results[0].segmentationId)).toBe(false);
    expect(host.active).toBe('drawing');
    expect(ctl.state.phase).toBe('idle');
    expect(ctl.state.result).toBeUndefined();
    expect(ctl.state.notice).toBeUndefined();
    expect(ctl.state.exporting).toBeUndefined();
  });

  it('leaving the mode stops the worker of a running run and resets the panel', async () => {
    const { host, ctl } = setup();
    host.script = { reach: 2, hold: true };
    const running = ctl.run();
    await ticks();
    ctl.dispose();
    await running;
    expect(host.workers[0].terminated).toBe(true);
    expect(ctl.state.phase).toBe('idle');
    expect(ctl.state.notice).toBeUndefined();
    expect(host.segmentationExists(host.results[0].segmentationId)).toBe(false);
  });
});

describe('SatController: naming the tissue and exporting', () => {
  it("suggests the preset the user's segment is named after, and the SEG carries it", async () => {
    const { host, ctl } = setup();
    await ctl.run();
    expect(ctl.state.result!.labels[0].tissue).toEqual({ preset: 'liver' });
    await ctl.download();
    expect(ctl.state.exporting?.state).toBe('downloaded');
    const seg = readSeg(host.downloads[0].bytes, host.source);
    expect(seg.segments.map((s) => [s.label, s.type?.value])).toEqual([['Liver', '10200004']]);
    expect(seg.segments[0].voxels).toBe(80);
    // Named from the tissue, the series description and its date; never the patient.
    expect(host.downloads[0].fileName).toBe('liver_ct-body-3.0_2022-12-08.seg.dcm');
  });

  it('refuses to export an unnamed tissue, then writes the name the user typed', async () => {
    const { host, ctl } = setup();
    host.segmentLabel = 'Segment 1';
    await ctl.run();
    await ctl.download();
    expect(ctl.state.exporting).toEqual({ state: 'failed', message: 'Name the tissue before exporting: pick it from the list or type a name.' });
    ctl.nameTissue(1, { text: 'Left lobe lesion\\2' });
    await ctl.download();
    expect(ctl.state.exporting?.message).toBe('A tissue name cannot contain a backslash (\\): DICOM uses it to separate values.');
    ctl.nameTissue(1, { text: 'Left lobe lesion' });
    expect(host.results[0].segments.get(1)?.label).toBe('Left lobe lesion');
    await ctl.download();
    const seg = readSeg(host.downloads[0].bytes, host.source);
    expect(seg.segments[0].label).toBe('Left lobe lesion');
  });

  it('stores through the viewer; a refusal is said, and Download still works', async () => {
    const { host, ctl } = setup();
    await ctl.run();
    await ctl.store();
    expect(host.stored).toHaveLength(1);
    expect(ctl.state.exporting?.state).toBe('stored');
    host.storeFails = 'the PACS refused or did not answer (HTTP 401 Unauthorized)';
    await ctl.store();
    expect(ctl.state.exporting?.message).toBe('Storing failed: the PACS refused or did not answer (HTTP 401 Unauthorized). Use Download to keep the file.');
    await ctl.download();
    expect(host.downloads).toHaveLength(1);
  });
});

describe('run phases', () => {
  it('refuses changes of phase that make no sense', () => {
    expect(() => nextPhase('idle', 'running')).toThrow('no way from idle to running');
    expect(nextPhase('running', 'review')).toBe('review');
  });
});
