#!/usr/bin/env python3
"""Build test variants of the reference disclosure, for `tests/it/variants.rs`.

Usage (from the repository root; Python 3.11+, standard library only):

    python3 scripts/make_variants.py

Reads `samples/000_163e4aab9eba8502.txt` (a 2026 部门预算 of a Wuhan district bureau, UTF-8, LF) and
(re)writes every file of `tests/fixtures/variants/`, plus its README.md. The output is deterministic:
every random choice comes from `random.Random` with a fixed seed, so running the script twice gives
the same bytes. The variants keep the sample's line numbering (no line is added or removed), so a
value's source line is the same in the sample and in every text variant.

Files written (details in tests/fixtures/variants/README.md):

- `gbk_crlf.txt`          the sample in GBK (a subset of GB18030) with CRLF line endings;
- `utf16le_bom.txt`       UTF-16LE with a BOM;
- `utf8_bom_cr.txt`       UTF-8 with a BOM and old-Mac CR line endings;
- `yuan.txt`              every amount of 表1–表10 ×10000 (`4,335.95` → `43,359,500.00`), `单位：元`;
- `wrapped.txt`           about a third of the amount cells of 表1/表3/表5-1/表6 broken by a space at a
                          random inner position (some also without separators: `1168. 18`), and a few 科目 codes
                          split (`2060101` → `20601 01`);
- `other_dept.txt`        another department (江汉区城市管理执法局, unit codes 512/512001/512002,
                          budget year 2025), every amount of 表1–表10 scaled by 0.73 (ROUND_HALF_UP to
                          2 decimals), full-width digits in three narrative amounts;
- `fullwidth_spaced.txt`  six table amounts in full-width digits, seven row labels letter-spaced;
- `not_a_disclosure.txt`  a news paragraph: no tables, no 情况说明 part;
- `empty.txt`             0 bytes;
- `binary.txt`            a PNG-like header and random bytes, NULs included;
- `.gitattributes`        `*.txt -text -diff`, so git never rewrites their line endings.
"""

from __future__ import annotations

import random
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_163e4aab9eba8502.txt"
OUT = ROOT / "tests" / "fixtures" / "variants"

# other_dept.txt: keep in sync with the constants at the top of tests/it/variants.rs.
OLD_DEPT = "武昌区经济信息化和科技创新局"
NEW_DEPT = "江汉区城市管理执法局"
OLD_SUB2 = "武昌区商业行业离退休人员管理服务中心"
NEW_SUB2 = "江汉区环境卫生服务中心"
OLD_DISTRICT = "武昌"
NEW_DISTRICT = "江汉"
UNIT_CODES = {"328": "512", "328001": "512001", "328003": "512002"}
SCALE = Decimal("0.73")
YEAR_SHIFT = -1  # 2026 → 2025, 2025 → 2024, …

SEED_WRAPPED = 20260101
SEED_OTHER = 20250512
SEED_FULLWIDTH = 65296  # ord('０')
SEED_BINARY = 7

MARKER = re.compile(r"^表\s*(\d{1,3}(?:\s*-\s*\d{1,3})?)")
AMOUNT = re.compile(r"[0-9][0-9, .]*[0-9]")
CODE = re.compile(r"[0-9][0-9 ]*[0-9]|[0-9]")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


# ---------------------------------------------------------------------------------------------
# The sample and its table regions
# ---------------------------------------------------------------------------------------------


def read_sample() -> list[str]:
    """The sample's lines (split on LF only; the sample has no CR and no final newline)."""
    text = SAMPLE.read_bytes().decode("utf-8")
    assert "\r" not in text
    return text.split("\n")


def join(lines: list[str]) -> str:
    return "\n".join(lines)


def table_of_lines(lines: list[str]) -> list[str | None]:
    """For each line, the id (`表5-1`) of the table block it lies in, or None.

    A block starts at a `表 N` marker line (a line without tabs opening with 表 and a number) and runs to
    the next marker with another number or to the `第三部分` heading (the narrative part)."""
    out: list[str | None] = []
    current: str | None = None
    for line in lines:
        m = MARKER.match(line)
        if m and "\t" not in line:
            current = "表" + re.sub(r"\s", "", m.group(1))
        elif line.startswith("第三部分") and "\t" not in line:
            current = None
        out.append(current)
    return out


def table_number(table_id: str | None) -> int | None:
    if table_id is None:
        return None
    return int(table_id[1:].split("-")[0])


def in_tables_1_to_10(table_id: str | None) -> bool:
    n = table_number(table_id)
    return n is not None and 1 <= n <= 10


def narrative_range(lines: list[str]) -> range:
    """Line indices of the 情况说明 part: after the (non-TOC) 第三部分 heading, before 第四部分."""
    start = next(i for i, l in enumerate(lines) if l.startswith("第三部分") and "\t" not in l)
    end = next(i for i, l in enumerate(lines) if l.startswith("第四部分") and "\t" not in l and i > start)
    return range(start + 1, end)


def is_amount(cell: str) -> bool:
    """An amount cell of 表1–表10: digits, separators, a decimal point, maybe wrap spaces."""
    s = cell.strip()
    return "." in s and AMOUNT.fullmatch(s) is not None


def is_code(cell: str) -> bool:
    s = cell.strip()
    return s != "" and CODE.fullmatch(s) is not None


def amount_value(cell: str) -> Decimal:
    return Decimal(cell.replace(" ", "").replace(",", ""))


def space_offsets_from_right(cell: str) -> list[int]:
    """For each space of `cell`, the number of non-space characters to its right."""
    offsets = []
    for i, c in enumerate(cell):
        if c == " ":
            offsets.append(sum(1 for x in cell[i + 1 :] if x != " "))
    return offsets


def reinsert_spaces(clean: str, offsets: list[int]) -> str:
    """Puts spaces back into `clean` at the same distances from its right end."""
    chars = list(clean)
    for off in sorted(set(offsets), reverse=True):
        pos = len(chars) - off
        # Count only non-space characters: spaces inserted so far all lie to the right of `pos`
        # when offsets are processed largest first.
        if 0 < pos < len(chars):
            chars.insert(pos, " ")
    return "".join(chars)


def fmt_amount(v: Decimal) -> str:
    """Two decimals with thousands separators, as the sample's tables print amounts."""
    return f"{v.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def scale(v: Decimal) -> Decimal:
    return (v * SCALE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Variants
# ---------------------------------------------------------------------------------------------


def make_yuan(lines: list[str]) -> str:
    """表1–表10: every amount ×10000 printed `43,359,500.00`; `单位：万元` → `单位：元`."""
    table_of = table_of_lines(lines)
    out = []
    for line, t in zip(lines, table_of):
        if in_tables_1_to_10(t):
            if re.fullmatch(r"单位[：:]\s*万元", line.strip()):
                line = line.replace("万元", "元")
            elif "\t" in line:
                cells = line.split("\t")
                cells = [fmt_amount(amount_value(c) * 10000) if is_amount(c) else c for c in cells]
                line = "\t".join(cells)
        out.append(line)
    return join(out)


WRAP_TABLES = ("表1", "表3", "表5-1", "表6")


def make_wrapped(lines: list[str]) -> tuple[str, list[str]]:
    """Amount cells of 表1/3/5-1/6 broken by a space (p = 1/3; a quarter of the broken ones that
    have thousands separators lose them: `1168. 18`), plus five split codes."""
    rng = random.Random(SEED_WRAPPED)
    table_of = table_of_lines(lines)
    out = list(lines)
    notes = []
    n_amounts = n_broken = n_plain = 0
    for i, (line, t) in enumerate(zip(lines, table_of)):
        if t not in WRAP_TABLES or "\t" not in line:
            continue
        cells = line.split("\t")
        for j, c in enumerate(cells):
            if not is_amount(c) or " " in c:
                continue
            n_amounts += 1
            if rng.random() < 1 / 3:
                # Some cells print without thousands separators (`1168. 18`).
                if "," in c and rng.random() < 1 / 4:
                    c = c.replace(",", "")
                    n_plain += 1
                pos = rng.randint(1, len(c) - 1)
                cells[j] = c[:pos] + " " + c[pos:]
                n_broken += 1
        out[i] = "\t".join(cells)
    notes.append(f"{n_broken} of {n_amounts} amount cells broken, {n_plain} of them printed without separators")
    # Codes: four 功能 codes (表3, 表5-1) and one 经济分类 code (表6), 5- or 7-digit ones.
    candidates = [
        i
        for i, (line, t) in enumerate(zip(out, table_of))
        if t in ("表3", "表5-1") and "\t" in line and len(line.split("\t")[0]) in (5, 7)
    ]
    chosen = sorted(rng.sample(candidates, 4))
    econ = [i for i, (line, t) in enumerate(zip(out, table_of)) if t == "表6" and re.match(r"\d{5}\t", line)]
    chosen.append(rng.choice(econ))
    for i in chosen:
        cells = out[i].split("\t")
        code = cells[0]
        cut = len(code) - 2
        cells[0] = code[:cut] + " " + code[cut:]
        out[i] = "\t".join(cells)
        notes.append(f"line {i + 1} ({table_of[i]}): code `{code}` → `{cells[0]}`")
    return join(out), notes


def make_other_dept(lines: list[str]) -> tuple[str, list[str]]:
    """Another department, year 2025, unit codes 512…, amounts ×0.73, full-width narrative amounts."""
    rng = random.Random(SEED_OTHER)
    table_of = table_of_lines(lines)
    notes = []
    out = []
    for line in lines:
        line = line.replace(OLD_DEPT, NEW_DEPT).replace(OLD_SUB2, NEW_SUB2)
        line = line.replace(OLD_DISTRICT, NEW_DISTRICT)
        # Standalone years (not part of an amount or a longer number) move back by one.
        line = re.sub(
            r"(?<![\d.,])(20[12]\d|2030)(?![\d.,])",
            lambda m: str(int(m.group(1)) + YEAR_SHIFT),
            line,
        )
        out.append(line)
    # A year the page break split (`比 2` ⏎⏎ `025 预算`): the second half moves too.
    for i, line in enumerate(out):
        if line.rstrip().endswith("比 2"):
            k = next(k for k in range(i + 1, len(out)) if out[k].strip())
            assert out[k].startswith("025"), out[k]
            out[k] = "024" + out[k][3:]
            notes.append(f"line {k + 1}: split year `2`/`025` → `2`/`024`")

    def scale_cell(cell: str) -> str:
        s = cell.strip()
        joined = s.replace(" ", "")
        frac = joined.split(".", 1)[1]
        extra = frac[2:]
        assert set(extra) <= {"0"}, cell  # only stray zeros beyond two decimals
        clean = fmt_amount(scale(amount_value(s))) + extra
        return reinsert_spaces(clean, space_offsets_from_right(s))

    for i, t in enumerate(table_of):
        line = out[i]
        if not in_tables_1_to_10(t) or "\t" not in line:
            continue
        cells = line.split("\t")
        if t in ("表2", "表5-2") and is_code(cells[0]):
            old = cells[0].replace(" ", "")
            cells[0] = reinsert_spaces(UNIT_CODES[old], space_offsets_from_right(cells[0]))
        cells = [scale_cell(c) if is_amount(c) else c for c in cells]
        out[i] = "\t".join(cells)

    # Outside 表1–表10 (表11, 表12-n, the narrative): amounts written `N 万元` scale too, so the
    # document stays consistent; so do the bare amounts of 表11's funding lines (the ones with a `%`).
    money = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)(\s*万元)")

    def scale_money(m: re.Match[str]) -> str:
        raw = m.group(1)
        v = scale(Decimal(raw.replace(",", "")))
        text = f"{v:,.2f}" if "," in raw else f"{v:.2f}"
        return text + m.group(2)

    for i, t in enumerate(table_of):
        if in_tables_1_to_10(t):
            continue
        line = money.sub(scale_money, out[i])
        if t == "表11" and "%" in line:
            cells = line.split("\t")
            cells = [f"{scale(Decimal(c)):.2f}" if re.fullmatch(r"\d+(\.\d+)?", c) else c for c in cells]
            line = "\t".join(cells)
        out[i] = line

    # Full-width digits in three narrative amounts (the first `N万元` of three chosen lines).
    narrative = narrative_range(out)
    candidates = [i for i in narrative if money.search(out[i])]
    chosen = sorted(rng.sample(candidates, 3))
    for n, i in enumerate(chosen):
        m = money.search(out[i])
        assert m is not None
        digits = m.group(1).replace(",", "").translate(FULL_WIDTH_DIGITS)
        if n == 1:
            digits = digits.replace(".", "．")  # a full-width decimal point as well
        out[i] = out[i][: m.start(1)] + digits + out[i][m.end(1) :]
        notes.append(f"line {i + 1}: narrative amount `{m.group(1)}` → `{digits}`")
    return join(out), notes


# (table, label as printed in the sample); the first body line (one with an amount) of that table
# with exactly this cell.
SPACED_LABELS = [
    ("表1", "本年收入合计"),
    ("表3", "合计"),
    ("表3", "行政运行"),
    ("表4", "（一）一般公共预算拨款"),
    ("表5-1", "行政运行"),
    ("表6", "住房公积金"),
    ("表10", "国密改造项目"),
]


def make_fullwidth_spaced(lines: list[str]) -> tuple[str, list[str]]:
    """Six amounts of 表1–表10 in full-width digits; seven row labels letter-spaced."""
    rng = random.Random(SEED_FULLWIDTH)
    table_of = table_of_lines(lines)
    out = list(lines)
    notes = []
    cells_of = [line.split("\t") for line in out]
    candidates = [
        (i, j)
        for i, t in enumerate(table_of)
        if in_tables_1_to_10(t) and "\t" in out[i]
        for j, c in enumerate(cells_of[i])
        if is_amount(c) and " " not in c
    ]
    for n, (i, j) in enumerate(sorted(rng.sample(candidates, 6))):
        old = cells_of[i][j]
        new = old.translate(FULL_WIDTH_DIGITS)
        if n == 2:
            new = new.replace(".", "．")
        cells_of[i][j] = new
        notes.append(f"line {i + 1} ({table_of[i]}): amount `{old}` → `{new}`")
    for table, label in SPACED_LABELS:
        i, j = next(
            (i, j)
            for i, t in enumerate(table_of)
            if t == table and any(is_amount(c) for c in cells_of[i])
            for j, c in enumerate(cells_of[i])
            if c == label
        )
        cells_of[i][j] = " ".join(label)
        notes.append(f"line {i + 1} ({table}): label `{label}` → `{cells_of[i][j]}`")
    return join("\t".join(c) for c in cells_of), notes


NOT_A_DISCLOSURE = """\
本报讯（记者 李晓雯）11月26日上午，江城社区“邻里节”在社区文化广场开幕，三百多名居民参加了包饺子、旧物交换和亲子趣味运动等活动。

社区党委书记介绍，今年以来社区先后完成了两个小区的雨污分流改造，新增停车位八十余个，并在活动中心开设了老年人智能手机课堂，累计培训居民一千二百余人次。

活动现场，不少居民为社区下一步工作建言献策。家住3栋的王阿姨说，希望社区多组织一些适合老年人参加的文体活动；在附近上班的年轻人则建议延长社区图书室的开放时间。

据了解，区里今年安排专项资金支持社区开展便民服务，相关部门预算执行情况将在年底向居民公开。社区表示，将梳理居民提出的意见建议，逐条研究落实。
"""


def make_binary() -> bytes:
    rng = random.Random(SEED_BINARY)
    header = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    return header + bytes(rng.randrange(256) for _ in range(200))


README = """\
# Variants of the reference disclosure

Generated by `python3 scripts/make_variants.py` from `samples/000_163e4aab9eba8502.txt`; do not edit
by hand, re-run the script. Everything is deterministic (fixed seeds). `.gitattributes` marks the
`.txt` files `-text` so that git never converts their line endings (the CRLF and CR files would
otherwise stop testing anything). The text variants keep the sample's line numbering, so a table
value comes from the same line number in the sample and in each variant. `tests/it/variants.rs`
runs the library pipeline on each file and compares the result with the pipeline's own extraction
of the sample (computed in the test, not stored).

| file | how it was made | what it tests |
|---|---|---|
| `gbk_crlf.txt` | the sample encoded GBK (every character of the sample is in GBK, so the bytes are also GB18030), LF → CRLF | encoding detection (`GB18030`), CRLF splitting; extraction identical to the sample |
| `utf16le_bom.txt` | UTF-16LE with a `FF FE` BOM, LF endings | detection `UTF-16LE`; extraction identical |
| `utf8_bom_cr.txt` | UTF-8 with an `EF BB BF` BOM, LF → CR (old Mac) | detection `UTF-8 (BOM)`, CR splitting; extraction identical |
| `yuan.txt` | every amount cell of 表1–表10 ×10000, printed with two decimals and thousands separators (`4,335.95` → `43,359,500.00`; 表2's wrap-broken cells are printed clean); `单位：万元` → `单位：元` in those tables only (表11/表12-n keep 万元) | unit read per table (`元`), large amounts with several separators; every value = sample × 10000 |
| `wrapped.txt` | in 表1, 表3, 表5-1 and 表6, each amount cell is broken with probability 1/3 by one space at a random inner position (`1,168.18` → `1,16 8.18`, `1 ,168.18`, `0.0 0`); a quarter of the broken cells that have thousands separators are printed without them (`1168. 18`); five codes split two digits from the end (four 功能 codes in 表3/表5-1, one 经济分类 code in 表6: `2060101` → `20601 01`) | cell repairs: values equal the sample's; each break logged as `split_number` / `split_code` with its line, table and column |
| `other_dept.txt` | `{old_dept}` → `{new_dept}`, `{old_sub2}` → `{new_sub2}`, every other `武昌` → `江汉`; standalone years − 1 (2026 → 2025, 2025 → 2024, …; the page-broken `2`/`025` too); unit codes 328/328001/328003 → 512/512001/512002 (表2 keeps its split `5120 01`); every amount of 表1–表10 × 0.73 rounded half-up to 2 decimals (表2's wrap breaks kept at the same place from the right); amounts written `N 万元` elsewhere, and 表11's funding figures, scaled the same way; three narrative amounts in full-width digits (one with a full-width `．`) | nothing tied to the sample's department, year, codes or numbers: department, year 2025, sub-units, table values = the sample's × 0.73 computed in the test |
| `fullwidth_spaced.txt` | six clean amount cells of 表1–表10 (chosen at random) in full-width digits, one with a full-width `．`; seven row labels letter-spaced (`合 计`, `行 政 运 行`, `（ 一 ） 一 般 公 共 预 算 拨 款`, …) | `full_width` and `cjk_space` repairs; values and names equal the sample's |
| `not_a_disclosure.txt` | a short local news report written for this purpose (mentions 预算 and numbers, has no table and no 第X部分) | `DocError::NotADisclosure` |
| `empty.txt` | 0 bytes | `IngestError::Empty`, message names the file |
| `binary.txt` | a PNG signature and IHDR header, then 200 random bytes (seed {seed_binary}); NULs and control bytes | `IngestError::Binary`, message names the file |

## Choices the seeds made

{notes}
"""


def main() -> None:
    lines = read_sample()
    text = join(lines)
    OUT.mkdir(parents=True, exist_ok=True)

    def write(name: str, data: bytes) -> None:
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT.relative_to(ROOT) / name} ({len(data)} bytes)")

    write("gbk_crlf.txt", text.replace("\n", "\r\n").encode("gbk"))
    write("utf16le_bom.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    write("utf8_bom_cr.txt", b"\xef\xbb\xbf" + text.replace("\n", "\r").encode("utf-8"))
    write("yuan.txt", make_yuan(lines).encode("utf-8"))
    wrapped, wrapped_notes = make_wrapped(lines)
    write("wrapped.txt", wrapped.encode("utf-8"))
    other, other_notes = make_other_dept(lines)
    write("other_dept.txt", other.encode("utf-8"))
    spaced, spaced_notes = make_fullwidth_spaced(lines)
    write("fullwidth_spaced.txt", spaced.encode("utf-8"))
    write("not_a_disclosure.txt", NOT_A_DISCLOSURE.encode("utf-8"))
    write("empty.txt", b"")
    write("binary.txt", make_binary())

    notes = []
    for title, items in (
        ("wrapped.txt", wrapped_notes),
        ("other_dept.txt", other_notes),
        ("fullwidth_spaced.txt", spaced_notes),
    ):
        notes.append(f"`{title}`:\n\n" + "\n".join(f"- {n}" for n in items))
    readme = README.format(
        old_dept=OLD_DEPT,
        new_dept=NEW_DEPT,
        old_sub2=OLD_SUB2,
        new_sub2=NEW_SUB2,
        seed_binary=SEED_BINARY,
        notes="\n\n".join(notes),
    )
    (OUT / "README.md").write_text(readme, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT) / 'README.md'}")
    # The bytes are the test: git must never convert line endings or encodings here.
    (OUT / ".gitattributes").write_text("*.txt -text -diff\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT) / '.gitattributes'}")


if __name__ == "__main__":
    main()
