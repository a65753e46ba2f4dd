//! Ingest: bytes of a text disclosure → [`SourceText`], decoded lines with the encoding recorded.
//!
//! The encoding is detected, never assumed: a BOM wins (UTF-8, UTF-16LE/BE); otherwise valid UTF-8 is
//! UTF-8; otherwise the bytes must decode as GB18030 (a superset of GBK and GB2312) without a single
//! malformed sequence. Anything else, and binary or empty input, is an [`IngestError`]. Line endings
//! (LF, CRLF, CR) are split here and recorded, so later stages see only lines.
//!
//! This is the only stage that touches files. PDF input is read by [`pdf`] into the same shape: lines
//! (table rows as tab-separated cells), each with the page it came from and the boxes of its cells.

pub mod pdf;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Why a file could not be read as a disclosure's text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: binary data, not text (NUL or control bytes at offset {offset})")]
    Binary { path: PathBuf, offset: usize },
    #[error(
        "{path}: not valid UTF-8, UTF-16 or GB18030 text (first undecodable byte near offset {offset})"
    )]
    UnknownEncoding { path: PathBuf, offset: usize },
    #[error("{path}: file is larger than the {limit}-byte limit")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{path}: named .pdf but is not a PDF ({what})")]
    NotPdf { path: PathBuf, what: &'static str },
}

/// Text files above this size are refused rather than read whole (disclosures are < 1 MB).
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// A decoded document, split into lines (line `n` is `lines[n - 1]`).
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: PathBuf,
    pub sha256: String,
    /// `text` or `pdf`.
    pub format: &'static str,
    pub encoding: &'static str,
    pub line_endings: &'static str,
    pub lines: Vec<String>,
    /// PDF input: the page count, the page of each line, and the box of each TAB-separated cell of
    /// each line (all empty for text input).
    pub pages: Option<usize>,
    pub line_pages: Vec<usize>,
    pub line_cells: Vec<Vec<crate::model::BBox>>,
    /// PDF pages with text that could not be decoded, and pages that are images only (scanned).
    pub undecodable_pages: Vec<usize>,
    pub image_only_pages: Vec<usize>,
}

impl SourceText {
    /// The page line `n` came from (PDF input).
    pub fn page_of(&self, line: usize) -> Option<usize> {
        line.checked_sub(1)
            .and_then(|i| self.line_pages.get(i))
            .copied()
    }

    /// The box of cell `cell` of line `n` (PDF input).
    pub fn cell_box(&self, line: usize, cell: usize) -> Option<crate::model::BBox> {
        line.checked_sub(1)
            .and_then(|i| self.line_cells.get(i))
            .and_then(|cells| cells.get(cell))
            .copied()
    }

    /// A PDF read into lines, as a source for the same stages as text.
    pub fn from_pdf(path: &Path, bytes: &[u8], pdf: pdf::PdfText) -> Self {
        let (mut lines, mut line_pages, mut line_cells) = (Vec::new(), Vec::new(), Vec::new());
        for l in pdf.lines {
            lines.push(l.text);
            line_pages.push(l.page);
            line_cells.push(l.cells);
        }
        SourceText {
            path: path.to_owned(),
            sha256: sha256_hex(bytes),
            format: "pdf",
            encoding: "PDF",
            line_endings: "LF",
            lines,
            pages: Some(pdf.pages),
            line_pages,
            line_cells,
            undecodable_pages: pdf.undecodable_pages,
            image_only_pages: pdf.image_only_pages,
        }
    }
}

/// Reads and decodes one text file.
pub fn read_text(path: &Path) -> Result<SourceText, IngestError> {
    decode(path, &read_bytes(path)?)
}

/// Input files above this size are refused rather than read whole (PDF disclosures are a few MB).
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads a file's bytes, refusing files over the size limit for their kind.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_owned(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    let limit = if has_pdf_extension(path) {
        MAX_INPUT_BYTES
    } else {
        MAX_TEXT_BYTES
    };
    if len > limit {
        return Err(IngestError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    std::fs::read(path).map_err(io)
}

fn has_pdf_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// What a file's bytes are: a PDF (`%PDF-` within the first KiB, as readers accept it) or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Text,
}

/// Tells PDF from text by content, not name; a `.pdf` that is not a PDF (an HTML error page saved
/// by a crawler, say) is an error naming what it looks like.
pub fn sniff(path: &Path, bytes: &[u8]) -> Result<Kind, IngestError> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    if !has_pdf_extension(path) {
        return Ok(Kind::Text);
    }
    let lower = String::from_utf8_lossy(head).to_lowercase();
    let what = if bytes.is_empty() {
        "the file is empty"
    } else if lower.contains("<html") || lower.contains("<!doctype") {
        "it is an HTML page"
    } else {
        "no %PDF- header"
    };
    Err(IngestError::NotPdf {
        path: path.to_owned(),
        what,
    })
}

/// Decodes bytes already in memory; `path` is used for provenance and messages only.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<SourceText, IngestError> {
    let (text, encoding) = decode_text(path, bytes)?;
    let (lines, line_endings) = split_lines(&text);
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Err(IngestError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(SourceText {
        path: path.to_owned(),
        sha256: sha256_hex(bytes),
        format: "text",
        encoding,
        line_endings,
        lines,
        pages: None,
        line_pages: Vec::new(),
        line_cells: Vec::new(),
        undecodable_pages: Vec::new(),
        image_only_pages: Vec::new(),
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(2 * digest.len());
    for b in digest.iter() {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    hex
}

fn decode_text(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_owned(),
        });
    }
    let utf16 = |enc: &'static encoding_rs::Encoding, name, body: &[u8]| {
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        if had_errors {
            Err(IngestError::UnknownEncoding {
                path: path.to_owned(),
                offset: 2,
            })
        } else {
            Ok((text.into_owned(), name))
        }
    };
    let (text, name) = if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match utf8(body) {
            Ok(s) => (s.to_owned(), "UTF-8 (BOM)"),
            Err(e) => {
                return Err(IngestError::UnknownEncoding {
                    path: path.to_owned(),
                    offset: 3 + e.valid_up_to(),
                });
            }
        }
    } else if let Some(body) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(encoding_rs::UTF_16LE, "UTF-16LE", body)?
    } else if let Some(body) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(encoding_rs::UTF_16BE, "UTF-16BE", body)?
    } else {
        if let Some(offset) = binary_offset(bytes) {
            return Err(IngestError::Binary {
                path: path.to_owned(),
                offset,
            });
        }
        match utf8(bytes) {
            // The bytes were checked for control characters above, and in UTF-8 a control
            // character is exactly a control byte: the check of the text below would repeat it.
            Ok(s) => return Ok((s.to_owned(), "UTF-8")),
            Err(utf8_err) => {
                let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
                if had_errors {
                    return Err(IngestError::UnknownEncoding {
                        path: path.to_owned(),
                        offset: utf8_err.valid_up_to(),
                    });
                }
                (text.into_owned(), "GB18030")
            }
        }
    };
    // A control character is a single byte in UTF-8, at the same offset: test the bytes.
    if let Some(offset) = binary_offset(text.as_bytes()) {
        return Err(IngestError::Binary {
            path: path.to_owned(),
            offset,
        });
    }
    Ok((text, name))
}

/// Text never holds NUL or C0 control characters other than tab, LF, CR and form feed.
/// `std::str::from_utf8` with SIMD validation: almost every input is UTF-8, mostly multi-byte
/// Chinese, where std's byte-by-byte path costs a visible share of reading a document.
fn utf8(bytes: &[u8]) -> Result<&str, simdutf8::compat::Utf8Error> {
    simdutf8::compat::from_utf8(bytes)
}

#[cfg(test)]
fn is_binary_char(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r' | '\x0c')
}

/// A control byte that text never holds (NUL or C0 other than tab, LF, CR and form feed); tested
/// without branches, so that a block of bytes is tested at once.
fn is_binary_byte(b: u8) -> bool {
    (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != b'\x0c')
}

/// The offset of the first control byte. Blocks of bytes are tested whole (a loop without an early
/// exit, which the compiler vectorizes) and only the block that has one is searched byte by byte.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    bytes.chunks(BLOCK).enumerate().find_map(|(k, block)| {
        block
            .iter()
            .fold(false, |any, &b| any | is_binary_byte(b))
            .then(|| block.iter().position(|&b| is_binary_byte(b)))
            .flatten()
            .map(|i| k * BLOCK + i)
    })
}

/// Splits on LF, CRLF and CR; returns the lines and which endings were seen.
fn split_lines(text: &str) -> (Vec<String>, &'static str) {
    let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
    let mut lines = Vec::new();
    // Each line is copied out of `text` in one piece rather than grown a character at a time (the
    // reallocations were a visible share of a document's time). Splitting bytes is safe: CR, LF and
    // form feed are ASCII, never part of a multi-byte UTF-8 sequence.
    let bytes = text.as_bytes();
    let mut start = 0;
    for i in memchr::memchr3_iter(b'\r', b'\n', b'\x0c', bytes) {
        if i < start {
            // The LF of a CRLF, taken with its CR.
            continue;
        }
        lines.push(text[start..i].to_owned());
        start = i + 1;
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                start = i + 2;
            }
            b'\r' => cr += 1,
            b'\n' => lf += 1,
            // A form feed marks a page break in some extractions; it ends the line like a newline.
            _ => {}
        }
    }
    if start < text.len() {
        lines.push(text[start..].to_owned());
    }
    let endings = match (lf > 0, crlf > 0, cr > 0) {
        (_, false, false) => "LF",
        (false, true, false) => "CRLF",
        (false, false, true) => "CR",
        _ => "mixed",
    };
    (lines, endings)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The SIMD check accepts exactly what std accepts, and reports the same error offset.
        #[test]
        fn utf8_check_agrees_with_std(
            text in "\\PC{0,40}",
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..8),
            at in 0usize..200,
        ) {
            let mut bytes = text.into_bytes();
            let at = at.min(bytes.len());
            bytes.splice(at..at, noise);
            let ours = utf8(&bytes).map_err(|e| e.valid_up_to());
            let std = std::str::from_utf8(&bytes).map_err(|e| e.valid_up_to());
            proptest::prop_assert_eq!(ours, std);
        }
    }

    fn dec(bytes: &[u8]) -> Result<SourceText, IngestError> {
        decode(Path::new("t.txt"), bytes)
    }

    #[test]
    fn detects_utf8_with_and_without_bom() {
        assert_eq!(dec("表 1\n合计".as_bytes()).unwrap().encoding, "UTF-8");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("表 1".as_bytes());
        let t = dec(&bom).unwrap();
        assert_eq!(t.encoding, "UTF-8 (BOM)");
        assert_eq!(t.lines, vec!["表 1"]);
    }

    #[test]
    fn detects_gbk() {
        let (bytes, _, _) = encoding_rs::GBK.encode("部门收支总表\n单位：万元\n");
        let t = dec(&bytes).unwrap();
        assert_eq!(t.encoding, "GB18030");
        assert_eq!(t.lines, vec!["部门收支总表", "单位：万元"]);
    }

    #[test]
    fn detects_utf16_both_orders() {
        let text = "收入总表\r\n合计";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        let t = dec(&le).unwrap();
        assert_eq!((t.encoding, t.line_endings), ("UTF-16LE", "CRLF"));
        assert_eq!(t.lines, vec!["收入总表", "合计"]);
        assert_eq!(dec(&be).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn splits_every_line_ending() {
        assert_eq!(dec(b"a\r\nb\r\n").unwrap().line_endings, "CRLF");
        let t = dec(b"a\rb\rc").unwrap();
        assert_eq!((t.line_endings, t.lines.len()), ("CR", 3));
        assert_eq!(dec(b"a\nb\r\nc").unwrap().line_endings, "mixed");
        // Blank lines keep their numbers.
        assert_eq!(dec(b"a\n\n\nb").unwrap().lines, vec!["a", "", "", "b"]);
    }

    #[test]
    fn refuses_empty_binary_and_undecodable() {
        assert!(matches!(dec(b""), Err(IngestError::Empty { .. })));
        assert!(matches!(dec(b"  \n\n"), Err(IngestError::Empty { .. })));
        assert!(matches!(
            dec(b"%PDF\x00\x01\x02"),
            Err(IngestError::Binary { offset: 4, .. })
        ));
        // 0xFF is never valid in UTF-8 nor GB18030.
        assert!(matches!(
            dec(b"abc\xFF\xFFdef"),
            Err(IngestError::UnknownEncoding { offset: 3, .. })
        ));
    }

    #[test]
    fn sniffs_pdf_by_content() {
        let p = Path::new("a.pdf");
        assert_eq!(sniff(p, b"%PDF-1.7\n...").unwrap(), Kind::Pdf);
        assert_eq!(sniff(Path::new("a.txt"), b"%PDF-1.4").unwrap(), Kind::Pdf);
        assert_eq!(
            sniff(Path::new("a.txt"), "表 1".as_bytes()).unwrap(),
            Kind::Text
        );
        let e = sniff(p, b"<!DOCTYPE html><html><body>404</body></html>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "a.pdf: named .pdf but is not a PDF (it is an HTML page)"
        );
        assert!(matches!(
            sniff(p, b""),
            Err(IngestError::NotPdf {
                what: "the file is empty",
                ..
            })
        ));
    }

    /// The block-wise search finds the first control byte, wherever it is.
    #[test]
    fn binary_offset_finds_the_first_control_byte() {
        let reference = |b: &[u8]| b.iter().position(|&c| is_binary_char(c as char));
        for len in [0, 1, 63, 64, 65, 130] {
            let mut bytes = vec![b'a'; len];
            bytes.iter_mut().step_by(7).for_each(|b| *b = b'\t');
            assert_eq!(binary_offset(&bytes), None);
            for at in 0..len {
                for bad in [0u8, 1, 0x1f, 0x0b] {
                    let mut b = bytes.clone();
                    b[at] = bad;
                    if let Some(later) = b.get_mut(at + 3) {
                        *later = 0;
                    }
                    assert_eq!(binary_offset(&b), reference(&b), "{len} {at} {bad}");
                }
            }
        }
        for b in 0..=255u8 {
            assert_eq!(is_binary_byte(b), is_binary_char(b as char), "{b}");
        }
    }

    #[test]
    fn lines_split_like_before() {
        let t = dec(b"a\r\n\r\nb\x0cc\r\rd\n\ne\r").unwrap();
        assert_eq!(t.lines, vec!["a", "", "b", "c", "", "d", "", "e"]);
        assert_eq!(t.line_endings, "mixed");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn error_names_the_file() {
        let err = decode(Path::new("dir/x.txt"), b"").unwrap_err();
        assert_eq!(err.to_string(), "dir/x.txt: file is empty");
    }
}
