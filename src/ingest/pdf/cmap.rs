//! CMaps (ISO 32000-1 §9.7.5, §9.10.3): how a string's bytes split into character codes, and what
//! each code means.
//!
//! Takes the bytes of an embedded CMap stream (a font's `ToUnicode`, or a Type0 font's `Encoding`
//! stream) and gives a [`CMap`]: its codespace ranges, its `bfchar`/`bfrange` code → Unicode
//! mappings (including the array form and multi-byte UTF-16BE destinations with surrogates) and
//! its `cidchar`/`cidrange` code → CID mappings. Also takes the *name* of a predefined CMap
//! (`Identity-H`, `UniGB-UCS2-H`, `GBK-EUC-H`, …) and gives a [`Predefined`] that splits and
//! decodes codes itself: these CMaps are not embedded in the PDF, and for the Unicode- and
//! GB-based ones the code bytes already carry the text.
//!
//! Parsing never fails: an entry that does not make sense is skipped, so a damaged CMap still
//! decodes what it can, and the font layer counts the rest as undecodable.

use std::collections::HashMap;

/// A CMap read from a stream.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    codespace: Vec<CodespaceRange>,
    chars: HashMap<u32, String>,
    /// `bfrange` entries sorted by their low code; `reach[i]` is the largest high code among
    /// `ranges[..=i]`, so a lookup can stop walking back as soon as no earlier range can reach.
    ranges: Vec<BfRange>,
    reach: Vec<u32>,
    cids: Vec<CidRange>,
    /// Byte lengths seen in mapping sources, to split codes when a CMap has no codespace.
    source_lengths: [bool; 5],
    /// `/WMode 1`: vertical writing.
    pub vertical: bool,
    /// The CMap named by `usecmap`, if any (a predefined base such as `Identity-H`).
    pub use_cmap: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct CodespaceRange {
    len: usize,
    lo: [u8; 4],
    hi: [u8; 4],
}

#[derive(Debug, Clone)]
struct BfRange {
    lo: u32,
    hi: u32,
    dst: RangeDst,
}

#[derive(Debug, Clone)]
enum RangeDst {
    /// UTF-16 units of the first code's text; later codes add their offset to the last unit.
    Base(Vec<u16>),
    /// One destination per code, in order.
    List(Vec<Option<String>>),
}

#[derive(Debug, Clone, Copy)]
struct CidRange {
    lo: u32,
    hi: u32,
    cid: u32,
}

/// Longest code a CMap may define (ISO 32000-1 §9.7.6.2: 1 to 4 bytes).
const MAX_CODE_LEN: usize = 4;

impl CMap {
    /// Parses a CMap stream's bytes.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let mut operands: Vec<Token> = Vec::new();
        let mut tokens = Tokenizer { data, pos: 0 };
        while let Some(token) = tokens.next_token() {
            let Token::Keyword(keyword) = token else {
                // A CMap's sections hold at most a few hundred entries each; a runaway operand list
                // means the stream is not a CMap, so only its tail is kept.
                if operands.len() > 100_000 {
                    operands.clear();
                }
                operands.push(token);
                continue;
            };
            match keyword.as_slice() {
                b"endcodespacerange" => cmap.add_codespace(&operands),
                b"endbfchar" => cmap.add_bfchar(&operands),
                b"endbfrange" => cmap.add_bfrange(&operands),
                b"endcidchar" => cmap.add_cidchar(&operands),
                b"endcidrange" => cmap.add_cidrange(&operands),
                b"def" => cmap.read_def(&operands),
                b"usecmap" => {
                    if let Some(Token::Name(name)) = operands.last() {
                        cmap.use_cmap = Some(String::from_utf8_lossy(name).into_owned());
                    }
                }
                _ => {}
            }
            operands.clear();
        }
        cmap.finish_ranges();
        cmap
    }

    /// Whether the CMap maps anything to Unicode.
    pub fn has_unicode(&self) -> bool {
        !self.chars.is_empty() || !self.ranges.is_empty()
    }

    /// Whether the CMap maps anything to CIDs.
    pub fn has_cids(&self) -> bool {
        !self.cids.is_empty()
    }

    /// Splits the next code off `bytes`: its value and byte length, and whether it lies in the
    /// codespace. `None` only when `bytes` is empty or the CMap says nothing about code lengths.
    pub fn next_code(&self, bytes: &[u8]) -> Option<(u32, usize, bool)> {
        if bytes.is_empty() {
            return None;
        }
        if self.codespace.is_empty() {
            let len = (1..=MAX_CODE_LEN).find(|&n| self.source_lengths[n])?;
            let len = len.min(bytes.len());
            return Some((code_value(&bytes[..len]), len, true));
        }
        for len in 1..=MAX_CODE_LEN.min(bytes.len()) {
            let head = &bytes[..len];
            if self
                .codespace
                .iter()
                .any(|r| r.len == len && r.contains(head))
            {
                return Some((code_value(head), len, true));
            }
        }
        // Not in any range (§9.7.6.3): consume as many bytes as the shortest range whose first byte
        // matches, else the shortest range, so the rest of the string stays aligned.
        let len = self
            .codespace
            .iter()
            .filter(|r| r.lo[0] <= bytes[0] && bytes[0] <= r.hi[0])
            .map(|r| r.len)
            .min()
            .or_else(|| self.codespace.iter().map(|r| r.len).min())
            .unwrap_or(1)
            .min(bytes.len());
        Some((code_value(&bytes[..len]), len, false))
    }

    /// The Unicode text this CMap gives a code.
    pub fn unicode(&self, code: u32) -> Option<String> {
        if let Some(text) = self.chars.get(&code) {
            return Some(text.clone());
        }
        let end = self.ranges.partition_point(|r| r.lo <= code);
        for i in (0..end).rev() {
            if self.reach[i] < code {
                break;
            }
            let range = &self.ranges[i];
            if code <= range.hi {
                return range.text(code - range.lo);
            }
        }
        None
    }

    /// The CID this CMap gives a code (from `cidchar`/`cidrange`).
    pub fn cid(&self, code: u32) -> Option<u32> {
        self.cids
            .iter()
            .rev()
            .find(|r| r.lo <= code && code <= r.hi)
            .map(|r| r.cid.saturating_add(code - r.lo))
    }

    fn add_codespace(&mut self, operands: &[Token]) {
        for pair in operands.chunks_exact(2) {
            if let (Token::Hex(lo), Token::Hex(hi)) = (&pair[0], &pair[1])
                && let Some(range) = CodespaceRange::new(lo, hi)
            {
                self.codespace.push(range);
            }
        }
    }

    fn add_bfchar(&mut self, operands: &[Token]) {
        for pair in operands.chunks_exact(2) {
            let Some((code, len)) = source_code(&pair[0]) else {
                continue;
            };
            let text = match &pair[1] {
                Token::Hex(bytes) | Token::Str(bytes) => utf16be_text(bytes),
                // A glyph name destination (allowed in older CMaps): decode it like `/Differences`.
                Token::Name(name) => std::str::from_utf8(name)
                    .ok()
                    .and_then(super::fonts::glyph_name_to_unicode),
                _ => None,
            };
            self.source_lengths[len] = true;
            match text {
                Some(text) => {
                    self.chars.insert(code, text);
                }
                None => {
                    self.chars.remove(&code);
                }
            }
        }
    }

    fn add_bfrange(&mut self, operands: &[Token]) {
        for triple in operands.chunks_exact(3) {
            let (Some((lo, len)), Some((hi, _))) =
                (source_code(&triple[0]), source_code(&triple[1]))
            else {
                continue;
            };
            if hi < lo {
                continue;
            }
            let dst = match &triple[2] {
                Token::Hex(bytes) | Token::Str(bytes) => RangeDst::Base(utf16_units(bytes)),
                Token::Array(items) => RangeDst::List(
                    items
                        .iter()
                        .map(|item| match item {
                            Token::Hex(bytes) | Token::Str(bytes) => utf16be_text(bytes),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => continue,
            };
            self.source_lengths[len] = true;
            self.ranges.push(BfRange { lo, hi, dst });
        }
    }

    fn add_cidchar(&mut self, operands: &[Token]) {
        for pair in operands.chunks_exact(2) {
            if let (Some((code, len)), Token::Int(cid)) = (source_code(&pair[0]), &pair[1])
                && let Ok(cid) = u32::try_from(*cid)
            {
                self.source_lengths[len] = true;
                self.cids.push(CidRange {
                    lo: code,
                    hi: code,
                    cid,
                });
            }
        }
    }

    fn add_cidrange(&mut self, operands: &[Token]) {
        for triple in operands.chunks_exact(3) {
            if let (Some((lo, len)), Some((hi, _)), Token::Int(cid)) =
                (source_code(&triple[0]), source_code(&triple[1]), &triple[2])
                && let Ok(cid) = u32::try_from(*cid)
                && lo <= hi
            {
                self.source_lengths[len] = true;
                self.cids.push(CidRange { lo, hi, cid });
            }
        }
    }

    /// `/WMode 1 def` is the only definition that changes how codes are read.
    fn read_def(&mut self, operands: &[Token]) {
        if let [.., Token::Name(name), Token::Int(mode)] = operands
            && name.as_slice() == b"WMode"
        {
            self.vertical = *mode == 1;
        }
    }

    /// Sorts the ranges for lookup; a later range wins over an earlier one at the same low code,
    /// as a later definition replaces an earlier one.
    fn finish_ranges(&mut self) {
        let ranges = std::mem::take(&mut self.ranges);
        let mut indexed: Vec<(usize, BfRange)> = ranges.into_iter().enumerate().collect();
        indexed.sort_by_key(|(i, r)| (r.lo, *i));
        self.ranges = indexed.into_iter().map(|(_, r)| r).collect();
        let mut reach = 0u32;
        self.reach = self
            .ranges
            .iter()
            .map(|r| {
                reach = reach.max(r.hi);
                reach
            })
            .collect();
    }
}

impl CodespaceRange {
    fn new(lo: &[u8], hi: &[u8]) -> Option<CodespaceRange> {
        if lo.is_empty() || lo.len() != hi.len() || lo.len() > MAX_CODE_LEN {
            return None;
        }
        let mut range = CodespaceRange {
            len: lo.len(),
            lo: [0; 4],
            hi: [0; 4],
        };
        range.lo[..lo.len()].copy_from_slice(lo);
        range.hi[..hi.len()].copy_from_slice(hi);
        Some(range)
    }

    /// Codespace ranges bound each byte separately (§9.7.6.2), not the code as a number.
    fn contains(&self, code: &[u8]) -> bool {
        code.iter()
            .enumerate()
            .all(|(i, &b)| self.lo[i] <= b && b <= self.hi[i])
    }
}

impl BfRange {
    fn text(&self, offset: u32) -> Option<String> {
        match &self.dst {
            RangeDst::List(items) => items.get(offset as usize).cloned().flatten(),
            RangeDst::Base(units) => {
                let (last, head) = units.split_last()?;
                let last = u32::from(*last).checked_add(offset)?;
                let mut units = head.to_vec();
                units.push(u16::try_from(last).ok()?);
                decode_utf16(&units)
            }
        }
    }
}

/// A code's numeric value (big-endian bytes).
pub fn code_value(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

fn source_code(token: &Token) -> Option<(u32, usize)> {
    match token {
        Token::Hex(bytes) | Token::Str(bytes) if (1..=MAX_CODE_LEN).contains(&bytes.len()) => {
            Some((code_value(bytes), bytes.len()))
        }
        _ => None,
    }
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    if bytes.len() == 1 {
        // Some producers write one-byte destinations; read them as the code point they spell.
        return vec![u16::from(bytes[0])];
    }
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect()
}

/// A UTF-16BE destination as text; `None` when empty or when no unit decodes.
pub fn utf16be_text(bytes: &[u8]) -> Option<String> {
    decode_utf16(&utf16_units(bytes))
}

fn decode_utf16(units: &[u16]) -> Option<String> {
    let text: String = char::decode_utf16(units.iter().copied())
        .filter_map(Result::ok)
        .collect();
    (!text.is_empty()).then_some(text)
}

/// A CMap known by name and not embedded: how its codes split and what they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predefined {
    pub kind: PredefinedKind,
    pub vertical: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PredefinedKind {
    /// `Identity-H`/`-V`: two-byte codes that are CIDs; the text needs a ToUnicode or the font.
    Identity,
    /// `Uni…-UCS2-…`: two-byte codes that are UCS-2 code points.
    Ucs2,
    /// `Uni…-UTF16-…`: UTF-16BE, two bytes or a four-byte surrogate pair.
    Utf16,
    /// `Uni…-UTF8-…`: UTF-8, one to four bytes.
    Utf8,
    /// `Uni…-UTF32-…`: four-byte code points.
    Utf32,
    /// GB 2312 / GBK / GB 18030 byte encodings (`GB-EUC-H`, `GBK-EUC-H`, `GBKp-EUC-H`, `GBK2K-H`…).
    Gb(GbVariant),
    /// Big Five (`ETen-B5-H`, `B5pc-H`, `HKscs-B5-H`…).
    Big5,
    /// Shift-JIS (`90ms-RKSJ-H`, `83pv-RKSJ-H`…).
    ShiftJis,
    /// EUC-KR / Unified Hangul Code (`KSC-EUC-H`, `KSCms-UHC-H`…).
    Korean,
}

/// Which GB CMap, for the CIDs of its one-byte codes (used for widths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GbVariant {
    /// `GB-EUC-H`, `GBpc-EUC-H`: one-byte codes are Adobe-GB1 CIDs 7716 (space) and 814–907.
    Gb2312,
    /// `GBK-EUC-H`, `GBKp-EUC-H`: one-byte codes 0x20–0x7E are CIDs 1–95.
    Gbk,
    /// `GBK2K-H`: GB 18030, with four-byte codes; one-byte codes as for GBK.
    Gb18030,
}

impl Predefined {
    /// Recognises a predefined CMap by name; `None` for names this reader does not know.
    pub fn from_name(name: &str) -> Option<Predefined> {
        let vertical = name.ends_with("-V");
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))?;
        let kind = match base {
            "Identity" => PredefinedKind::Identity,
            "GB-EUC" | "GBpc-EUC" | "GBT-EUC" | "GBTpc-EUC" => {
                PredefinedKind::Gb(GbVariant::Gb2312)
            }
            "GBK-EUC" | "GBKp-EUC" | "GBT" => PredefinedKind::Gb(GbVariant::Gbk),
            "GBK2K" => PredefinedKind::Gb(GbVariant::Gb18030),
            "B5pc" | "B5" | "ETen-B5" | "ETenms-B5" | "HKscs-B5" | "HKdla-B5" | "HKdlb-B5"
            | "HKgccs-B5" | "HKm314-B5" | "HKm471-B5" => PredefinedKind::Big5,
            "83pv-RKSJ" | "90ms-RKSJ" | "90msp-RKSJ" | "90pv-RKSJ" | "Add-RKSJ" | "Ext-RKSJ"
            | "RKSJ" => PredefinedKind::ShiftJis,
            "KSC-EUC" | "KSCms-UHC" | "KSCms-UHC-HW" | "KSCpc-EUC" => PredefinedKind::Korean,
            _ if base.starts_with("Uni") => unicode_kind(base)?,
            _ => return None,
        };
        Some(Predefined { kind, vertical })
    }

    /// Splits the next code off `bytes`: its value, its byte length, and whether it is whole (a
    /// string may end in the middle of a multi-byte code).
    pub fn next_code(&self, bytes: &[u8]) -> Option<(u32, usize, bool)> {
        let first = *bytes.first()?;
        let len = match self.kind {
            PredefinedKind::Identity | PredefinedKind::Ucs2 => 2,
            PredefinedKind::Utf32 => 4,
            PredefinedKind::Utf16 => {
                if (0xD8..=0xDB).contains(&first) {
                    4
                } else {
                    2
                }
            }
            PredefinedKind::Utf8 => match first {
                0xF0..=0xF7 => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            },
            PredefinedKind::Gb(variant) => gb_code_len(variant, bytes),
            PredefinedKind::Big5 | PredefinedKind::Korean => {
                if first <= 0x80 {
                    1
                } else {
                    2
                }
            }
            PredefinedKind::ShiftJis => {
                if first < 0x80 || (0xA1..=0xDF).contains(&first) {
                    1
                } else {
                    2
                }
            }
        };
        let whole = len <= bytes.len();
        let len = len.min(bytes.len());
        Some((code_value(&bytes[..len]), len, whole))
    }

    /// The text a code stands for, when the CMap itself says (all but `Identity`).
    pub fn unicode(&self, bytes: &[u8]) -> Option<String> {
        let decode = |encoding: &'static encoding_rs::Encoding| {
            encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|text| text.into_owned())
        };
        match self.kind {
            PredefinedKind::Identity => None,
            PredefinedKind::Ucs2 | PredefinedKind::Utf16 => utf16be_text(bytes),
            PredefinedKind::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
            PredefinedKind::Utf32 => char::from_u32(code_value(bytes)).map(String::from),
            PredefinedKind::Gb(_) => decode(encoding_rs::GB18030),
            PredefinedKind::Big5 => decode(encoding_rs::BIG5),
            PredefinedKind::ShiftJis => decode(encoding_rs::SHIFT_JIS),
            PredefinedKind::Korean => decode(encoding_rs::EUC_KR),
        }
        .filter(|text| !text.is_empty())
    }

    /// The CID of a code, where it is known without the CMap's full table: `Identity` codes are
    /// CIDs, and the GB CMaps' one-byte (Latin) codes map to fixed Adobe-GB1 CIDs.
    pub fn cid(&self, code: u32, len: usize) -> Option<u32> {
        match self.kind {
            PredefinedKind::Identity => Some(code),
            PredefinedKind::Gb(variant) if len == 1 && (0x20..=0x7E).contains(&code) => {
                Some(match variant {
                    GbVariant::Gb2312 if code == 0x20 => 7716,
                    GbVariant::Gb2312 => 814 + (code - 0x21),
                    GbVariant::Gbk | GbVariant::Gb18030 => code - 0x1F,
                })
            }
            _ => None,
        }
    }
}

fn unicode_kind(base: &str) -> Option<PredefinedKind> {
    if base.contains("-UCS2") {
        Some(PredefinedKind::Ucs2)
    } else if base.contains("-UTF16") {
        Some(PredefinedKind::Utf16)
    } else if base.contains("-UTF8") {
        Some(PredefinedKind::Utf8)
    } else if base.contains("-UTF32") {
        Some(PredefinedKind::Utf32)
    } else {
        None
    }
}

/// GB codes: one byte below 0x80 (0x80 itself is one byte in GBK-EUC-H's codespace), four bytes
/// for GB 18030's `lead digit lead digit` sequences, two bytes otherwise.
fn gb_code_len(variant: GbVariant, bytes: &[u8]) -> usize {
    match bytes {
        [first, ..] if *first <= 0x80 => 1,
        [_, second, ..] if variant == GbVariant::Gb18030 && second.is_ascii_digit() => 4,
        _ => 2,
    }
}

/// The PostScript-like tokens of a CMap stream.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Hex(Vec<u8>),
    Str(Vec<u8>),
    Name(Vec<u8>),
    Int(i64),
    Real,
    Array(Vec<Token>),
    Keyword(Vec<u8>),
    /// `<<`, `>>`, `{`, `}`, `]` out of place: structure this reader does not need.
    Punct,
}

struct Tokenizer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// How deep arrays may nest before the rest is read flat (CMaps use one level).
const MAX_ARRAY_DEPTH: usize = 4;

impl Tokenizer<'_> {
    fn next_token(&mut self) -> Option<Token> {
        self.token(0)
    }

    fn token(&mut self, depth: usize) -> Option<Token> {
        self.skip_space();
        let &c = self.data.get(self.pos)?;
        self.pos += 1;
        Some(match c {
            b'<' if self.data.get(self.pos) == Some(&b'<') => {
                self.pos += 1;
                Token::Punct
            }
            b'>' if self.data.get(self.pos) == Some(&b'>') => {
                self.pos += 1;
                Token::Punct
            }
            b'<' => Token::Hex(self.hex_string()),
            b'(' => Token::Str(self.literal_string()),
            b'/' => Token::Name(self.word()),
            b'[' if depth < MAX_ARRAY_DEPTH => Token::Array(self.array(depth + 1)),
            b'[' | b']' | b'{' | b'}' | b'>' | b')' => Token::Punct,
            _ => {
                self.pos -= 1;
                let word = self.word();
                if word.is_empty() {
                    // A delimiter byte the cases above do not take: step over it.
                    self.pos += 1;
                    return Some(Token::Punct);
                }
                number(&word).unwrap_or(Token::Keyword(word))
            }
        })
    }

    fn skip_space(&mut self) {
        while let Some(&c) = self.data.get(self.pos) {
            if c == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else if is_space(c) {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> Vec<u8> {
        let start = self.pos;
        while let Some(&c) = self.data.get(self.pos) {
            if is_space(c) || is_delimiter(c) {
                break;
            }
            self.pos += 1;
        }
        self.data[start..self.pos].to_vec()
    }

    fn hex_string(&mut self) -> Vec<u8> {
        let mut digits = Vec::new();
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(d) = (c as char).to_digit(16) {
                digits.push(d as u8);
            }
        }
        // An odd final digit is followed by an implied 0 (§7.3.4.3).
        digits
            .chunks(2)
            .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
            .collect()
    }

    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => out.push(self.octal(e)),
                        b'\n' | b'\r' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn octal(&mut self, first: u8) -> u8 {
        let mut value = u32::from(first - b'0');
        for _ in 0..2 {
            match self.data.get(self.pos) {
                Some(&d @ b'0'..=b'7') => {
                    value = value * 8 + u32::from(d - b'0');
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (value & 0xFF) as u8
    }

    fn array(&mut self, depth: usize) -> Vec<Token> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.data.get(self.pos) {
                None => break,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => match self.token(depth) {
                    Some(token) => items.push(token),
                    None => break,
                },
            }
        }
        items
    }
}

fn number(word: &[u8]) -> Option<Token> {
    let text = std::str::from_utf8(word).ok()?;
    if let Ok(n) = text.parse::<i64>() {
        return Some(Token::Int(n));
    }
    text.parse::<f64>().ok().map(|_| Token::Real)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &str = "/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
3 beginbfchar
<0003> <0020>
<01F4> <90E8>  % 部
<0A01> <D840DC00>
endbfchar
2 beginbfrange
<0010> <0012> <95E8>
<0020> <0022> [<9884> <7B97> <0066006C>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end";

    fn codes(cmap: &CMap, bytes: &[u8]) -> Vec<(u32, usize, bool)> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while let Some((code, len, ok)) = cmap.next_code(rest) {
            out.push((code, len, ok));
            rest = &rest[len..];
        }
        out
    }

    #[test]
    fn bfchar_bfrange_and_the_array_form() {
        let cmap = CMap::parse(TO_UNICODE.as_bytes());
        assert_eq!(cmap.unicode(0x01F4).as_deref(), Some("部"));
        assert_eq!(cmap.unicode(0x0003).as_deref(), Some(" "));
        // A range adds its offset to the destination's last unit: 门 = U+95E8, 闩 = U+95E9.
        assert_eq!(cmap.unicode(0x0010).as_deref(), Some("门"));
        assert_eq!(cmap.unicode(0x0011).as_deref(), Some("\u{95E9}"));
        assert_eq!(cmap.unicode(0x0013), None);
        assert_eq!(cmap.unicode(0x0020).as_deref(), Some("预"));
        assert_eq!(cmap.unicode(0x0021).as_deref(), Some("算"));
        assert_eq!(cmap.unicode(0x0022).as_deref(), Some("fl"));
        // A surrogate pair decodes to one supplementary-plane character.
        assert_eq!(cmap.unicode(0x0A01).as_deref(), Some("\u{20000}"));
        assert!(!cmap.vertical);
    }

    #[test]
    fn codes_split_by_codespace_ranges() {
        let cmap = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange
              1 beginbfchar <41> <0041> endbfchar 1 beginbfchar <B2BF> <90E8> endbfchar",
        );
        assert_eq!(
            codes(&cmap, b"A\xB2\xBFB"),
            vec![(0x41, 1, true), (0xB2BF, 2, true), (0x42, 1, true)]
        );
        // 0xFF starts no range: the shortest range's length is consumed and the code flagged.
        assert_eq!(codes(&cmap, b"\xFF"), vec![(0xFF, 1, false)]);
        // Without a codespace the mapping sources tell the length.
        let bare = CMap::parse(b"beginbfchar <0041> <0041> endbfchar");
        assert_eq!(
            codes(&bare, b"\x00A\x00B"),
            vec![(0x41, 2, true), (0x42, 2, true)]
        );
    }

    #[test]
    fn cid_mappings_and_wmode() {
        let cmap = CMap::parse(
            b"/WMode 1 def /Identity-V usecmap 1 begincidrange <0000> <00FF> 100 endcidrange
              1 begincidchar <0101> 7 endcidchar",
        );
        assert_eq!(cmap.cid(0x0010), Some(116));
        assert_eq!(cmap.cid(0x0101), Some(7));
        assert_eq!(cmap.cid(0x0200), None);
        assert!(cmap.vertical);
        assert_eq!(cmap.use_cmap.as_deref(), Some("Identity-V"));
    }

    #[test]
    fn garbage_never_panics() {
        for input in [
            &b"beginbfrange <FFFFFFFF> <00> <41> endbfrange"[..],
            b"beginbfchar <",
            b"[[[[[[[[[[[[[[[[[[[[[[",
            b"beginbfrange <00> <FF> <FFFF> endbfrange",
            b"(unterminated \\",
            b"\xFF\xFE>>>>))]]",
        ] {
            let cmap = CMap::parse(input);
            let _ = cmap.unicode(0xFF);
            let _ = codes(&cmap, b"\x00\x01\xFF");
        }
        // The last unit overflowing 0xFFFF gives no text, never a wrong character.
        let cmap = CMap::parse(b"beginbfrange <00> <FF> <FFFF> endbfrange");
        assert_eq!(cmap.unicode(1), None);
    }

    #[test]
    fn predefined_unicode_cmaps() {
        let ucs2 = Predefined::from_name("UniGB-UCS2-H").unwrap();
        assert_eq!(ucs2.next_code(b"\x90\xE8\x95\xE8"), Some((0x90E8, 2, true)));
        assert_eq!(ucs2.next_code(b"\x90"), Some((0x90, 1, false)));
        assert_eq!(ucs2.unicode(b"\x90\xE8").as_deref(), Some("部"));
        let utf16 = Predefined::from_name("UniGB-UTF16-V").unwrap();
        assert!(utf16.vertical);
        assert_eq!(
            utf16.next_code(b"\xD8\x40\xDC\x00"),
            Some((0xD840DC00, 4, true))
        );
        assert_eq!(
            utf16.unicode(b"\xD8\x40\xDC\x00").as_deref(),
            Some("\u{20000}")
        );
        assert_eq!(
            Predefined::from_name("Identity-H")
                .unwrap()
                .unicode(b"\x00\x41"),
            None
        );
        assert_eq!(Predefined::from_name("Adobe-Japan1-6"), None);
    }

    #[test]
    fn predefined_gb_cmaps() {
        let (bytes, _, _) = encoding_rs::GBK.encode("部门A");
        for name in ["GBK-EUC-H", "GB-EUC-H", "GBKp-EUC-H", "GBK2K-H"] {
            let cmap = Predefined::from_name(name).unwrap();
            let mut rest = &bytes[..];
            let mut text = String::new();
            while let Some((_, len, _)) = cmap.next_code(rest) {
                text += &cmap.unicode(&rest[..len]).unwrap();
                rest = &rest[len..];
            }
            assert_eq!(text, "部门A", "{name}");
        }
        // GB 18030 four-byte codes.
        let gbk2k = Predefined::from_name("GBK2K-H").unwrap();
        let (four, _, _) = encoding_rs::GB18030.encode("\u{20000}");
        assert_eq!(four.len(), 4);
        assert_eq!(gbk2k.next_code(&four).map(|c| c.1), Some(4));
        assert_eq!(gbk2k.unicode(&four).as_deref(), Some("\u{20000}"));
        assert_eq!(gbk2k.cid(0x41, 1), Some(0x41 - 0x1F));
        // An invalid GBK pair is not text.
        let gbk = Predefined::from_name("GBK-EUC-H").unwrap();
        assert_eq!(gbk.unicode(b"\xFF\xFF"), None);
    }
}
