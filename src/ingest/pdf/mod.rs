//! PDF input: a file read with `lopdf` → positioned glyphs and ruling lines per page ([`content`],
//! [`fonts`]) → text lines in reading order, table rows as tab-separated cells ([`layout`]).
//!
//! The output, [`PdfText`], has the same shape as a text disclosure — lines — plus provenance: the
//! page of every line and the bounding box of every cell, so the parser, grammars and checks run
//! unchanged and every value can point back to its place on the page.
//!
//! Coordinates are PDF user-space points with the origin at the page's bottom-left, after the page's
//! own transformations (producers flip and scale the coordinate system); `f32` is fine here — these are
//! positions, never money.

pub mod cmap;
pub mod content;
mod encodings;
pub mod fonts;
pub mod layout;

use std::path::{Path, PathBuf};

pub use content::Limits;

/// Reads a PDF's bytes into lines: content and fonts, then layout. A document whose pages have no
/// text at all (scanned) is [`PdfError::NoTextLayer`], naming its page count.
pub fn read(path: &Path, bytes: &[u8], limits: &Limits) -> Result<PdfText, PdfError> {
    let pages = content::read_pages(path, bytes, limits)?;
    let text = layout::layout(&pages);
    let has_text = text.lines.iter().any(|l| !l.text.trim().is_empty());
    if !has_text && text.undecodable_pages.is_empty() {
        return Err(PdfError::NoTextLayer {
            path: path.to_owned(),
            pages: text.pages,
        });
    }
    Ok(text)
}

/// An axis-aligned box in page points: `x0 <= x1`, `y0 <= y1` (y grows upwards).
pub use crate::model::BBox;

/// One shown glyph, decoded to text.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The Unicode text of the glyph (usually one char; ligatures give more).
    pub text: String,
    /// The glyph's box: x from the origin to origin + advance, y from baseline − descent to
    /// baseline + ascent (approximated from the font size when the font gives no metrics).
    pub bbox: BBox,
    /// The baseline's y.
    pub baseline: f32,
    /// The effective font size (text size × the text and graphics matrices' vertical scale).
    pub size: f32,
}

/// A straight ruling line drawn on the page (a stroked segment, or a thin filled rectangle).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// What one page holds, before layout.
#[derive(Debug, Clone, Default)]
pub struct PageContent {
    /// 1-based page number.
    pub number: usize,
    /// The page's box (MediaBox, CropBox when smaller).
    pub media: BBox,
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Painted images (for telling scanned pages apart).
    pub images: usize,
    /// Text shown with a font that could not be decoded (no ToUnicode, no usable encoding or cmap).
    pub undecodable: usize,
}

/// One output line: its text (table rows as tab-separated cells), page, and the box of each cell.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfLine {
    pub page: usize,
    pub text: String,
    /// One box per tab-separated cell of `text`, in order.
    pub cells: Vec<BBox>,
}

/// A PDF read into lines.
#[derive(Debug, Clone, Default)]
pub struct PdfText {
    pub pages: usize,
    pub lines: Vec<PdfLine>,
    /// Pages without a text layer (scanned), 1-based.
    pub image_only_pages: Vec<usize>,
    /// Pages with text that could not be decoded, 1-based.
    pub undecodable_pages: Vec<usize>,
}

/// Why a PDF could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    #[error("{path}: not a readable PDF: {message}")]
    Malformed { path: PathBuf, message: String },
    #[error("{path}: encrypted PDF that does not open with an empty password")]
    Encrypted { path: PathBuf },
    #[error(
        "{path}: no text layer (scanned or image-only PDF, {pages} page(s)); OCR is not supported"
    )]
    NoTextLayer { path: PathBuf, pages: usize },
    /// A bound of [`Limits`] was reached: a decompression bomb, a form that draws itself, a page
    /// of millions of operators, a document past its time budget.
    #[error(
        "{path}: resource limit exceeded: {limit} ({detail}); raise it with --{flag}",
        flag = content::flag(limit)
    )]
    LimitExceeded {
        path: PathBuf,
        limit: &'static str,
        detail: String,
    },
}
