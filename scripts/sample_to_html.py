#!/usr/bin/env python3
"""Turns an extracted disclosure text (like samples/000_*.txt) into HTML that prints like an office's PDF.

Usage: sample_to_html.py SAMPLE.txt OUT.html --flavor chromium|libreoffice

Tables come from the tab-separated lines (a run of them, blank lines allowed between, is one table);
in a table's header rows (those before its first row holding an amount) a cell followed by empty
cells spans them when the next header row has text under them, and a cell with nothing under it spans
down. The table of contents (`title.....<TAB>page`) becomes an unruled two-column table. Headings
and paragraphs come from the rest. Amounts that the text extraction split with spaces (`4,33 5.95`)
are written whole: a PDF never prints a space inside a number, it wraps it.

The two flavours differ only where the renderers do: Chromium reads the CSS (A4, page-margin boxes
for the running header and the page number, fixed column widths, thead repeated on every page);
LibreOffice's HTML import reads absolute `<col width>`, `border`/`cellpadding` attributes and its own
`<div title="header|footer">` page areas with a page-number field, and gets zero-width spaces inside
amounts so that it breaks them in narrow cells as Chromium (and Word) do. Standard library only.
"""

import argparse
import html
import re
import sys

AMOUNT = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
SPLIT_NUMBER = re.compile(r"^[\d,.\s]+$")
PART = re.compile(r"^第[一二三四五六七八九十]+部分")
TABLE_MARKER = re.compile(r"^表\s*\d+(-\d+)?[.．、]")
TABLE_NO = re.compile(r"^表\s*\d+(-\d+)?$")
SECTION = re.compile(r"^[一二三四五六七八九十]+、")
TEXT_WIDTH_PX = 657
ZWSP = "\u200b"


def repair_cell(cell):
    """Rejoins an amount that extraction split with spaces (`4,33 5.95`, `0. 0 0`)."""
    c = cell.strip()
    if c and any(ch.isdigit() for ch in c) and SPLIT_NUMBER.match(c):
        return re.sub(r"\s+", "", c)
    return c


def blocks(lines):
    """Yields ('table', rows) for runs of tab lines, ('line', text) for the rest."""
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            rows = []
            while i < len(lines):
                if "\t" in lines[i]:
                    rows.append([repair_cell(c) for c in lines[i].split("\t")])
                    i += 1
                    continue
                # Blank lines inside a table (page breaks in the extraction) do not end it.
                j = i
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines) and j > i and "\t" in lines[j]:
                    i = j
                    continue
                break
            yield ("table", rows)
        else:
            yield ("line", lines[i].strip())
            i += 1


def is_toc(rows):
    return all(len(r) == 2 and r[1].isdigit() for r in rows)


def header_count(rows):
    for n, r in enumerate(rows):
        if any(AMOUNT.match(c) for c in r if c):
            return n
    return len(rows)


def spans(rows, nhead):
    """(rowspan, colspan) per anchor cell of the header rows; None for covered cells."""
    ncols = len(rows[0])
    span = [[(1, 1) for _ in range(ncols)] for _ in rows]
    for r in range(nhead):
        below = rows[r + 1] if r + 1 < nhead else None
        c = 0
        while c < ncols:
            if span[r][c] is None or not rows[r][c]:
                c += 1
                continue
            k = c + 1
            while k < ncols and not rows[r][k] and span[r][k] is not None:
                k += 1
            if k > c + 1 and below and any(below[x] for x in range(c, k)):
                span[r][c] = (1, k - c)
                for x in range(c + 1, k):
                    span[r][x] = None
                c = k
            else:
                c += 1
    for r in range(nhead):
        for c in range(ncols):
            if span[r][c] is None or not rows[r][c]:
                continue
            rs, cs = span[r][c]
            down = r + 1
            while down < nhead and all(
                not rows[down][x] and span[down][x] is not None for x in range(c, c + cs)
            ):
                down += 1
            if down > r + 1:
                span[r][c] = (down - r, cs)
                for y in range(r + 1, down):
                    for x in range(c, c + cs):
                        span[y][x] = None
    return span


def column_weights(rows, nhead):
    """Narrow numeric columns, text columns by their longest word, so wide tables wrap amounts."""
    ncols = len(rows[0])
    body = rows[nhead:] or rows
    weights = []
    for c in range(ncols):
        cells = [r[c] for r in body if r[c]]
        numeric = cells and sum(bool(AMOUNT.match(x)) for x in cells) * 2 >= len(cells)
        if numeric:
            weights.append(1.0)
        else:
            longest = max((len(x) for x in cells), default=2)
            weights.append(min(max(longest / 4.0, 1.4), 4.5))
    return weights


def table_html(rows, flavor):
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    esc = html.escape
    if is_toc(rows):
        attrs = ' width="100%" border="0" cellpadding="1"' if flavor == "libreoffice" else ""
        out = [f'<table class="toc"{attrs}>']
        for name, page in rows:
            out.append(f'<tr><td>{esc(name)}</td><td class="num">{esc(page)}</td></tr>')
        out.append("</table>")
        return "\n".join(out)
    nhead = header_count(rows)
    span = spans(rows, nhead)
    weights = column_weights(rows, nhead)
    total = sum(weights)
    numeric = [w == 1.0 for w in weights]
    attrs = (
        ' width="100%" border="1" cellspacing="0" cellpadding="2"' if flavor == "libreoffice" else ""
    )
    out = [f'<table class="grid"{attrs}>', "<colgroup>"]
    for w in weights:
        if flavor == "libreoffice":
            # Writer's HTML import sizes columns from absolute widths only (pixels at 96 dpi of a
            # 17.4 cm text width); percentages are taken as hints and lose to the content.
            out.append(f'<col width="{w * TEXT_WIDTH_PX / total:.0f}">')
        else:
            out.append(f'<col width="{w * 100 / total:.1f}%">')
    out.append("</colgroup>")

    def row_html(r):
        cells = []
        for c in range(ncols):
            if span[r][c] is None:
                continue
            rs, cs = span[r][c]
            a = ""
            if rs > 1:
                a += f' rowspan="{rs}"'
            if cs > 1:
                a += f' colspan="{cs}"'
            text = rows[r][c]
            cls = ' class="num"' if numeric[c] and AMOUNT.match(text or "0") and r >= nhead else ""
            shown = esc(text)
            if flavor == "libreoffice" and cls:
                a += ' align="right"'
                # Writer widens a column to its longest word instead of breaking it, as Word and
                # WPS do in a narrow cell; zero-width spaces let it break an amount anywhere
                # (they print nothing and leave no glyph in the PDF).
                shown = ZWSP.join(shown)
            cells.append(f"<td{a}{cls}>{shown}</td>")
        return "<tr>" + "".join(cells) + "</tr>"

    # A heading of one or two rows above amounts repeats on every page; the forms (表11, 表12) have
    # no heading as such, only label cells.
    if 0 < nhead <= 2 < len(rows):
        out += ["<thead>"] + [row_html(r) for r in range(nhead)] + ["</thead>", "<tbody>"]
        out += [row_html(r) for r in range(nhead, len(rows))]
    else:
        out += ["<tbody>"] + [row_html(r) for r in range(len(rows))]
    out.append("</tbody></table>")
    return "\n".join(out)


def line_html(text, first):
    esc = html.escape(text)
    if first:
        return f'<h1>{esc}</h1>'
    if text.replace(" ", "") == "目录":
        return f'<h2 class="toc">{esc}</h2>'
    if PART.match(text):
        return f'<h2 class="part">{esc}</h2>'
    if TABLE_MARKER.match(text):
        return f'<h3 class="marker">{esc}</h3>'
    if TABLE_NO.match(text):
        return f'<p class="tabno">{esc}</p>'
    if text.startswith("单位：") or text.startswith("单位:"):
        return f'<p class="unit">{esc}</p>'
    if SECTION.match(text) and len(text) <= 30:
        return f'<p class="section">{esc}</p>'
    return f"<p>{esc}</p>"


CSS_CHROMIUM = """
@page { size: A4; margin: 22mm 18mm 22mm 18mm;
  @top-center { content: "@@HEADER@@"; font: 8pt "Noto Sans CJK SC"; }
  @bottom-center { content: "- " counter(page) " -"; font: 9pt "Noto Sans CJK SC"; } }
body { font-family: "Noto Sans CJK SC"; font-size: 10.5pt; line-height: 1.6; text-align: justify; }
h1 { font-size: 18pt; text-align: center; margin: 120pt 0 80pt 0; }
h2 { font-size: 14pt; text-align: center; }
h2.part { break-before: page; }
h3.marker { font-size: 11pt; margin: 18pt 0 4pt 0; }
p { margin: 0 0 6pt 0; text-indent: 2em; }
p.tabno, p.unit, p.section { text-indent: 0; }
p.tabno { font-weight: bold; }
p.unit { text-align: right; }
p.section { font-weight: bold; }
table.toc { width: 100%; border-collapse: collapse; margin-bottom: 12pt; }
table.toc td.num { text-align: right; width: 3em; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 8.5pt;
  line-height: 1.3; margin-bottom: 12pt; }
table.grid td { border: 0.75pt solid #000; padding: 2pt 2pt; vertical-align: middle;
  overflow-wrap: anywhere; text-align: left; }
table.grid thead td { text-align: center; font-weight: bold; }
table.grid td.num { text-align: right; word-break: break-all; }
tr { break-inside: avoid; }
"""

CSS_LIBREOFFICE = """
@page { size: 21cm 29.7cm; margin: 2cm 1.8cm 2cm 1.8cm; }
body { font-family: "Noto Serif CJK SC"; font-size: 10.5pt; }
h1 { font-family: "Noto Serif CJK SC"; font-size: 18pt; text-align: center; }
h2 { font-family: "Noto Serif CJK SC"; font-size: 14pt; text-align: center; }
h3 { font-family: "Noto Serif CJK SC"; font-size: 11pt; }
p { font-family: "Noto Serif CJK SC"; font-size: 10.5pt; margin-top: 0; margin-bottom: 4pt; }
p.unit { text-align: right; }
p.tabno, p.section { font-weight: bold; }
td { font-family: "Noto Serif CJK SC"; font-size: 8.5pt; }
"""


def convert(lines, flavor):
    header = next((line.strip() for line in lines if line.strip()), "")
    body = []
    first = True
    for kind, item in blocks(lines):
        if kind == "table":
            body.append(table_html(item, flavor))
        elif item:
            html_line = line_html(item, first)
            if PART.match(item) and flavor == "libreoffice":
                html_line = html_line.replace("<h2", '<h2 style="page-break-before: always"', 1)
            body.append(html_line)
            first = False
    title = html.escape(header)
    if flavor == "chromium":
        css = CSS_CHROMIUM.replace("@@HEADER@@", header.replace('"', ""))
        areas = ""
    else:
        css = CSS_LIBREOFFICE
        areas = (
            f'<div title="header"><p align="center" style="font-size: 8pt">{title}</p></div>\n'
            '<div title="footer"><p align="center" style="font-size: 9pt">- '
            '<sdfield type=PAGE subtype=RANDOM format=PAGE>1</sdfield> -</p></div>\n'
        )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n{areas}"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sample")
    ap.add_argument("out")
    ap.add_argument("--flavor", choices=["chromium", "libreoffice"], required=True)
    args = ap.parse_args()
    with open(args.sample, encoding="utf-8") as f:
        lines = f.read().splitlines()
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(convert(lines, args.flavor))


if __name__ == "__main__":
    sys.exit(main())
