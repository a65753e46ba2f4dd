//! Fonts (ISO 32000-1 §9.6–9.10): a font dictionary → a [`Font`] that turns the bytes of a shown
//! string into codes, each with its Unicode text (or none) and its advance width.
//!
//! Takes a font dictionary from a page's resources and gives a [`Font`] whose [`Font::decode`]
//! yields one [`Shown`] per character code. Text comes from, in order of trust:
//!
//! 1. the font's `ToUnicode` CMap (it wins whenever it maps a code to usable text);
//! 2. what the encoding itself says: for simple fonts `/Encoding` (WinAnsi, MacRoman, Standard) with
//!    `/Differences` glyph names; for composite (Type0) fonts the predefined CMaps whose codes are
//!    text (`UniGB-UCS2-H`, `UniGB-UTF16-H`, `GBK-EUC-H`, `GB-EUC-H`, `GBKp-EUC-H`, `GBK2K-H`…);
//! 3. the embedded font program (read with `ttf-parser`): its own Unicode `cmap` inverted (glyph →
//!    Unicode), reached from a CID through `CIDToGIDMap` (Identity when absent; a CID-keyed CFF's
//!    charset), or from a simple font's code through its symbol `cmap` or glyph name; failing that,
//!    the glyph's PostScript name (`post` table or CFF charset).
//!
//! A code none of these decodes to usable text (no control characters, private-use code points or
//! U+FFFD) gets `text: None`: the caller counts it as undecodable and shows nothing, because a
//! wrong character in a budget table is worse than a missing one.
//!
//! Widths: simple fonts use `Widths`/`FirstChar` (`MissingWidth` outside), the standard 14 fonts
//! approximate metrics when `Widths` is absent; composite fonts use `W` and `DW`. Widths are given
//! in text space units per unit of font size (glyph units / 1000, or via a Type 3 `FontMatrix`).

use super::cmap::{CMap, Predefined};
use super::encodings::{GLYPH_NAMES, LIGATURES, MAC_ROMAN, STANDARD, WIN_ANSI};
use lopdf::{Dictionary, Document, Object};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

/// One character code of a shown string, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The code's Unicode text; `None` when it cannot be decoded.
    pub text: Option<String>,
    /// Advance in text space units per unit font size: horizontal for horizontal fonts, vertical
    /// (negative: downwards) for vertical ones.
    pub width: f32,
    /// A single-byte code 32, to which word spacing (`Tw`) applies.
    pub word_space: bool,
}

/// A font ready to decode strings.
#[derive(Debug)]
pub struct Font {
    /// `BaseFont`, for messages and tests.
    pub name: String,
    /// Vertical writing mode (`-V` CMaps): glyphs advance downwards.
    pub vertical: bool,
    /// Ascent and descent as fractions of the font size (descent ≤ 0).
    pub ascent: f32,
    pub descent: f32,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Simple(Box<Simple>),
    Composite(Box<Composite>),
}

#[derive(Debug)]
struct Simple {
    /// Text per code from ToUnicode and the encoding.
    text: Vec<Option<String>>,
    /// Glyph names per code (from `/Differences` or a built-in encoding), for embedded lookups.
    names: Vec<Option<String>>,
    widths: Vec<f32>,
    embedded: Option<Embedded>,
    /// Text recovered from the embedded font for codes the encoding leaves open, made on first use.
    recovered: OnceCell<Vec<Option<String>>>,
}

#[derive(Debug)]
struct Composite {
    encoding: CodeMap,
    to_unicode: Option<CMap>,
    widths: CidWidths,
    /// Vertical advance (`DW2`'s second entry), in text space units.
    vertical_advance: f32,
    cid_to_gid: Option<Vec<u16>>,
    embedded: Option<Embedded>,
}

/// How a composite font's codes split and map to CIDs.
#[derive(Debug)]
enum CodeMap {
    Predefined(Predefined),
    /// An embedded CMap, with the predefined CMap it builds on (`usecmap`), if any.
    Embedded(CMap, Option<Predefined>),
    /// An encoding this reader does not know: codes split by the ToUnicode's codespace, or in two
    /// bytes, and only a ToUnicode can decode them.
    Unknown,
}

#[derive(Debug, Default)]
struct CidWidths {
    default: f32,
    /// Low CID → (high CID, width), from the `W` array.
    ranges: BTreeMap<u32, (u32, f32)>,
}

/// Longest run of widths read from one `W` sub-array or `Widths` array, and CID map entries:
/// bounds what a hostile font can make us allocate.
const MAX_WIDTH_ENTRIES: usize = 1 << 17;

impl Font {
    /// Decodes a shown string into codes.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Shown> {
        match &self.kind {
            Kind::Simple(simple) => bytes.iter().map(|&code| simple.shown(code)).collect(),
            Kind::Composite(composite) => composite.decode(bytes, self.vertical),
        }
    }

    /// A font that decodes nothing (used when a font resource is missing or broken): every code
    /// counts as undecodable, one byte each, with a typical width so positions stay plausible.
    pub fn undecodable() -> Font {
        Font {
            name: String::new(),
            vertical: false,
            ascent: DEFAULT_ASCENT,
            descent: DEFAULT_DESCENT,
            kind: Kind::Simple(Box::new(Simple {
                text: vec![None; 256],
                names: vec![None; 256],
                widths: vec![0.5; 256],
                embedded: None,
                recovered: OnceCell::new(),
            })),
        }
    }
}

const DEFAULT_ASCENT: f32 = 0.8;
const DEFAULT_DESCENT: f32 = -0.2;

/// Loads a font from its dictionary. Never fails: what cannot be read decodes to nothing.
/// `max_bytes` bounds each embedded stream (ToUnicode, font program) after decompression.
pub fn load_font(doc: &Document, dict: &Dictionary, max_bytes: usize) -> Font {
    let name = name_of(doc, dict, b"BaseFont").unwrap_or_default();
    let subtype = name_of(doc, dict, b"Subtype").unwrap_or_default();
    let to_unicode = deref(doc, dict.get(b"ToUnicode").ok())
        .and_then(|o| o.as_stream().ok())
        .and_then(|s| s.get_plain_content_with_limit(max_bytes).ok())
        .map(|data| CMap::parse(&data))
        .filter(CMap::has_unicode);
    if subtype == "Type0" {
        load_composite(doc, dict, name, to_unicode, max_bytes)
    } else {
        load_simple(doc, dict, name, &subtype, to_unicode, max_bytes)
    }
}

fn load_simple(
    doc: &Document,
    dict: &Dictionary,
    name: String,
    subtype: &str,
    to_unicode: Option<CMap>,
    max_bytes: usize,
) -> Font {
    let descriptor = dict_at(doc, dict, b"FontDescriptor");
    let embedded = descriptor.and_then(|d| Embedded::load(doc, d, max_bytes));
    let flags = descriptor
        .and_then(|d| deref(doc, d.get(b"Flags").ok()))
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    // Symbolic (bit 3) without Nonsymbolic (bit 6): the codes are the font's own, not Latin text.
    let symbolic = flags & 4 != 0 && flags & 32 == 0;
    let standard = standard_font(&name);
    let names = simple_glyph_names(doc, dict, subtype, symbolic, standard, embedded.as_ref());
    let mut text: Vec<Option<String>> = names
        .iter()
        .map(|n| n.as_deref().and_then(glyph_name_to_unicode))
        .collect();
    if let Some(cmap) = &to_unicode {
        for (code, slot) in text.iter_mut().enumerate() {
            if let Some(mapped) = cmap.unicode(code as u32).filter(|t| usable(t)) {
                *slot = Some(mapped);
            }
        }
    }
    let scale = type3_scale(doc, dict).unwrap_or(0.001);
    let widths = simple_widths(
        doc,
        dict,
        descriptor,
        scale,
        standard,
        &text,
        embedded.as_ref(),
        &names,
    );
    let (ascent, descent) = if subtype == "Type3" {
        type3_extent(doc, dict, scale)
    } else {
        descriptor_extent(doc, descriptor)
    };
    Font {
        name,
        vertical: false,
        ascent,
        descent,
        kind: Kind::Simple(Box::new(Simple {
            text,
            names,
            widths,
            embedded,
            recovered: OnceCell::new(),
        })),
    }
}

impl Simple {
    fn shown(&self, code: u8) -> Shown {
        let i = usize::from(code);
        let text = self.text[i].clone().or_else(|| self.recover(i));
        Shown {
            text,
            width: self.widths[i],
            word_space: code == 32,
        }
    }

    /// Text for a code the encoding leaves open, from the embedded font (all codes at once, once).
    fn recover(&self, code: usize) -> Option<String> {
        let embedded = self.embedded.as_ref()?;
        let table = self.recovered.get_or_init(|| {
            (0..256)
                .map(|c| {
                    if self.text[c].is_some() {
                        return None;
                    }
                    let by_name = self.names[c]
                        .as_deref()
                        .and_then(|n| embedded.gid_for_name(n));
                    let gid = by_name.or_else(|| embedded.gid_for_simple_code(c as u8))?;
                    embedded.text_for_gid(gid)
                })
                .collect()
        });
        table[code].clone()
    }
}

/// The glyph name of each code from the encoding: `/Encoding` (a name, or a dictionary with
/// `BaseEncoding` and `Differences`), or the font's built-in encoding when there is none.
fn simple_glyph_names(
    doc: &Document,
    dict: &Dictionary,
    subtype: &str,
    symbolic: bool,
    standard: Option<Standard14>,
    embedded: Option<&Embedded>,
) -> Vec<Option<String>> {
    let encoding = deref(doc, dict.get(b"Encoding").ok());
    let (base_name, differences) = match encoding {
        Some(Object::Name(n)) => (Some(n.as_slice()), None),
        Some(Object::Dictionary(d)) => (
            deref(doc, d.get(b"BaseEncoding").ok()).and_then(|o| o.as_name().ok()),
            deref(doc, d.get(b"Differences").ok()).and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    let table = match base_name {
        Some(b"WinAnsiEncoding") => Some(&WIN_ANSI),
        Some(b"MacRomanEncoding") => Some(&MAC_ROMAN),
        Some(b"StandardEncoding") => Some(&STANDARD),
        _ => None,
    };
    let mut names: Vec<Option<String>> = match table {
        Some(table) => table_names(table),
        None => builtin_names(subtype, symbolic, standard, embedded),
    };
    if let Some(differences) = differences {
        apply_differences(doc, differences, &mut names);
    }
    names
}

/// The encoding a simple font uses when it names none (§9.6.6.1–9.6.6.4).
fn builtin_names(
    subtype: &str,
    symbolic: bool,
    standard: Option<Standard14>,
    embedded: Option<&Embedded>,
) -> Vec<Option<String>> {
    if let Some(names) = embedded.and_then(Embedded::builtin_names) {
        return names;
    }
    let latin = match standard {
        Some(Standard14::Symbol) => false,
        Some(_) => true,
        // A nonsymbolic font uses the standard Latin character set, and without an /Encoding its
        // codes are StandardEncoding's (§9.6.6.1, §9.6.6.4); a symbolic one's codes are its own.
        None => !symbolic && subtype != "Type3",
    };
    if latin {
        table_names(&STANDARD)
    } else {
        vec![None; 256]
    }
}

/// A code → Unicode table as code → glyph "names": `uniXXXX` round-trips through
/// [`glyph_name_to_unicode`] and lets embedded fonts be searched by name.
fn table_names(table: &[u16; 256]) -> Vec<Option<String>> {
    table
        .iter()
        .map(|&u| (u != 0).then(|| format!("uni{u:04X}")))
        .collect()
}

fn apply_differences(doc: &Document, differences: &[Object], names: &mut [Option<String>]) {
    let mut code: Option<usize> = None;
    for item in differences {
        match deref(doc, Some(item)) {
            Some(Object::Integer(n)) => code = usize::try_from(*n).ok(),
            Some(Object::Name(name)) => {
                if let Some(c) = code {
                    if let Some(slot) = names.get_mut(c) {
                        *slot = Some(String::from_utf8_lossy(name).into_owned());
                    }
                    code = Some(c + 1);
                }
            }
            _ => {}
        }
    }
}

fn load_composite(
    doc: &Document,
    dict: &Dictionary,
    name: String,
    to_unicode: Option<CMap>,
    max_bytes: usize,
) -> Font {
    let descendant = deref(doc, dict.get(b"DescendantFonts").ok())
        .and_then(|o| o.as_array().ok())
        .and_then(|a| deref(doc, a.first()))
        .and_then(|o| o.as_dict().ok());
    let encoding = match deref(doc, dict.get(b"Encoding").ok()) {
        Some(Object::Name(n)) => std::str::from_utf8(n)
            .ok()
            .and_then(Predefined::from_name)
            .map_or(CodeMap::Unknown, CodeMap::Predefined),
        Some(Object::Stream(s)) => match s.get_plain_content_with_limit(max_bytes) {
            Ok(data) => {
                let cmap = CMap::parse(&data);
                let base = cmap.use_cmap.as_deref().and_then(Predefined::from_name);
                CodeMap::Embedded(cmap, base)
            }
            Err(_) => CodeMap::Unknown,
        },
        _ => CodeMap::Unknown,
    };
    let vertical = match &encoding {
        CodeMap::Predefined(p) => p.vertical,
        CodeMap::Embedded(cmap, base) => cmap.vertical || base.is_some_and(|b| b.vertical),
        CodeMap::Unknown => false,
    };
    let descriptor = descendant.and_then(|d| dict_at(doc, d, b"FontDescriptor"));
    let embedded = descriptor.and_then(|d| Embedded::load(doc, d, max_bytes));
    let widths = descendant.map(|d| cid_widths(doc, d)).unwrap_or(CidWidths {
        default: 1.0,
        ranges: BTreeMap::new(),
    });
    let vertical_advance = descendant
        .and_then(|d| deref(doc, d.get(b"DW2").ok()))
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.get(1))
        .and_then(number)
        .map_or(-1.0, |w| w / 1000.0);
    let cid_to_gid = descendant.and_then(|d| cid_to_gid_map(doc, d, max_bytes));
    let (ascent, descent) = descriptor_extent(doc, descriptor);
    Font {
        name,
        vertical,
        ascent,
        descent,
        kind: Kind::Composite(Box::new(Composite {
            encoding,
            to_unicode,
            widths,
            vertical_advance,
            cid_to_gid,
            embedded,
        })),
    }
}

impl Composite {
    fn decode(&self, bytes: &[u8], vertical: bool) -> Vec<Shown> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while let Some((code, len, whole)) = self.next_code(rest) {
            // `next_code` never gives 0 for a non-empty slice; guard anyway so the loop must end.
            let len = len.clamp(1, rest.len());
            let code_bytes = &rest[..len];
            rest = &rest[len..];
            let cid = self.cid(code, len);
            // A cut-off code, or one outside the codespace, shows .notdef (§9.7.6.3): no text.
            let text = whole.then(|| self.text(code, code_bytes, cid)).flatten();
            let width = if vertical {
                self.vertical_advance
            } else {
                self.widths.width(cid, text.as_deref())
            };
            out.push(Shown {
                text,
                width,
                word_space: len == 1 && code == 32,
            });
        }
        out
    }

    /// The next code: its value, byte length, and whether it is whole and in the codespace.
    fn next_code(&self, bytes: &[u8]) -> Option<(u32, usize, bool)> {
        let two_bytes = || {
            let len = bytes.len().min(2);
            (len > 0).then(|| (super::cmap::code_value(&bytes[..len]), len, len == 2))
        };
        match &self.encoding {
            CodeMap::Predefined(p) => p.next_code(bytes),
            CodeMap::Embedded(cmap, base) => cmap
                .next_code(bytes)
                .or_else(|| base.and_then(|b| b.next_code(bytes)))
                .or_else(two_bytes),
            CodeMap::Unknown => self
                .to_unicode
                .as_ref()
                .and_then(|c| c.next_code(bytes))
                .or_else(two_bytes),
        }
    }

    fn cid(&self, code: u32, len: usize) -> Option<u32> {
        match &self.encoding {
            CodeMap::Predefined(p) => p.cid(code, len),
            CodeMap::Embedded(cmap, base) => cmap
                .cid(code)
                .or_else(|| base.and_then(|b| b.cid(code, len)))
                .or_else(|| (!cmap.has_cids()).then_some(code)),
            CodeMap::Unknown => None,
        }
    }

    fn text(&self, code: u32, bytes: &[u8], cid: Option<u32>) -> Option<String> {
        if let Some(text) = self
            .to_unicode
            .as_ref()
            .and_then(|c| c.unicode(code))
            .filter(|t| usable(t))
        {
            return Some(text);
        }
        let predefined = match &self.encoding {
            CodeMap::Predefined(p) => Some(*p),
            CodeMap::Embedded(_, base) => *base,
            CodeMap::Unknown => None,
        };
        if let Some(text) = predefined
            .and_then(|p| p.unicode(bytes))
            .filter(|t| usable(t))
        {
            return Some(text);
        }
        let embedded = self.embedded.as_ref()?;
        let cid = cid?;
        let gid = match &self.cid_to_gid {
            Some(map) => *map.get(cid as usize)?,
            None => embedded.gid_for_cid(cid)?,
        };
        embedded.text_for_gid(gid)
    }
}

impl CidWidths {
    /// Width of a CID; when the CID is unknown (a predefined CMap without its table), the default
    /// width, halved for Latin text, which CJK fonts set half-width.
    fn width(&self, cid: Option<u32>, text: Option<&str>) -> f32 {
        match cid {
            Some(cid) => self
                .ranges
                .range(..=cid)
                .next_back()
                .filter(|(_, (hi, _))| cid <= *hi)
                .map_or(self.default, |(_, (_, w))| *w),
            None if text.is_some_and(is_narrow) => self.default / 2.0,
            None => self.default,
        }
    }
}

fn is_narrow(text: &str) -> bool {
    text.chars()
        .all(|c| (c as u32) < 0x0100 || ('\u{FF61}'..='\u{FFDC}').contains(&c))
}

/// `W`: `c [w1 w2 …]` gives consecutive CIDs from c; `c_first c_last w` gives a range one width.
fn cid_widths(doc: &Document, cid_font: &Dictionary) -> CidWidths {
    let default = deref(doc, cid_font.get(b"DW").ok())
        .and_then(number)
        .map_or(1.0, |w| w / 1000.0);
    let mut widths = CidWidths {
        default,
        ranges: BTreeMap::new(),
    };
    let Some(w) = deref(doc, cid_font.get(b"W").ok()).and_then(|o| o.as_array().ok()) else {
        return widths;
    };
    let mut i = 0;
    while i < w.len() {
        let Some(first) = deref(doc, w.get(i)).and_then(|o| o.as_i64().ok()) else {
            break;
        };
        let Ok(first) = u32::try_from(first) else {
            break;
        };
        match deref(doc, w.get(i + 1)) {
            Some(Object::Array(list)) => {
                for (k, item) in list.iter().take(MAX_WIDTH_ENTRIES).enumerate() {
                    if let Some(width) = deref(doc, Some(item)).and_then(number) {
                        let cid = first.saturating_add(k as u32);
                        widths.ranges.insert(cid, (cid, width / 1000.0));
                    }
                }
                i += 2;
            }
            Some(last) => {
                let last = last.as_i64().ok().and_then(|l| u32::try_from(l).ok());
                let width = deref(doc, w.get(i + 2)).and_then(number);
                if let (Some(last), Some(width)) = (last, width)
                    && last >= first
                {
                    widths.ranges.insert(first, (last, width / 1000.0));
                }
                i += 3;
            }
            None => break,
        }
    }
    widths
}

/// `CIDToGIDMap` as a stream of big-endian glyph ids; `None` for `Identity` or absent.
fn cid_to_gid_map(doc: &Document, cid_font: &Dictionary, max_bytes: usize) -> Option<Vec<u16>> {
    let stream = deref(doc, cid_font.get(b"CIDToGIDMap").ok())?
        .as_stream()
        .ok()?;
    let data = stream.get_plain_content_with_limit(max_bytes).ok()?;
    Some(
        data.chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect(),
    )
}

#[allow(clippy::too_many_arguments)]
fn simple_widths(
    doc: &Document,
    dict: &Dictionary,
    descriptor: Option<&Dictionary>,
    scale: f32,
    standard: Option<Standard14>,
    text: &[Option<String>],
    embedded: Option<&Embedded>,
    names: &[Option<String>],
) -> Vec<f32> {
    let missing = descriptor
        .and_then(|d| deref(doc, d.get(b"MissingWidth").ok()))
        .and_then(number)
        .map_or(0.0, |w| scaled(w, scale));
    let listed = deref(doc, dict.get(b"Widths").ok()).and_then(|o| o.as_array().ok());
    if let Some(listed) = listed {
        let first = deref(doc, dict.get(b"FirstChar").ok())
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        return (0..256i64)
            .map(|code| {
                code.checked_sub(first)
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| deref(doc, listed.get(i)))
                    .and_then(number)
                    .map_or(missing, |w| scaled(w, scale))
            })
            .collect();
    }
    // No Widths (allowed only for the standard 14 fonts): approximate from their metrics, else
    // the embedded program's advances, else a typical width.
    (0..256usize)
        .map(|code| {
            let ch = text[code].as_deref().and_then(|t| t.chars().next());
            if let Some(font) = standard {
                return font.width(ch);
            }
            let gid = embedded.and_then(|e| {
                names[code]
                    .as_deref()
                    .and_then(|n| e.gid_for_name(n))
                    .or_else(|| e.gid_for_simple_code(code as u8))
            });
            gid.and_then(|g| embedded.and_then(|e| e.advance(g)))
                .unwrap_or(if missing > 0.0 { missing } else { 0.5 })
        })
        .collect()
}

/// Glyph units to text space: `/ 1000` exactly for ordinary fonts (so 700 is 0.7), the
/// `FontMatrix` factor for Type 3.
fn scaled(width: f32, scale: f32) -> f32 {
    if scale == 0.001 {
        width / 1000.0
    } else {
        width * scale
    }
}

/// A Type 3 font's horizontal scale (`FontMatrix` a), which replaces the usual 1/1000.
fn type3_scale(doc: &Document, dict: &Dictionary) -> Option<f32> {
    let matrix = deref(doc, dict.get(b"FontMatrix").ok())?.as_array().ok()?;
    let a = matrix.first().and_then(number)?;
    (a.is_finite() && a != 0.0).then_some(a)
}

fn type3_extent(doc: &Document, dict: &Dictionary, scale: f32) -> (f32, f32) {
    let bbox: Vec<f32> = deref(doc, dict.get(b"FontBBox").ok())
        .and_then(|o| o.as_array().ok())
        .map(|a| a.iter().filter_map(number).collect())
        .unwrap_or_default();
    match bbox.as_slice() {
        [_, y0, _, y1] => sane_extent(y1.max(*y0) * scale.abs(), y0.min(*y1) * scale.abs()),
        _ => (DEFAULT_ASCENT, DEFAULT_DESCENT),
    }
}

fn descriptor_extent(doc: &Document, descriptor: Option<&Dictionary>) -> (f32, f32) {
    let get = |key: &[u8]| {
        descriptor
            .and_then(|d| deref(doc, d.get(key).ok()))
            .and_then(number)
    };
    match (get(b"Ascent"), get(b"Descent")) {
        (Some(a), Some(d)) => sane_extent(a / 1000.0, d / 1000.0),
        _ => (DEFAULT_ASCENT, DEFAULT_DESCENT),
    }
}

/// Producers write odd metrics (0, positive descents, ascents in other units or including the line
/// gap: 1420/-442 for Times New Roman is common); use them only when they describe a plausible
/// glyph box, else the defaults, so boxes of neighbouring lines do not overlap.
fn sane_extent(ascent: f32, descent: f32) -> (f32, f32) {
    let descent = if descent > 0.0 { -descent } else { descent };
    if (0.5..=1.1).contains(&ascent) && (-0.4..=0.0).contains(&descent) {
        (ascent, descent)
    } else {
        (DEFAULT_ASCENT, DEFAULT_DESCENT)
    }
}

/// Whether decoded text is something a reader would see: no controls, no U+FFFD, no private-use or
/// noncharacter code points (fonts map unnamed glyphs there; they are not text).
pub fn usable(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            let u = c as u32;
            !c.is_control()
                && c != '\u{FFFD}'
                && !(0xE000..=0xF8FF).contains(&u)
                && u < 0xF0000
                && !(0xFDD0..=0xFDEF).contains(&u)
                && (u & 0xFFFE) != 0xFFFE
        })
}

/// A glyph name → its Unicode text (AGL rules): known names, `uniXXXX` (one or more BMP code points
/// of four uppercase hex digits), `uXXXX`–`uXXXXXX`, ligatures joined by `_`, suffixes after `.`
/// dropped. `None` for names that say nothing (`g12`, `cid00042`, `.notdef`).
pub fn glyph_name_to_unicode(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(single_glyph_name).collect();
        return parts.filter(|t| !t.is_empty());
    }
    single_glyph_name(base)
}

fn single_glyph_name(name: &str) -> Option<String> {
    if let Some((_, letters)) = LIGATURES.iter().find(|(n, _)| *n == name) {
        return Some((*letters).to_owned());
    }
    if let Ok(i) = GLYPH_NAMES.binary_search_by(|(n, _)| (*n).cmp(name)) {
        return char::from_u32(GLYPH_NAMES[i].1).map(String::from);
    }
    if let Some(hex) = name.strip_prefix("uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let text: Option<String> = hex
            .as_bytes()
            .chunks(4)
            .map(|chunk| {
                let value = u32::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
                char::from_u32(value)
            })
            .collect();
        return text;
    }
    if let Some(hex) = name.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .map(String::from);
    }
    None
}

/// The standard 14 fonts, by family (widths are approximated per family).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standard14 {
    Helvetica,
    Times,
    Courier,
    Symbol,
}

/// Recognises a standard 14 font (or its common Windows alias) from `BaseFont`, ignoring a subset
/// prefix (`ABCDEF+`).
fn standard_font(base_font: &str) -> Option<Standard14> {
    let name = match base_font.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 => rest,
        _ => base_font,
    };
    let family = name.split([',', '-']).next().unwrap_or(name);
    match family {
        "Helvetica" | "Arial" | "ArialMT" => Some(Standard14::Helvetica),
        "Times" | "TimesNewRoman" | "TimesNewRomanPS" | "TimesNewRomanPSMT" => {
            Some(Standard14::Times)
        }
        "Courier" | "CourierNew" | "CourierNewPSMT" => Some(Standard14::Courier),
        "Symbol" | "ZapfDingbats" => Some(Standard14::Symbol),
        _ => None,
    }
}

/// Helvetica's widths for ASCII 32–126 (glyph units).
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Times-Roman's widths for ASCII 32–126 (glyph units).
const TIMES_ASCII: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];

impl Standard14 {
    fn width(self, ch: Option<char>) -> f32 {
        let ascii = ch
            .map(|c| c as usize)
            .filter(|c| (32..127).contains(c))
            .map(|c| c - 32);
        let units = match (self, ascii) {
            (Standard14::Courier, _) => 600,
            (Standard14::Helvetica, Some(i)) => HELVETICA_ASCII[i],
            (Standard14::Times, Some(i)) => TIMES_ASCII[i],
            (Standard14::Helvetica, None) => 556,
            (Standard14::Times, None) => 500,
            (Standard14::Symbol, _) => 600,
        };
        f32::from(units) / 1000.0
    }
}

/// An embedded font program (`FontFile`, `FontFile2`, `FontFile3`), read on demand.
#[derive(Debug)]
struct Embedded {
    data: Vec<u8>,
    format: FontFormat,
    /// Glyph id → Unicode, from the program's Unicode cmap, built on first use.
    inverse: OnceCell<HashMap<u16, String>>,
    /// CID → glyph id for CID-keyed CFF programs, built on first use.
    cff_cids: OnceCell<HashMap<u32, u16>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FontFormat {
    /// TrueType or OpenType (sfnt container): `FontFile2`, or `FontFile3` `/OpenType`.
    Sfnt,
    /// A bare CFF program: `FontFile3` `/Type1C` or `/CIDFontType0C`.
    Cff,
    /// A Type 1 program (`FontFile`).
    Type1,
}

impl Embedded {
    fn load(doc: &Document, descriptor: &Dictionary, max_bytes: usize) -> Option<Embedded> {
        let (key, stream) = [&b"FontFile2"[..], b"FontFile3", b"FontFile"]
            .into_iter()
            .find_map(|key| {
                let stream = deref(doc, descriptor.get(key).ok())?.as_stream().ok()?;
                Some((key, stream))
            })?;
        let format = match key {
            b"FontFile2" => FontFormat::Sfnt,
            b"FontFile" => FontFormat::Type1,
            _ => match stream.dict.get(b"Subtype").and_then(Object::as_name) {
                Ok(b"OpenType") => FontFormat::Sfnt,
                _ => FontFormat::Cff,
            },
        };
        let data = stream.get_plain_content_with_limit(max_bytes).ok()?;
        Some(Embedded {
            data,
            format,
            inverse: OnceCell::new(),
            cff_cids: OnceCell::new(),
        })
    }

    fn face(&self) -> Option<ttf_parser::Face<'_>> {
        (self.format == FontFormat::Sfnt)
            .then(|| ttf_parser::Face::parse(&self.data, 0).ok())
            .flatten()
    }

    fn cff(&self) -> Option<ttf_parser::cff::Table<'_>> {
        match self.format {
            FontFormat::Cff => ttf_parser::cff::Table::parse(&self.data),
            FontFormat::Sfnt => self.face().and_then(|f| f.tables().cff),
            FontFormat::Type1 => None,
        }
    }

    /// A simple font's built-in encoding as glyph names: a Type 1 program's `dup code /name put`
    /// entries, or a CFF program's encoding. `None` when the program does not say.
    fn builtin_names(&self) -> Option<Vec<Option<String>>> {
        match self.format {
            FontFormat::Type1 => type1_encoding(&self.data),
            FontFormat::Cff => {
                let cff = self.cff()?;
                let names: Vec<Option<String>> = (0..=255u8)
                    .map(|code| {
                        let gid = cff.glyph_index(code)?;
                        (gid.0 != 0).then(|| cff.glyph_name(gid).map(str::to_owned))?
                    })
                    .collect();
                names.iter().any(Option::is_some).then_some(names)
            }
            FontFormat::Sfnt => None,
        }
    }

    fn gid_for_name(&self, name: &str) -> Option<u16> {
        let gid = match self.format {
            FontFormat::Sfnt => self.face()?.glyph_index_by_name(name),
            FontFormat::Cff => self.cff()?.glyph_index_by_name(name),
            FontFormat::Type1 => None,
        };
        gid.map(|g| g.0).filter(|&g| g != 0)
    }

    /// A simple TrueType font's glyph for a code through its symbol (3,0) or Macintosh (1,0)
    /// cmap: the route §9.6.6.4 prescribes for symbolic fonts.
    fn gid_for_simple_code(&self, code: u8) -> Option<u16> {
        let face = self.face()?;
        let cmap = face.tables().cmap?;
        let code = u32::from(code);
        for subtable in cmap.subtables {
            let candidates: &[u32] = match (subtable.platform_id, subtable.encoding_id) {
                (ttf_parser::PlatformId::Windows, 0) => {
                    &[code, 0xF000 + code, 0xF100 + code, 0xF200 + code]
                }
                (ttf_parser::PlatformId::Macintosh, 0) => &[code],
                _ => continue,
            };
            if let Some(gid) = candidates.iter().find_map(|&c| subtable.glyph_index(c)) {
                return Some(gid.0);
            }
        }
        None
    }

    fn gid_for_cid(&self, cid: u32) -> Option<u16> {
        let map = self.cff_cids.get_or_init(|| {
            let Some(cff) = self.cff() else {
                return HashMap::new();
            };
            (0..cff.number_of_glyphs())
                .filter_map(|gid| {
                    let cid = cff.glyph_cid(ttf_parser::GlyphId(gid))?;
                    Some((u32::from(cid), gid))
                })
                .collect()
        });
        if map.is_empty() {
            // Not CID-keyed: for TrueType (and OpenType without a CFF charset) the CID is the
            // glyph id (Identity CIDToGIDMap).
            return u16::try_from(cid).ok();
        }
        map.get(&cid).copied()
    }

    /// The text of a glyph: from the program's Unicode cmap inverted, else from its glyph name.
    fn text_for_gid(&self, gid: u16) -> Option<String> {
        if gid == 0 {
            return None;
        }
        let inverse = self.inverse.get_or_init(|| self.invert_cmap());
        if let Some(text) = inverse.get(&gid) {
            return Some(text.clone());
        }
        let name = match self.format {
            FontFormat::Sfnt => self
                .face()
                .and_then(|f| f.glyph_name(ttf_parser::GlyphId(gid)).map(str::to_owned)),
            FontFormat::Cff => self
                .cff()
                .and_then(|c| c.glyph_name(ttf_parser::GlyphId(gid)).map(str::to_owned)),
            FontFormat::Type1 => None,
        }?;
        glyph_name_to_unicode(&name).filter(|t| usable(t))
    }

    fn advance(&self, gid: u16) -> Option<f32> {
        let face = self.face()?;
        let advance = face.glyph_hor_advance(ttf_parser::GlyphId(gid))?;
        Some(f32::from(advance) / f32::from(face.units_per_em()))
    }

    /// Glyph id → Unicode from every Unicode subtable of the program's cmap.
    fn invert_cmap(&self) -> HashMap<u16, String> {
        let Some(face) = self.face() else {
            return HashMap::new();
        };
        let Some(cmap) = face.tables().cmap else {
            return HashMap::new();
        };
        let mut best: HashMap<u16, u32> = HashMap::new();
        for subtable in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
            invert_subtable(&subtable, &mut best);
        }
        best.into_iter()
            .filter_map(|(gid, u)| Some((gid, char::from_u32(u)?.to_string())))
            .filter(|(_, t)| usable(t))
            .collect()
    }
}

/// Scans a Unicode subtable over a bounded set of code points (the BMP, plus the CJK supplementary
/// plane for full-repertoire formats) rather than walking its segments, whose sizes a hostile font
/// controls. Where several code points share a glyph, the preferred one is kept.
fn invert_subtable(subtable: &ttf_parser::cmap::Subtable<'_>, best: &mut HashMap<u16, u32>) {
    let full = matches!(
        subtable.format,
        ttf_parser::cmap::Format::SegmentedCoverage(_)
            | ttf_parser::cmap::Format::ManyToOneRangeMappings(_)
    );
    // Plane 2 (CJK extensions) only exists in the full-repertoire formats.
    let last = if full { 0x2FA1F } else { 0xFFFF };
    for cp in (0x20..=last).filter(|cp| !(0x10000..0x20000).contains(cp)) {
        let Some(gid) = subtable.glyph_index(cp) else {
            continue;
        };
        best.entry(gid.0)
            .and_modify(|kept| {
                if preference(cp) < preference(*kept) {
                    *kept = cp;
                }
            })
            .or_insert(cp);
    }
}

/// Lower is better: a unified ideograph or ordinary character beats its compatibility, radical
/// or private-use aliases, which CJK fonts map to the same glyph.
fn preference(cp: u32) -> (u8, u32) {
    let alias = matches!(cp,
        0x2E80..=0x2FDF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F | 0xE000..=0xF8FF | 0x3300..=0x33FF);
    (u8::from(alias), cp)
}

/// A Type 1 program's encoding from its clear-text part: `/Encoding StandardEncoding def`, or the
/// `dup code /name put` entries of a custom encoding.
fn type1_encoding(data: &[u8]) -> Option<Vec<Option<String>>> {
    // The clear-text part ends where the encrypted part starts.
    let clear = match find(data, b"eexec") {
        Some(end) => &data[..end],
        None => data,
    };
    let start = find(clear, b"/Encoding")?;
    let rest = &clear[start..];
    if rest.len() > 9 && find(&rest[..rest.len().min(64)], b"StandardEncoding").is_some() {
        return Some(table_names(&STANDARD));
    }
    let text = String::from_utf8_lossy(rest);
    let mut names = vec![None; 256];
    let words: Vec<&str> = text.split_ascii_whitespace().take(4096).collect();
    for window in words.windows(4) {
        if let ["dup", code, name, "put"] = window
            && let (Ok(code), Some(name)) = (code.parse::<usize>(), name.strip_prefix('/'))
            && code < 256
        {
            names[code] = Some(name.to_owned());
        }
        if window[0] == "readonly" || window[0] == "def" && names.iter().any(Option::is_some) {
            break;
        }
    }
    names.iter().any(Option::is_some).then_some(names)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Follows references (lopdf bounds the chain).
pub fn deref<'a>(doc: &'a Document, object: Option<&'a Object>) -> Option<&'a Object> {
    doc.dereference(object?).ok().map(|(_, o)| o)
}

fn dict_at<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    deref(doc, dict.get(key).ok())?.as_dict().ok()
}

fn name_of(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<String> {
    let name = deref(doc, dict.get(key).ok())?.as_name().ok()?;
    Some(String::from_utf8_lossy(name).into_owned())
}

/// A number operand or entry, finite.
pub fn number(object: &Object) -> Option<f32> {
    let value = match object {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => return None,
    };
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    fn font(doc: &Document, dict: &Dictionary) -> Font {
        load_font(doc, dict, 1 << 20)
    }

    fn texts(font: &Font, bytes: &[u8]) -> Vec<Option<String>> {
        font.decode(bytes).into_iter().map(|s| s.text).collect()
    }

    fn joined(font: &Font, bytes: &[u8]) -> String {
        texts(font, bytes)
            .into_iter()
            .map(|t| t.unwrap_or_else(|| "�".into()))
            .collect()
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_unicode("A").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_unicode("zero").as_deref(), Some("0"));
        assert_eq!(
            glyph_name_to_unicode("quotedblleft").as_deref(),
            Some("\u{201C}")
        );
        assert_eq!(glyph_name_to_unicode("uni90E8").as_deref(), Some("部"));
        assert_eq!(
            glyph_name_to_unicode("uni90E895E8").as_deref(),
            Some("部门")
        );
        assert_eq!(
            glyph_name_to_unicode("u20000").as_deref(),
            Some("\u{20000}")
        );
        assert_eq!(glyph_name_to_unicode("one.oldstyle").as_deref(), Some("1"));
        assert_eq!(glyph_name_to_unicode("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode("fi").as_deref(), Some("fi"));
        for meaningless in ["g12", "cid00042", ".notdef", "", "uniD800", "u12", "glyph7"] {
            assert_eq!(glyph_name_to_unicode(meaningless), None, "{meaningless}");
        }
    }

    #[test]
    fn usable_text() {
        assert!(usable("部") && usable(" ") && usable("fi"));
        for bad in [
            "", "\u{0}", "\u{3}", "\u{FFFD}", "\u{E001}", "a\u{7}", "\u{FFFF}",
        ] {
            assert!(!usable(bad), "{bad:?}");
        }
    }

    #[test]
    fn winansi_with_differences() {
        let doc = Document::new();
        let dict = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
            "FirstChar" => 65, "Widths" => vec![Object::Integer(700), 600.into(), 500.into()],
            "Encoding" => dictionary! {
                "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![66.into(), Object::Name(b"uni90E8".to_vec()),
                    Object::Name(b"Euro".to_vec()), Object::Name(b"g77".to_vec())],
            },
        };
        let f = font(&doc, &dict);
        assert_eq!(joined(&f, b"ABC\x80 D\x93"), "A部€€ �\u{201C}");
        let shown = f.decode(b"AB Z");
        assert_eq!(shown[0].width, 0.7);
        assert_eq!(shown[1].width, 0.6);
        // Outside FirstChar..: MissingWidth, 0 by default.
        assert_eq!(shown[3].width, 0.0);
        assert!(shown[2].word_space && !shown[0].word_space);
    }

    #[test]
    fn to_unicode_wins_over_the_encoding() {
        let mut doc = Document::new();
        let cmap = doc.add_object(Stream::new(
            dictionary! {},
            b"1 beginbfchar <41> <4E2D> endbfchar 1 beginbfchar <42> <0000> endbfchar".to_vec(),
        ));
        let dict = dictionary! {
            "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
            "ToUnicode" => cmap,
        };
        let f = font(&doc, &dict);
        // A ToUnicode mapping to U+0000 is unusable, so the encoding's B stands.
        assert_eq!(joined(&f, b"AB"), "中B");
        // Standard 14 widths are approximated when Widths is absent.
        assert_eq!(f.decode(b"1")[0].width, 0.556);
    }

    #[test]
    fn standard_encoding_by_default_and_symbolic_fonts_undecodable() {
        let doc = Document::new();
        let times = dictionary! { "Subtype" => "Type1", "BaseFont" => "Times-Roman" };
        assert_eq!(joined(&font(&doc, &times), b"It's"), "It\u{2019}s");
        let symbolic = dictionary! {
            "Subtype" => "TrueType", "BaseFont" => "Wingdings",
            "FontDescriptor" => dictionary! { "Flags" => 4, "Ascent" => 900, "Descent" => -100 },
        };
        let f = font(&doc, &symbolic);
        assert_eq!(texts(&f, b"AB"), vec![None, None]);
        assert_eq!((f.ascent, f.descent), (0.9, -0.1));
    }

    #[test]
    fn type0_identity_with_to_unicode_and_widths() {
        let mut doc = Document::new();
        let cmap = doc.add_object(Stream::new(
            dictionary! {},
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange
              1 beginbfrange <0010> <0011> <90E8> endbfrange"
                .to_vec(),
        ));
        let dict = dictionary! {
            "Subtype" => "Type0", "BaseFont" => "SimSun", "Encoding" => "Identity-H",
            "ToUnicode" => cmap,
            "DescendantFonts" => vec![dictionary! {
                "Subtype" => "CIDFontType2", "DW" => 1000,
                "W" => vec![16.into(), vec![Object::Integer(500)].into(), 20.into(), 30.into(), 250.into()],
            }.into()],
        };
        let f = font(&doc, &dict);
        // A string cut in the middle of a two-byte code: the stray byte is undecodable, never
        // looked up as code 0x10.
        assert_eq!(texts(&f, b"\x00\x10\x10"), vec![Some("部".into()), None]);
        let shown = f.decode(b"\x00\x10\x00\x11\x00\x15\x00\x40");
        let text: Vec<_> = shown.iter().map(|s| s.text.clone()).collect();
        assert_eq!(
            text,
            vec![Some("部".into()), Some("\u{90E9}".into()), None, None]
        );
        let widths: Vec<f32> = shown.iter().map(|s| s.width).collect();
        assert_eq!(widths, vec![0.5, 1.0, 0.25, 1.0]);
        assert!(!f.vertical);
    }

    #[test]
    fn type0_predefined_gb_cmaps_need_no_to_unicode() {
        let doc = Document::new();
        let make = |encoding: &str| {
            dictionary! {
                "Subtype" => "Type0", "BaseFont" => "STSong-Light", "Encoding" => encoding,
                "DescendantFonts" => vec![dictionary! { "Subtype" => "CIDFontType0" }.into()],
            }
        };
        let ucs2 = font(&doc, &make("UniGB-UCS2-H"));
        assert_eq!(joined(&ucs2, b"\x90\xE8\x95\xE8\x00\x31"), "部门1");
        let shown = ucs2.decode(b"\x90\xE8\x00\x31");
        assert_eq!((shown[0].width, shown[1].width), (1.0, 0.5));
        let (gbk, _, _) = encoding_rs::GBK.encode("预算 2024");
        let f = font(&doc, &make("GBK-EUC-H"));
        assert_eq!(joined(&f, &gbk), "预算 2024");
        // The space is a single-byte code 32: word spacing applies to it.
        assert!(f.decode(&gbk).iter().any(|s| s.word_space));
        let v = font(&doc, &make("UniGB-UCS2-V"));
        assert!(v.vertical);
        assert_eq!(v.decode(b"\x90\xE8")[0].width, -1.0);
    }

    #[test]
    fn type0_without_to_unicode_is_undecodable() {
        let doc = Document::new();
        let dict = dictionary! {
            "Subtype" => "Type0", "BaseFont" => "Unknown", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![dictionary! { "Subtype" => "CIDFontType2" }.into()],
        };
        assert_eq!(
            texts(&font(&doc, &dict), b"\x00\x10\x00\x11"),
            vec![None, None]
        );
    }

    #[test]
    fn embedded_type0_encoding_cmap() {
        let mut doc = Document::new();
        let encoding = doc.add_object(Stream::new(
            dictionary! { "Type" => "CMap" },
            b"/Identity-H usecmap 1 begincodespacerange <00> <FF> endcodespacerange
              1 begincidrange <20> <7E> 1 endcidrange"
                .to_vec(),
        ));
        let to_unicode = doc.add_object(Stream::new(
            dictionary! {},
            b"1 beginbfrange <20> <7E> <0020> endbfrange".to_vec(),
        ));
        let dict = dictionary! {
            "Subtype" => "Type0", "BaseFont" => "X", "Encoding" => encoding, "ToUnicode" => to_unicode,
            "DescendantFonts" => vec![dictionary! {
                "Subtype" => "CIDFontType0", "W" => vec![34.into(), vec![Object::Integer(600)].into()],
            }.into()],
        };
        let f = font(&doc, &dict);
        // One-byte codes per the embedded codespace; 'A' (0x41) is CID 34.
        let shown = f.decode(b"AB");
        assert_eq!(shown[0].text.as_deref(), Some("A"));
        assert_eq!((shown[0].width, shown[1].width), (0.6, 1.0));
    }

    #[test]
    fn type1_builtin_encoding_from_the_program() {
        let program = b"%!PS-AdobeFont-1.0: Test\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 65 /uni90E8 put\ndup 66 /B put\nreadonly def\ncurrentfile eexec\x00\x01";
        assert_eq!(
            type1_encoding(program).map(|n| (n[65].clone(), n[66].clone(), n[67].clone())),
            Some((Some("uni90E8".into()), Some("B".into()), None))
        );
        assert_eq!(
            type1_encoding(b"/Encoding StandardEncoding def").map(|n| n[0x27].clone()),
            Some(Some("uni2019".into()))
        );
    }

    /// A 832-byte TrueType font (see `tests/fixtures/pdf/make_tiny_ttf.py`): gid 1 部 (also mapped
    /// from the radical alias U+2F00), 2 门 (also in a (3,0) symbol cmap at 0xF042), 3 A, 4 named
    /// `uni9884` but in no cmap, 5 named `g5` and in no cmap.
    pub(crate) const TINY_TTF: &[u8] = include_bytes!("../../../tests/fixtures/pdf/tiny.ttf");

    fn embedded(doc: &mut Document) -> Dictionary {
        let file = doc.add_object(Stream::new(dictionary! {}, TINY_TTF.to_vec()));
        dictionary! { "Type" => "FontDescriptor", "FontName" => "Tiny", "Flags" => 4, "FontFile2" => file }
    }

    #[test]
    fn identity_h_without_to_unicode_recovers_text_from_the_embedded_cmap() {
        let mut doc = Document::new();
        let descriptor = embedded(&mut doc);
        let dict = dictionary! {
            "Subtype" => "Type0", "BaseFont" => "Tiny", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![dictionary! {
                "Subtype" => "CIDFontType2", "FontDescriptor" => descriptor,
            }.into()],
        };
        let f = font(&doc, &dict);
        // gid 1 is reached from U+90E8 and from the radical U+2F00: the unified ideograph wins.
        // gid 4 has no cmap entry but its name says 预; gid 5 and gid 9 say nothing.
        assert_eq!(
            texts(&f, b"\x00\x01\x00\x02\x00\x03\x00\x04\x00\x05\x00\x09"),
            vec![
                Some("部".into()),
                Some("门".into()),
                Some("A".into()),
                Some("预".into()),
                None,
                None
            ]
        );
    }

    #[test]
    fn cid_to_gid_map_stream_is_followed() {
        let mut doc = Document::new();
        let descriptor = embedded(&mut doc);
        // CID 0 → gid 0, CID 1 → gid 2, CID 2 → gid 1.
        let map = doc.add_object(Stream::new(dictionary! {}, vec![0, 0, 0, 2, 0, 1]));
        let dict = dictionary! {
            "Subtype" => "Type0", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![dictionary! {
                "Subtype" => "CIDFontType2", "FontDescriptor" => descriptor, "CIDToGIDMap" => map,
            }.into()],
        };
        assert_eq!(
            joined(&font(&doc, &dict), b"\x00\x01\x00\x02\x00\x03"),
            "门部�"
        );
    }

    #[test]
    fn symbolic_truetype_codes_through_the_symbol_cmap_and_glyph_names() {
        let mut doc = Document::new();
        let descriptor = embedded(&mut doc);
        let plain = dictionary! {
            "Subtype" => "TrueType", "BaseFont" => "Tiny", "FontDescriptor" => descriptor.clone(),
            "FirstChar" => 65, "Widths" => vec![Object::Integer(600), 1000.into()],
        };
        // 0x42 → (3,0) 0xF042 → gid 2 → 门 through the inverted Unicode cmap; 0x41 is in no
        // symbol cmap: undecodable rather than guessed as "A".
        assert_eq!(
            texts(&font(&doc, &plain), b"AB"),
            vec![None, Some("门".into())]
        );
        let named = dictionary! {
            "Subtype" => "TrueType", "BaseFont" => "Tiny", "FontDescriptor" => descriptor,
            "Encoding" => dictionary! { "Differences" => vec![66.into(),
                Object::Name(b"g5".to_vec()), Object::Name(b"men".to_vec())] },
        };
        // `men` means nothing to the glyph list but names gid 2 in the font.
        let f = font(&doc, &named);
        assert_eq!(texts(&f, b"BC"), vec![None, Some("门".into())]);
        // Without Widths the embedded advances are used (A is 600 units wide).
        assert_eq!(f.decode(b"C")[0].width, 1.0);
    }

    #[test]
    fn hostile_font_dictionaries_do_not_panic() {
        let doc = Document::new();
        let dicts = [
            dictionary! { "Subtype" => "Type0" },
            dictionary! { "Subtype" => "Type0", "Encoding" => 5, "DescendantFonts" => 3 },
            dictionary! { "Subtype" => "Type0", "DescendantFonts" => vec![dictionary! {
            "W" => vec![Object::Integer(-5), 3.into(), Object::Integer(4_000_000_000)],
            "DW2" => "x", "CIDToGIDMap" => 7 }.into()] },
            dictionary! { "Subtype" => "Type3", "FontMatrix" => vec![0.into(); 6], "Widths" => 5 },
            dictionary! { "Subtype" => "TrueType", "FirstChar" => i64::MIN,
            "Widths" => vec![Object::Real(f32::NAN)],
            "Encoding" => dictionary! { "Differences" => vec![Object::Integer(i64::MAX),
                Object::Name(b"A".to_vec())] } },
        ];
        for dict in &dicts {
            let f = font(&doc, dict);
            let _ = f.decode(b"\x00\x01\xFF\xFE\x80");
            let _ = f.decode(b"");
        }
    }
}
