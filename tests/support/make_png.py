"""Test tooling: writes PNG files with an encoder of its own (zlib + struct), so the
project's PNG reader (fast-png) is checked against an independent writer: Adam7 interlacing
(Pillow cannot write it), every bit depth, palettes and tRNS transparency. Prints, as JSON,
the samples that were encoded (before any scaling), for the test to compare.

Usage: /usr/bin/python3 make_png.py OUT.png KIND
KIND: grey8 grey16 grey1 rgb8 rgba8 la8 palette-trns (4-bit) palette8-trns grey8-trns, each plain or with "-adam7".
"""
import json
import struct
import sys
import zlib

import numpy as np

PASSES = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples.astype(np.uint8))
    if depth == 16:
        return samples.astype(">u2").tobytes()
    out, acc, bits = bytearray(), 0, 0
    for v in samples:
        acc = (acc << depth) | int(v)
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def scanlines(img, depth, bpp):
    """Rows of a (sub)image, alternating filter types None and Sub."""
    raw = bytearray()
    for y, row in enumerate(img):
        line = pack_row(row.reshape(-1), depth)
        if y % 2:
            sub = bytes((line[i] - (line[i - bpp] if i >= bpp else 0)) & 0xFF for i in range(len(line)))
            raw += b"\x01" + sub
        else:
            raw += b"\x00" + line
    return raw


def write_png(path, img, depth, colour_type, adam7, palette=None, trns=None):
    h, w, c = img.shape
    bpp = max(1, (c * depth) // 8)
    if adam7:
        raw = bytearray()
        for x0, y0, dx, dy in PASSES:
            sub = img[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += scanlines(sub, depth, bpp)
    else:
        raw = scanlines(img, depth, bpp)
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour_type, 0, 0, 1 if adam7 else 0))
    if palette is not None:
        body += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8)[:, :3].reshape(-1)))
    if trns is not None:
        body += chunk(b"tRNS", trns)
    body += chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + body)


def main(out, kind):
    adam7 = kind.endswith("-adam7")
    base = kind[: -len("-adam7")] if adam7 else kind
    h, w = 23, 37  # not multiples of 8: every Adam7 pass has ragged edges
    y, x = np.mgrid[0:h, 0:w]
    info = {"width": w, "height": h}
    palette = trns = None
    if base == "grey8":
        img, depth, ct = ((x * 7 + y * 11) % 256)[..., None], 8, 0
    elif base == "grey8-trns":
        img, depth, ct = ((x * 7 + y * 11) % 256)[..., None], 8, 0
        trns = struct.pack(">H", 77)
        info["transparentValue"] = 77
    elif base == "grey16":
        img, depth, ct = ((x * 1777 + y * 911) % 65536)[..., None], 16, 0
    elif base == "grey1":
        img, depth, ct = (((x // 3 + y // 2) % 2))[..., None], 1, 0
    elif base == "rgb8":
        img, depth, ct = np.dstack([(x * 7) % 256, (y * 11) % 256, (x * y) % 256]), 8, 2
    elif base == "rgba8":
        # white paint (alpha 255) on a transparent layer whose hidden colour is noise
        inside = ((x - 18) ** 2 + (y - 11) ** 2 < 60).astype(np.int64)
        img, depth, ct = np.dstack([np.where(inside, 255, (x * 13) % 256), np.where(inside, 255, (y * 5) % 256), np.where(inside, 255, 90), inside * 255]), 8, 6
    elif base == "la8":
        img, depth, ct = np.dstack([(x * 7) % 256, np.where(x > 20, 255, 0)]), 8, 4
    elif base in ("palette-trns", "palette8-trns"):
        palette = [[i * 10 % 256, 255 - i * 10 % 256, i * 3 % 256] for i in range(16)]
        alpha = [0 if i == 5 else 255 for i in range(16)]
        img, depth, ct = ((x + y) % 16)[..., None], 4 if base == "palette-trns" else 8, 3
        trns = bytes(alpha)
        info["palette"] = palette
        info["paletteAlpha"] = alpha
    else:
        raise SystemExit(f"unknown kind {kind}")
    write_png(out, img, depth, ct, adam7, palette, trns)
    info.update({"depth": depth, "channels": img.shape[2], "samples": img.reshape(-1).astype(int).tolist()})
    print(json.dumps(info))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
