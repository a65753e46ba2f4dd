#!/usr/bin/env python3
"""Writes tests/fixtures/malformed/: files a crawler really brings home, and hostile ones.

    python3 scripts/make_malformed.py

Standard library only, deterministic (the same bytes on every run). Seeds: the sample's text
(samples/000_163e4aab9eba8502.txt) and its Chromium rendition (samples/pdf/…chromium.pdf).
tests/fixtures/malformed/README.md lists every file with how it is made and the status cnbudget
must give it; tests/it/malformed.rs checks those statuses. The corpus stays small (under 2 MB):
bombs are a few KB compressed, big page trees and deep nesting live in compressed object streams.
The one input that cannot be small, a text line of several megabytes, is written by the test.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "malformed"
SAMPLE_TXT = ROOT / "samples" / "000_163e4aab9eba8502.txt"
SAMPLE_PDF = ROOT / "samples" / "pdf" / "000_163e4aab9eba8502.chromium.pdf"

MIB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# A small PDF writer: classic xref table, or everything in compressed object streams.
# ---------------------------------------------------------------------------------------------


def stream(data: bytes, entries: bytes = b"") -> bytes:
    """A stream object's body: its dictionary (with /Length) and data."""
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), entries, data)


def pdf(objects: dict[int, bytes], root: int = 1, trailer: bytes = b"") -> bytes:
    """A PDF with the given objects (number → body) and a classic cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objects[num])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        if num in offsets:
            out += b"%010d 00000 n \n" % offsets[num]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (size, root, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_compressed(objects: dict[int, bytes], root: int = 1, per_stream: int = 5000) -> bytes:
    """A PDF 1.5 whose objects sit in Flate-compressed object streams (streams themselves cannot,
    they stay outside), found through a compressed cross-reference stream: large structures in a
    few KB."""
    nums = [n for n in sorted(objects) if b"\nstream\n" not in objects[n]]
    first_container = max(objects) + 1
    containers = []
    where: dict[int, tuple[int, int]] = {}
    for i in range(0, len(nums), per_stream):
        chunk = nums[i : i + per_stream]
        container = first_container + len(containers)
        header = bytearray()
        body = bytearray()
        for index, num in enumerate(chunk):
            header += b"%d %d " % (num, len(body))
            body += objects[num] + b"\n"
            where[num] = (container, index)
        data = bytes(header) + bytes(body)
        entries = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode " % (len(chunk), len(header))
        containers.append((container, stream(zlib.compress(data, 9), entries)))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    plain = [(n, body) for n, body in sorted(objects.items()) if n not in where]
    for num, body in plain + containers:
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref_num = first_container + len(containers)
    size = xref_num + 1
    offsets[xref_num] = len(out)
    rows = []
    for num in range(size):
        if num in where:
            rows.append(struct.pack(">BIH", 2, *where[num]))
        elif num in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[num], 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 65535))
    entries = (
        b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode "
        b"/DecodeParms << /Predictor 12 /Columns 7 >> " % (size, root)
    )
    data = zlib.compress(png_up(rows), 9)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_num, stream(data, entries))
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)


def png_up(rows: list[bytes]) -> bytes:
    """Rows through the PNG Up predictor (each byte minus the one above, tag 2 per row): the
    cross-reference rows of consecutive objects become nearly all zeros."""
    out = bytearray()
    previous = bytes(len(rows[0]))
    for row in rows:
        out.append(2)
        out += bytes((a - b) % 256 for a, b in zip(row, previous))
        previous = row
    return bytes(out)


# A Type0 font with Identity-H codes and a ToUnicode CMap: code 0x0001 + i shows TEXT[i].
FONT_TEXT = "部门预算表收支总单位万元合计第一二三四五六七八九十年度说明情况"


def to_unicode() -> bytes:
    chars = b"".join(
        b"<%04X> <%04X>\n" % (i + 1, ord(c)) for i, c in enumerate(FONT_TEXT)
    )
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"%d beginbfchar\n%sendbfchar\nendcmap end end" % (len(FONT_TEXT), chars)
    )


def hex_text(text: str) -> bytes:
    return b"<" + b"".join(b"%04X" % (FONT_TEXT.index(c) + 1) for c in text) + b">"


def font_objects(first: int) -> dict[int, bytes]:
    """The font as objects `first` (the font) and `first + 1` (its ToUnicode)."""
    return {
        first: b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/ToUnicode %d 0 R /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 "
        b"/BaseFont /SimSun /DW 1000 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        b"/Supplement 0 >> >>] >>" % (first + 1),
        first + 1: stream(to_unicode()),
    }


def text_content(lines: list[str]) -> bytes:
    """Content showing `lines` top-down in /F1 at 12 points."""
    ops = [b"BT /F1 12 Tf 72 770 Td"]
    for line in lines:
        ops.append(hex_text(line) + b" Tj 0 -18 Td")
    ops.append(b"ET")
    return b"\n".join(ops)


FONT_RESOURCES = b"<< /Font << /F1 10 0 R >> >>"
PAGE_ENTRIES = b"/MediaBox [0 0 595 842] /Resources " + FONT_RESOURCES

# ---------------------------------------------------------------------------------------------
# Bombs: zeros through zlib in chunks, never the whole expansion in memory.
# ---------------------------------------------------------------------------------------------


def deflate_zeros(total: int, chunk: int = MIB) -> bytes:
    """zlib of `total` zero bytes (about 1 KB per MiB)."""
    z = zlib.compressobj(9)
    zero = bytes(chunk)
    parts = [z.compress(zero) for _ in range(total // chunk)]
    parts.append(z.flush())
    return b"".join(parts)


def double_deflate_zeros(total: int, chunk: int = MIB) -> bytes:
    """zlib of (zlib of `total` zero bytes): deflate tops out near 1000:1, so a few KB that
    inflate past a gigabyte take two layers (`/Filter [/FlateDecode /FlateDecode]`)."""
    inner = zlib.compressobj(9)
    outer = zlib.compressobj(9)
    zero = bytes(chunk)
    parts = []
    for _ in range(total // chunk):
        parts.append(outer.compress(inner.compress(zero)))
    parts.append(outer.compress(inner.flush()))
    parts.append(outer.flush())
    return b"".join(parts)


# ---------------------------------------------------------------------------------------------
# The files.
# ---------------------------------------------------------------------------------------------


def one_page(
    content: bytes, extra: dict[int, bytes] | None = None, resources: bytes = FONT_RESOURCES
) -> bytes:
    """Catalog 1, Pages 2, Page 3, content 4, font 10/11, plus `extra` objects."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /MediaBox [0 0 595 842] "
        b"/Resources %s >>" % resources,
        4: stream(content),
    }
    objects.update(font_objects(10))
    objects.update(extra or {})
    return pdf(objects)


def truncations(sample: bytes) -> dict[str, bytes]:
    """The sample PDF cut at twelve offsets, from inside the header to inside the trailer."""
    n = len(sample)
    cuts = [9, 600, 2048, 8192, n // 20, n // 10, 3 * n // 20, n // 5, 3 * n // 10, 2 * n // 5]
    cuts += [3 * n // 5, n - 200]
    return {f"truncated_{i + 1:02}.pdf": sample[:cut] for i, cut in enumerate(cuts)}


def broken_xref(sample: bytes) -> bytes:
    """The sample with every cross-reference offset shifted and startxref pointing nowhere: a
    reader must rebuild the table by scanning for objects."""
    start = sample.rindex(b"\nxref\n") + 1
    table_end = sample.index(b"trailer", start)
    table = sample[start:table_end]
    shifted = bytearray()
    for line in table.split(b"\n"):
        fields = line.split(b" ")
        if len(fields) >= 3 and len(fields[0]) == 10 and fields[2].startswith(b"n"):
            fields[0] = b"%010d" % (int(fields[0]) + 37)
            line = b" ".join(fields)
        shifted += line + b"\n"
    body = sample[:start] + bytes(shifted[:-1]) + sample[table_end:]
    tail = body.rindex(b"startxref\n") + len(b"startxref\n")
    end = body.index(b"\n", tail)
    return body[:tail] + b"999999999" + body[end:]


def self_references() -> dict[str, bytes]:
    """Objects that refer to themselves: /Contents an array holding itself, a page and a /Pages
    node that are their own /Parent, a /Pages node among its own /Kids."""
    text = text_content(["部门预算"])
    contents_loop = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /Contents [5 0 R 4 0 R] %s >>" % PAGE_ENTRIES,
        4: stream(text),
        5: b"[5 0 R 4 0 R]",
    }
    contents_loop.update(font_objects(10))
    parent_loop = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>",
        3: b"<< /Type /Page /Parent 3 0 R /Contents 4 0 R /Resources %s >>" % FONT_RESOURCES,
        4: stream(text),
    }
    parent_loop.update(font_objects(10))
    kids_loop = dict(parent_loop)
    kids_loop[2] = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    kids_loop[3] = b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R %s >>" % PAGE_ENTRIES
    return {
        "contents_loop.pdf": pdf(contents_loop),
        "parent_loop.pdf": pdf(parent_loop),
        "kids_loop.pdf": pdf(kids_loop),
    }


def forms() -> dict[str, bytes]:
    """A Form XObject that draws itself, and forms drawing each other ten times a level, six
    levels deep (a million drawings of the last, within the depth limit)."""
    def form(content: bytes, xobjects: bytes) -> bytes:
        return stream(
            content,
            b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] "
            b"/Resources << /Font << /F1 10 0 R >> /XObject << %s >> >> " % xobjects,
        )

    resources = b"<< /Font << /F1 10 0 R >> /XObject << /X1 20 0 R >> >>"
    draws_itself = one_page(
        b"/X1 Do",
        {20: form(text_content(["部门预算"]) + b" 1 0 0 1 0 12 cm /X1 Do", b"/X1 20 0 R")},
        resources,
    )
    fanout = {}
    for level in range(7):
        num = 20 + level
        if level == 6:
            fanout[num] = form(text_content(["年"]), b"")
        else:
            fanout[num] = form(b"/N Do " * 10, b"/N %d 0 R" % (num + 1))
    million = one_page(b"/X1 Do", fanout, resources)
    return {
        "form_draws_itself.pdf": draws_itself,
        "form_fanout.pdf": million,
        "glyph_flood.pdf": glyph_flood(),
    }


def glyph_flood(pages: int = 20, glyphs: int = 1_900_000) -> bytes:
    """A form showing one string of 1.9 million glyphs (within the per-page limit), drawn by
    each of 20 pages: 38 million glyphs from 7 KB. At 1 point they run off the page, so what
    the reader holds stays small until the per-document limit stops it."""
    shown = b"BT /F2 1 Tf 10 700 Td (" + b"A" * glyphs + b") Tj ET"
    form = stream(
        zlib.compress(shown, 9),
        b"/Filter /FlateDecode /Type /XObject /Subtype /Form /BBox [0 0 595 842] "
        b"/Resources << /Font << /F2 5 0 R >> >> ",
    )
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>"
        % (b" ".join(b"%d 0 R" % (100 + i) for i in range(pages)), pages),
        3: stream(b"/X1 Do"),
        4: form,
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    }
    for i in range(pages):
        objects[100 + i] = (
            b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R "
            b"/Resources << /XObject << /X1 4 0 R >> >> >>"
        )
    return pdf(objects)


def deep_nesting(levels: int = 100_000) -> dict[str, bytes]:
    """Arrays and dictionaries nested 100,000 deep: as an object (in a compressed object
    stream), and as a content-stream operand."""
    array = b"[" * levels + b"]" * levels
    dictionary = b"<< /A " * levels + b">>" * levels
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Deep 5 0 R /Deeper 6 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R %s >>" % PAGE_ENTRIES,
        4: stream(text_content(["部门预算"])),
        5: array,
        6: dictionary,
    }
    objects.update(font_objects(10))
    content = b"BT /F1 12 Tf 72 700 Td " + array + b" TJ ET"
    packed = zlib.compress(content, 9)
    return {
        "deep_nesting_objects.pdf": pdf_compressed(objects),
        "deep_nesting_content.pdf": one_page(b"", {4: stream(packed, b"/Filter /FlateDecode ")}),
    }


def bombs() -> dict[str, bytes]:
    """Decompression bombs: a content stream of a few KB inflating to 2 GiB (two Flate layers),
    one inflating to 65 MiB (one layer, just past the default limit), an object stream inflating to 1 GiB (read while the
    file loads), and one 2 MiB stream drawn by 200 pages (400 MiB for the document)."""
    two_layers = b"/Filter [/FlateDecode /FlateDecode] "
    content_bomb = one_page(b"", {4: stream(double_deflate_zeros(2048 * MIB), two_layers)})
    single = one_page(b"", {4: stream(deflate_zeros(65 * MIB), b"/Filter /FlateDecode ")})
    objstm = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        4: stream(
            double_deflate_zeros(1024 * MIB),
            b"/Type /ObjStm /N 1 /First 4 " + two_layers,
        ),
    }
    spaces = zlib.compressobj(9)
    blank = spaces.compress(b" " * (2 * MIB)) + spaces.flush()
    pages = 200
    shared = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>"
        % (b" ".join(b"%d 0 R" % (100 + i) for i in range(pages)), pages),
        3: stream(blank, b"/Filter /FlateDecode "),
    }
    for i in range(pages):
        shared[100 + i] = b"<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"
    return {
        "zlib_bomb.pdf": content_bomb,
        "zlib_bomb_one_layer.pdf": single,
        "zlib_bomb_object_stream.pdf": pdf(objstm),
        "shared_stream_bomb.pdf": pdf(shared),
    }


def page_trees() -> dict[str, bytes]:
    """A /Pages tree claiming a million pages (it holds one), and one with 20,000 real empty
    pages under 200 intermediate nodes (in compressed object streams)."""
    claims = one_page(
        text_content(["部门预算"]), {2: b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>"}
    )
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    nodes, per_node = 200, 100
    first_node, first_page = 10, 1000
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] >>" % (
        b" ".join(b"%d 0 R" % (first_node + i) for i in range(nodes)),
        nodes * per_node,
    )
    for n in range(nodes):
        kids = [first_page + n * per_node + k for k in range(per_node)]
        objects[first_node + n] = b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % k for k in kids),
            per_node,
        )
        for k in kids:
            objects[k] = b"<< /Type /Page /Parent %d 0 R >>" % (first_node + n)
    return {
        "pages_claims_a_million.pdf": claims,
        "pages_20000_empty.pdf": pdf_compressed(objects),
    }


def pseudo_random(n: int, seed: bytes) -> bytes:
    """Deterministic bytes: SHA-256 in counter mode."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:n])


HTML_ERROR = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>404 Not Found</title></head>
<body>
<h1>404 Not Found</h1>
<p>您访问的页面不存在或已被删除。The requested URL /zwgk/2024/bmys/预算公开.pdf was not found on this server.</p>
<hr><address>nginx/1.18.0</address>
</body>
</html>
"""

# ---- RC4 encryption (standard security handler, revision 3, 128-bit) for encrypted.pdf --------

PAD = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def padded(password: bytes) -> bytes:
    return (password + PAD)[:32]


def rc4_rounds(key: bytes, data: bytes) -> bytes:
    """Algorithm 3/5's twenty passes: RC4 with the key, then with key XOR 1 … 19."""
    for i in range(20):
        data = rc4(bytes(b ^ i for b in key), data)
    return data


def encrypted_pdf(user: bytes, owner: bytes) -> bytes:
    """One page of text, RC4-128 encrypted (ISO 32000-1 §7.6.3, revision 3) with a non-empty
    user password: it does not open without it."""
    length = 16
    file_id = hashlib.md5(b"cnbudget malformed corpus").digest()
    permissions = -3904
    key = hashlib.md5(padded(owner)).digest()
    for _ in range(50):
        key = hashlib.md5(key[:length]).digest()
    o_value = rc4_rounds(key[:length], padded(user))
    digest = hashlib.md5(
        padded(user) + o_value + struct.pack("<i", permissions) + file_id
    ).digest()
    for _ in range(50):
        digest = hashlib.md5(digest[:length]).digest()
    file_key = digest[:length]
    u_value = rc4_rounds(file_key, hashlib.md5(PAD + file_id).digest()) + bytes(16)

    def object_key(num: int) -> bytes:
        return hashlib.md5(file_key + struct.pack("<I", num)[:3] + b"\x00\x00").digest()

    content = rc4(object_key(4), text_content(["部门预算"]))
    cmap = rc4(object_key(11), to_unicode())
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R %s >>" % PAGE_ENTRIES,
        4: stream(content),
        9: b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>"
        % (permissions, o_value.hex().encode(), u_value.hex().encode()),
    }
    objects.update(font_objects(10))
    objects[11] = stream(cmap)
    hex_id = file_id.hex().encode()
    return pdf(objects, trailer=b"/Encrypt 9 0 R /ID [<%s> <%s>] " % (hex_id, hex_id))


# ---- text inputs -------------------------------------------------------------------------------


def gbk_with_invalid_sequences(text: str) -> bytes:
    """The sample in GBK with undecodable bytes spliced in: a lead byte with an ASCII trail, a
    lone 0xFF, and a lead byte cut off by the end of the file."""
    data = bytearray(text.encode("gbk"))
    for share, junk in [(10, b"\x81\x20"), (40, b"\xff"), (80, b"\xa1\x7f")]:
        at = data.index(b"\n", len(data) * share // 100) + 1
        data[at:at] = junk
    return bytes(data) + b"\x81"


def ragged_tables(text: str) -> str:
    """The sample with table rows of too many and too few cells: every fourth row with four or
    more cells gains two, every seventh loses its last."""
    out = []
    rows = 0
    for line in text.split("\n"):
        cells = line.split("\t")
        if len(cells) >= 4 and any(ch.isdigit() for ch in cells[-1]):
            rows += 1
            if rows % 4 == 0:
                line += "\t9.99\t多余"
            elif rows % 7 == 0:
                line = "\t".join(cells[:-1])
        out.append(line)
    return "\n".join(out)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sample_pdf = SAMPLE_PDF.read_bytes()
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    files: dict[str, bytes] = {}
    files.update(truncations(sample_pdf))
    files["broken_xref.pdf"] = broken_xref(sample_pdf)
    files.update(self_references())
    files.update(forms())
    files.update(deep_nesting())
    files.update(bombs())
    files.update(page_trees())
    files["html_error_page.pdf"] = HTML_ERROR.encode("utf-8")
    files["empty.pdf"] = b""
    files["random_bytes.pdf"] = pseudo_random(4096, b"pdf")
    files["random_bytes.txt"] = pseudo_random(4096, b"txt")
    files["encrypted_user_password.pdf"] = encrypted_pdf(b"secret", b"owner")
    head = "\n".join(text.split("\n")[:300])
    files["gbk_invalid_sequences.txt"] = gbk_with_invalid_sequences(head)
    files["ragged_table_rows.txt"] = ragged_tables(text).encode("utf-8")
    for old in OUT.iterdir():
        if old.suffix in (".pdf", ".txt") and old.name not in files and not old.name.startswith(
            "fuzz_"
        ):
            old.unlink()
    total = 0
    for name, data in sorted(files.items()):
        (OUT / name).write_bytes(data)
        total += len(data)
    print(f"{len(files)} files, {total} bytes in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
