/** A result colour that stands apart from the user's own segment colour (pure). */
export type Rgba = [number, number, number, number];

const PALETTE: Rgba[] = [
  [255, 215, 0, 255], // yellow
  [0, 220, 255, 255], // cyan
  [255, 0, 200, 255], // magenta
  [80, 255, 80, 255], // green
];

/** The first palette colour far from `user` (RGB distance), so the SAT result is never mistaken for the drawing. */
export function contrastingColor(user: ArrayLike<number> | undefined, minDistance = 150): Rgba {
  if (!user || user.length < 3) return [...PALETTE[0]] as Rgba;
  const d = (c: Rgba) => Math.hypot(c[0] - user[0], c[1] - user[1], c[2] - user[2]);
  const pick = PALETTE.find((c) => d(c) >= minDistance) ?? PALETTE.reduce((a, b) => (d(b) > d(a) ? b : a));
  return [...pick] as Rgba;
}
