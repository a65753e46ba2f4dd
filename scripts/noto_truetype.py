#!/usr/bin/env python3
"""Makes a TrueType (glyf) copy of Noto Sans/Serif CJK SC holding only the characters a text uses.

Usage: noto_truetype.py FONT.ttc FACE_NAME TEXT_FILE OUT.ttf NEW_FAMILY

Why: Chromium's PDF backend (Skia) embeds TrueType fonts as subset CID fonts but prints CFF-outline
OpenType fonts, which is what Debian's fonts-noto-cjk ships, as Type 3 glyph procedures: a 33-page
document comes out at 1.5 MB. Converting the outlines to quadratic curves gives Skia a font it
embeds normally, the way an office's Windows fonts (SimSun, Microsoft YaHei: TrueType) are
embedded. Subsetting to the text's characters first keeps the conversion to seconds.

Needs fontTools (Debian: python3-fonttools).
"""

import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

# Always kept: ASCII, CJK punctuation, full-width forms, quotes and the comparison signs the sample uses.
EXTRA = "".join(chr(c) for c in range(0x20, 0x7F)) + "　、。，：；（）“”‘’—…《》≥≤＝％·"


def pick_face(path, name):
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(4) == name:
            return font
    sys.exit(f"{path}: no face named {name!r}")


def to_truetype(font, max_err=1.0):
    """Replaces the CFF table with glyf/loca (cubic → quadratic curves)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["maxp"].tableVersion = 0x00010000
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):
        setattr(font["maxp"], attr, 0)
    font["maxp"].maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font, family):
    """A family name of its own, so fontconfig cannot confuse the copy with the CFF original."""
    style = font["name"].getDebugName(2) or "Regular"
    full = family if style == "Regular" else f"{family} {style}"
    for rec in font["name"].names:
        if rec.nameID in (1, 16):
            rec.string = family
        elif rec.nameID == 4:
            rec.string = full
        elif rec.nameID == 6:
            rec.string = full.replace(" ", "")


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    ttc, face, text_file, out, family = sys.argv[1:]
    with open(text_file, encoding="utf-8") as f:
        text = f.read()
    font = pick_face(ttc, face)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(set(text + EXTRA))))
    sub.subset(font)
    to_truetype(font)
    rename(font, family)
    font.save(out)


if __name__ == "__main__":
    main()
