import { Track, TrackBook, TrackSample, assignPieces, startTracks } from '../../../extension/src/engine/propagation/tracks';
import { DEFAULT_PARAMS } from '../../../extension/src/engine/propagation/rules/params';
import { TrackEnd } from '../../../extension/src/engine/propagation/rules/rule-types';
import { judgeTrack } from '../../../extension/src/engine/propagation/rules';
import { countOnes } from '../../../extension/src/engine/imaging/morphology';
import { rng } from '../../support/phantom';

const rules = DEFAULT_PARAMS;
const judge = (t: Track, tissueContrast: number) => judgeTrack(t, { pixelMm: 1, tissueContrast, params: rules });

/** Feeds a course (one sample per slice, 3 mm apart) to a track; returns the first end and where. */
function follow(course: Partial<TrackSample>[], contrast = 100): { end?: TrackEnd; at?: number; track: Track } {
  const book = new TrackBook();
  const first = { k: 0, area: 100, thickness: 5, level: 100, texture: 40, ...course[0] };
  const track = book.start(first);
  for (let i = 1; i < course.length; i++) {
    track.history.push({ ...track.history[i - 1], k: i, ...course[i] });
    const end = judge(track, contrast);
    if (end) return { end, at: i, track };
  }
  return { track };
}

describe('track rules: where a followed piece ends', () => {
  it('a piece that within a slice or two becomes several times thicker has run into a thicker neighbour; it ends where it was still its own thickness', () => {
    const course = [...Array.from({ length: 8 }, () => ({ thickness: 3, area: 40 })), { thickness: 9, area: 300 }, { thickness: 10, area: 340 }];
    const r = follow(course);
    expect(r.end?.reason).toMatch(/suddenly much thicker/);
    expect(r.end?.keepThrough).toBe(7);
    // the same gain spread over many slices is growth, not a neighbour
    expect(follow(Array.from({ length: 16 }, (_, i) => ({ thickness: 3 + 0.45 * i, area: 40 + 20 * i }))).end).toBeUndefined();
  });

  it('a piece may bend: its section lengthens but its thickness stays, and it goes on', () => {
    const course = [...Array.from({ length: 10 }, () => ({ thickness: 6, area: 110 })), ...[150, 220, 300, 380, 420].map((area) => ({ thickness: 6.3, area }))];
    expect(follow(course).end).toBeUndefined();
  });

  it('an organ that grows steadily from a small section is not stopped', () => {
    const course = Array.from({ length: 14 }, (_, i) => ({ area: Math.round(80 * 1.15 ** i), thickness: 4 * 1.07 ** i }));
    expect(follow(course).end).toBeUndefined();
  });

  it('a darker, smoother band with bright slices either side is a separator (a disc): the piece ends before it', () => {
    const levels = [150, 150, 150, 200, 110, 150, 160, 150];
    const textures = [50, 50, 50, 55, 25, 50, 50, 50];
    const r = follow(levels.map((level, i) => ({ level, texture: textures[i], area: 600, thickness: 14 })));
    expect(r.end?.reason).toMatch(/separating band/);
    expect(r.end?.keepThrough).toBe(3);
    // the same dip in a rough (not smoother) band is not a disc, and a dip that is small against
    // the tissue's contrast with its surroundings (lung: -850 HU against soft tissue) is noise
    expect(follow(levels.map((level) => ({ level, texture: 50, area: 600, thickness: 14 }))).end).toBeUndefined();
    expect(follow(levels.map((level, i) => ({ level: level - 1000, texture: textures[i], area: 600, thickness: 14 })), 900).end).toBeUndefined();
  });

  it('a piece that shrinks to almost nothing has vanished', () => {
    const r = follow([{ area: 500 }, { area: 300 }, { area: 5 }]);
    expect(r.end?.reason).toBe('vanished');
    expect(r.end?.keepThrough).toBe(1);
  });
});

describe('tracks: pieces of one slice continued on the next', () => {
  const w = 40;
  const h = 20;
  const box = (x0: number, x1: number, y0 = 5, y1 = 14) => {
    const m = new Uint8Array(w * h);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) m[y * w + x] = 1;
    return m;
  };
  const values = new Float32Array(w * h).fill(100);

  it('a piece that continues one piece keeps its track; a split gives each piece a child; a fragment breaking off does not end the course', () => {
    const book = new TrackBook();
    const start = startTracks(book, box(5, 30), values, w, h, [1, 1], 0);
    const [id] = [...start.samples.keys()];
    const same = assignPieces(book, box(6, 31), values, start.trackMap, w, h, [1, 1], 1);
    expect([...same.samples.keys()]).toEqual([id]);
    const split = box(5, 15);
    split.set(box(20, 30).subarray(0), 0);
    for (let i = 0; i < split.length; i++) split[i] = box(5, 15)[i] | box(20, 30)[i];
    const halves = assignPieces(book, split, values, same.trackMap, w, h, [1, 1], 2);
    expect([...halves.samples.keys()].map((t) => book.get(t).parents)).toEqual([[id], [id]]);
    expect(halves.samples.has(id)).toBe(false);
    const frag = new Uint8Array(w * h);
    for (let i = 0; i < frag.length; i++) frag[i] = box(5, 28)[i] | box(31, 32, 5, 6)[i];
    const kept = assignPieces(book, frag, values, same.trackMap, w, h, [1, 1], 2);
    expect(kept.samples.has(id)).toBe(true);
    expect(book.get(id).history.map((s) => s.k)).toEqual([0, 1, 2]);
  });

  it('pieces that join continue as one merged track, and a piece touching no previous track is dropped', () => {
    const book = new TrackBook();
    const two = new Uint8Array(w * h);
    for (let i = 0; i < two.length; i++) two[i] = box(2, 10)[i] | box(20, 28)[i];
    const start = startTracks(book, two, values, w, h, [1, 1], 0);
    const next = new Uint8Array(w * h);
    for (let i = 0; i < next.length; i++) next[i] = box(2, 28)[i] | box(35, 38)[i];
    const joined = assignPieces(book, next, values, start.trackMap, w, h, [1, 1], 1);
    expect(joined.samples.size).toBe(1);
    const [merged] = [...joined.samples.keys()];
    expect(book.get(merged).parents.sort()).toEqual([...start.samples.keys()].sort());
    expect(next[17 * 0 + 5 * w + 36]).toBe(0);
  });

  it('a piece that is nearly all one track goes on with that track when a small fragment joins it', () => {
    const book = new TrackBook();
    const two = new Uint8Array(w * h);
    for (let i = 0; i < two.length; i++) two[i] = box(2, 25)[i] | box(28, 29, 8, 9)[i];
    const start = startTracks(book, two, values, w, h, [1, 1], 0);
    const big = start.trackMap[10 * w + 10];
    const joined = assignPieces(book, box(2, 29), values, start.trackMap, w, h, [1, 1], 1);
    expect([...joined.samples.keys()]).toEqual([big]);
    expect(book.get(big).history.map((s) => s.k)).toEqual([0, 1]);
  });
});
