import { Track, TrackBook, TrackSample, assignPieces, startTracks } from '../../../extension/src/engine/propagation/tracks';
import { holdTubes } from '../../../extension/src/engine/propagation/rules/held-tubes';
import { judgeSplit } from '../../../extension/src/engine/propagation/rules/branch-at-split';
import { DEFAULT_PARAMS } from '../../../extension/src/engine/propagation/rules/params';
import { TrackEnd } from '../../../extension/src/engine/propagation/rules/rule-types';
import { judgeTrack } from '../../../extension/src/engine/propagation/rules';
import { followPieces } from '../../../extension/src/engine/propagation/piece-motion';
import { countOnes } from '../../../extension/src/engine/imaging/morphology';
import { rng } from '../../support/phantom';

const rules = DEFAULT_PARAMS;
const judge = (t: Track, sliceMm: number, tissueContrast: number) => judgeTrack(t, { sliceMm, pixelMm: 1, tissueContrast, tissueSpread: 0, params: rules });

/** Feeds a course (one sample per slice, 3 mm apart) to a track; returns the first end and where. */
function follow(course: Partial<TrackSample>[], contrast = 100): { end?: TrackEnd; at?: number; track: Track } {
  const book = new TrackBook();
  const first = { k: 0, area: 100, thickness: 5, level: 100, texture: 40, ...course[0] };
  const track = book.start(first);
  for (let i = 1; i < course.length; i++) {
    track.history.push({ ...track.history[i - 1], k: i, ...course[i] });
    const end = judge(track, 3, contrast);
    if (end) return { end, at: i, track };
  }
  return { track };
}

describe('track rules: where a followed piece ends', () => {
  it('a tube (steady thickness for a stretch) that thickens has merged into a neighbour; it ends at its last tube-size slice', () => {
    const course = [...Array.from({ length: 10 }, () => ({ thickness: 6, area: 110 })), { thickness: 7, area: 140 }, { thickness: 10, area: 260 }, { thickness: 11, area: 320 }];
    const r = follow(course);
    expect(r.track.tubeThickness).toBeCloseTo(6);
    expect(r.end?.reason).toMatch(/tube that thickens/);
    expect(r.end?.keepThrough).toBe(10);
  });

  it('a tube may bend: its section lengthens but its thickness stays, and it goes on', () => {
    const course = [...Array.from({ length: 10 }, () => ({ thickness: 6, area: 110 })), ...[150, 220, 300, 380, 420].map((area) => ({ thickness: 6.3, area }))];
    expect(follow(course).end).toBeUndefined();
  });

  it('an organ that grows steadily from a small section is not stopped', () => {
    const course = Array.from({ length: 14 }, (_, i) => ({ area: Math.round(80 * 1.15 ** i), thickness: 4 * 1.07 ** i }));
    expect(follow(course).end).toBeUndefined();
  });

  it('a piece that narrows to under half its largest section and widens again has passed into the next structure', () => {
    const areas = [400, 380, 300, 200, 150, 140, 300];
    const r = follow(areas.map((area, i) => ({ area, thickness: 12 - i * 0.5 })));
    expect(r.end?.reason).toMatch(/widens again/);
    expect(r.end?.keepThrough).toBe(5);
    // bowel narrows and widens along its course by less than that
    expect(follow([400, 380, 300, 200, 150, 140, 230, 260].map((area) => ({ area, thickness: 10 }))).end).toBeUndefined();
    // a small piece (a rib) that widens back past its former largest section has entered the next structure (its cartilage)
    const rib = follow([19, 8, 11, 12, 14, 13, 10, 20, 24].map((area) => ({ area, thickness: 4 })));
    expect(rib.end?.reason).toMatch(/widens again/);
    expect(rib.end?.keepThrough).toBe(1);
  });

  it('a piece that stays small after shrinking is something leaving the tissue (a vessel leaving an organ)', () => {
    const areas = [1000, 800, 500, 150, ...Array.from({ length: 6 }, () => 120)];
    const r = follow(areas.map((area) => ({ area, thickness: 20 * Math.sqrt(area / 1000) })));
    expect(r.end?.reason).toMatch(/stays small/);
    expect(r.end?.keepThrough).toBe(3);
  });

  it('a piece that tapers after it became small and then keeps its section is a vessel leaving: it ends where it became small', () => {
    // a chamber narrowing into the vessel that leaves it (the heart into the aortic root)
    const areas = [1000, 800, 500, 190, 160, 130, 110, ...Array.from({ length: 5 }, () => 100)];
    const r = follow(areas.map((area) => ({ area, thickness: 20 * Math.sqrt(area / 1000) })));
    expect(r.end?.reason).toMatch(/stays small/);
    expect(r.end?.keepThrough).toBe(3);
    expect(r.at).toBe(10);
  });

  it('a tip that goes on tapering after it became small is still the tissue (the liver tip on thin slices)', () => {
    // 1 mm slices: below a fifth of the largest section for far longer than the tail length, but shrinking all along
    const areas = [1000, 600, 300, 190, ...Array.from({ length: 30 }, (_, i) => Math.round(190 * 0.93 ** (i + 1)))];
    const book = new TrackBook();
    const track = book.start({ k: 0, area: areas[0], thickness: 20, level: 100, texture: 40 });
    for (let i = 1; i < areas.length; i++) {
      track.history.push({ k: i, area: areas[i], thickness: 20 * Math.sqrt(areas[i] / 1000), level: 100, texture: 40 });
      const end = judge(track, 1, 100);
      expect(end?.reason ?? '').not.toMatch(/stays small/);
    }
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

  it('at a split a tube loses pieces much thinner than itself, and ends when only such pieces remain; a thin wall inside it is not a split', () => {
    const book = new TrackBook();
    const parent = book.start({ k: 0, area: 300, thickness: 10, level: 300, texture: 20 });
    parent.tubeThickness = 10;
    const thin = (t: number) => book.start({ k: 1, area: 60, thickness: t, level: 300, texture: 20 }, [parent.id]);
    const big = book.start({ k: 1, area: 250, thickness: 9.5, level: 300, texture: 20 }, [parent.id]);
    const branch = thin(3);
    expect(judgeSplit(parent, [big, branch], rules)).toEqual({ branches: [branch], ended: false });
    const a = thin(5);
    const b = thin(5);
    expect(judgeSplit(parent, [a, b], rules)).toEqual({ branches: [a, b], ended: true });
    // two lumens of a dissected aorta: together (gaps closed) they still fill the tube
    expect(judgeSplit(parent, [a, b], rules, 9)).toEqual({ branches: [], ended: false });
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
    expect(halves.splits.get(id)).toHaveLength(2);
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

  it('a tube keeps its width: a thicker gain beyond its reach is removed, a lengthening is kept', () => {
    const book = new TrackBook();
    const start = startTracks(book, box(10, 19, 8, 11), values, w, h, [1, 1], 0);
    const [id] = [...start.samples.keys()];
    book.get(id).tubeThickness = 2;
    const longer = box(10, 30, 8, 11);
    expect(holdTubes(book, longer, start.trackMap, w, h, [1, 1], 1, rules.tubeWidthSlack)).toBe(0);
    const thicker = new Uint8Array(w * h);
    for (let i = 0; i < thicker.length; i++) thicker[i] = box(10, 19, 8, 11)[i] | box(20, 34, 2, 17)[i];
    const removed = holdTubes(book, thicker, start.trackMap, w, h, [1, 1], 1, rules.tubeWidthSlack);
    expect(removed).toBeGreaterThan(100);
    expect(countOnes(thicker)).toBeLessThan(countOnes(box(10, 19, 8, 11)) + 80);
  });
});

describe('piece motion', () => {
  it('finds where a textured piece moved and leaves a homogeneous one in place', () => {
    const w = 60;
    const h = 40;
    const r = rng(9);
    const texture = Float32Array.from({ length: w * h }, () => r() * 100);
    const moved = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) moved[y * w + x] = texture[Math.max(0, y - 1) * w + Math.max(0, x - 2)];
    const tracks = new Uint16Array(w * h);
    for (let y = 15; y < 25; y++) for (let x = 20; x < 32; x++) tracks[y * w + x] = 7;
    const found = followPieces(tracks, texture, moved, w, h, [1, 1], 3);
    expect(found.shifts[0]).toMatchObject({ dx: 2, dy: 1 });
    expect(found.tracks[(15 + 1) * w + 20 + 2]).toBe(7);
    const flat = new Float32Array(w * h).fill(50);
    expect(followPieces(tracks, flat, flat, w, h, [1, 1], 3).shifts[0]).toMatchObject({ dx: 0, dy: 0 });
  });
});
