import { ShownTimeLeft } from '../../../extension/src/ohif/controller/shown-time-left';

describe('the time left the panel shows', () => {
  it('passes falling estimates through and shows nothing before the first one', () => {
    const s = new ShownTimeLeft();
    expect(s.show(undefined, 0)).toBeUndefined();
    expect(s.show(20, 0)).toBe(20);
    expect(s.show(15, 1000)).toBe(15);
  });

  it('never rises by more than a third over the last figure shown', () => {
    const s = new ShownTimeLeft();
    const shown = [19, 37, 19, 12, 8, 4, 1, 5, 2, 0.5].map((raw, i) => s.show(raw, i * 1000)!);
    for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeLessThanOrEqual(shown[i - 1] * (4 / 3) + 1e-9);
    expect(shown[1]).toBeLessThan(25); // 37 s raw, capped
    expect(shown[shown.length - 1]).toBe(0.5);
  });

  it('catches up with a longer run over a few updates', () => {
    const s = new ShownTimeLeft();
    s.show(10, 0);
    let v = 0;
    for (let i = 1; i <= 6; i++) v = s.show(30, i * 100)!;
    expect(v).toBe(30);
  });
});
