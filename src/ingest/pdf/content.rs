//! PDF bytes → [`PageContent`] per page: positioned glyphs, ruling lines and image counts.
//!
//! Takes the bytes of a PDF file and gives, for every page in order, the glyphs it shows (decoded
//! by [`super::fonts`], positioned from the text rendering matrix), the straight horizontal and
//! vertical lines it draws (table rules), and how many images it paints. Coordinates are page
//! points with the origin at the bottom-left of the page *as displayed*: the MediaBox (or the
//! smaller CropBox) is moved to the origin and `/Rotate` is applied, so producers' flipped or
//! scaled coordinate systems (`1 0 0 -1 0 842 cm`, scaled text matrices) and landscape pages
//! all come out the same way up.
//!
//! The interpreter follows ISO 32000-1 §8–9: a graphics state stack (`q`/`Q`, `cm`), the text
//! state (`BT`/`ET`, `Tf`, `Tc`, `Tw`, `Tz`, `TL`, `Ts`, `Tm`, `Td`, `TD`, `T*`), text showing
//! (`Tj`, `TJ`, `'`, `"`), path construction and painting (for ruling lines; curves are ignored),
//! and XObjects (`Do`: Form XObjects are interpreted with their own matrix and resources, images
//! are counted). Everything from the file is untrusted, and nothing panics on bad data: a broken
//! object is skipped, and text that cannot be decoded is counted in [`PageContent::undecodable`],
//! never shown. The work one file can cause is bounded by [`Limits`]: a file that reaches a limit
//! — a decompression bomb, a form that draws itself, a page of millions of operators, a document
//! that runs past its time budget — fails with [`PdfError::LimitExceeded`] naming the limit, never
//! with a silently truncated text.
//!
//! Whitespace-only glyphs are not emitted (their advance still moves the pen): word and cell gaps
//! are measured from positions by the layout stage, and padding spaces would bridge them.

use super::fonts::{self, Font, deref};
use super::{BBox, Glyph, PageContent, PdfError, Segment};
use lopdf::content::{Content, Operation};
use lopdf::{DecompressError, Dictionary, Document, LoadOptions, Object, ObjectId, Stream};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

/// Bounds on the work one untrusted PDF can cause. Reaching any of them fails the document with
/// [`PdfError::LimitExceeded`], which names the limit and the flag that raises it.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How deeply Form XObjects may nest (a form that draws itself reaches it).
    pub max_form_depth: usize,
    /// Operations interpreted per page, counting those inside forms each time they are drawn, and
    /// each glyph shown and each `TJ` array element as one more.
    pub max_ops_per_page: usize,
    /// Operations interpreted in the whole document, counted as for
    /// [`max_ops_per_page`](Limits::max_ops_per_page): bounds the glyphs held in memory (some 80
    /// bytes each) when one form full of text is drawn on every page of a large page tree. Real
    /// disclosures run well under 100,000.
    pub max_ops_per_document: usize,
    /// Largest size any one stream may decompress to (content, forms, fonts, CMaps, object
    /// streams).
    pub max_decompressed_bytes_per_stream: usize,
    /// Total bytes decompressed for the document's pages: every content stream, form and font
    /// stream, each time it is decoded.
    pub max_decompressed_bytes_per_document: usize,
    /// When the document must be done; checked every [`DEADLINE_EVERY`] operations and between
    /// pages. `None`: no time budget.
    pub deadline: Option<Instant>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_form_depth: 12,
            max_ops_per_page: 2_000_000,
            max_ops_per_document: 10_000_000,
            max_decompressed_bytes_per_stream: 64 * MIB,
            max_decompressed_bytes_per_document: 256 * MIB,
            deadline: None,
        }
    }
}

const MIB: usize = 1024 * 1024;

/// How many operations may run between two looks at the clock.
pub const DEADLINE_EVERY: usize = 4096;

/// The limits as [`PdfError::LimitExceeded`] names them.
pub mod limit {
    pub const STREAM_BYTES: &str = "decompressed bytes per stream";
    pub const DOCUMENT_BYTES: &str = "decompressed bytes per document";
    pub const OPS_PER_PAGE: &str = "content operators per page";
    pub const OPS_PER_DOCUMENT: &str = "content operators per document";
    pub const FORM_DEPTH: &str = "Form XObject nesting depth";
    pub const TIME: &str = "time per document";
}

/// The command-line flag (without `--`) that raises a limit named in [`limit`] (`help` for any
/// other name).
pub fn flag(limit_name: &str) -> &'static str {
    match limit_name {
        limit::STREAM_BYTES => "max-stream-bytes",
        limit::DOCUMENT_BYTES => "max-document-bytes",
        limit::OPS_PER_PAGE => "max-ops-per-page",
        limit::OPS_PER_DOCUMENT => "max-ops-per-document",
        limit::FORM_DEPTH => "max-depth",
        limit::TIME => "timeout",
        _ => "help",
    }
}

/// A limit reached while reading: the document stops there and fails.
#[derive(Debug)]
struct Exceeded {
    limit: &'static str,
    detail: String,
}

impl Exceeded {
    fn into_error(self, path: &Path) -> PdfError {
        PdfError::LimitExceeded {
            path: path.to_owned(),
            limit: self.limit,
            detail: self.detail,
        }
    }
}

/// The result of a step that stops when a limit is reached.
type Step<T> = Result<T, Exceeded>;

/// Reads every page of a PDF held in memory; `path` names the file in errors.
pub fn read_pages(
    path: &Path,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<PageContent>, PdfError> {
    let doc = load(path, bytes, limits)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfError::Malformed {
            path: path.to_owned(),
            message: "no pages found".into(),
        });
    }
    let mut reader = Reader::new(&doc, limits, pages.len());
    let mut out = Vec::with_capacity(pages.len());
    for (&number, &id) in &pages {
        let number = number as usize;
        let page = check_deadline(limits, number, pages.len())
            .and_then(|()| reader.page(number, id))
            .map_err(|e| e.into_error(path))?;
        out.push(page);
    }
    Ok(out)
}

/// Fails when the time budget is spent; `page` of `pages` is where the reader is.
fn check_deadline(limits: &Limits, page: usize, pages: usize) -> Step<()> {
    match limits.deadline {
        Some(deadline) if Instant::now() >= deadline => Err(Exceeded {
            limit: limit::TIME,
            detail: format!("time budget spent at page {page} of {pages}"),
        }),
        _ => Ok(()),
    }
}

/// A byte count for messages: whole MiB when it is one.
fn size(bytes: usize) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Loads the document. lopdf tries the empty user password while loading and removes `/Encrypt`
/// once decrypted, so an `/Encrypt` still there means the file needs a password we do not have.
/// An object or cross-reference stream that inflates past the per-stream limit fails the load.
fn load(path: &Path, bytes: &[u8], limits: &Limits) -> Result<Document, PdfError> {
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_decompressed_bytes_per_stream),
        ..LoadOptions::default()
    };
    let encrypted = || PdfError::Encrypted {
        path: path.to_owned(),
    };
    match Document::load_mem_with_options(bytes, options) {
        Ok(doc) if doc.trailer.has(b"Encrypt") => Err(encrypted()),
        Ok(doc) => Ok(doc),
        Err(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword) => Err(encrypted()),
        Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { limit })) => {
            Err(Exceeded {
                limit: limit::STREAM_BYTES,
                detail: format!(
                    "an object or cross-reference stream inflates past {}",
                    size(limit)
                ),
            }
            .into_error(path))
        }
        Err(error) => {
            let mut message = error.to_string();
            if let Some(source) = std::error::Error::source(&error) {
                message = format!("{message}: {source}");
            }
            Err(PdfError::Malformed {
                path: path.to_owned(),
                message,
            })
        }
    }
}

/// Caches shared by the pages of one document, and the work counted against its [`Limits`].
struct Reader<'a> {
    doc: &'a Document,
    limits: &'a Limits,
    fonts: HashMap<FontKey, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<Operation>>>,
    no_font: Rc<Font>,
    /// Bytes decompressed so far.
    decompressed: usize,
    /// Operations interpreted so far, all pages together.
    ops: usize,
    /// The document's page count (for messages).
    pages: usize,
}

/// Fonts are cached by object id, or by address for a font dictionary written inline (the
/// document is not modified while it is read, so the address is stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Inline(usize),
}

impl<'a> Reader<'a> {
    fn new(doc: &'a Document, limits: &'a Limits, pages: usize) -> Reader<'a> {
        Reader {
            doc,
            limits,
            fonts: HashMap::new(),
            forms: HashMap::new(),
            no_font: Rc::new(Font::undecodable()),
            decompressed: 0,
            ops: 0,
            pages,
        }
    }

    fn page(&mut self, number: usize, id: ObjectId) -> Step<PageContent> {
        let doc = self.doc;
        let mut content = PageContent {
            number,
            ..PageContent::default()
        };
        let Ok(page) = doc.get_dictionary(id) else {
            return Ok(content);
        };
        let (media, base) = page_frame(doc, page);
        content.media = media;
        let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
        let ops = self.page_operations(id)?;
        let mut interp = Interp::new(self, content, base);
        interp.run(&ops, resources, 0)?;
        let mut content = interp.page;
        keep_visible(&mut content);
        Ok(content)
    }

    /// The page's content streams, concatenated (an operator may span two streams) and decoded.
    fn page_operations(&mut self, id: ObjectId) -> Step<Vec<Operation>> {
        let mut data = Vec::new();
        for stream_id in self.doc.get_page_contents(id) {
            let Ok(Object::Stream(stream)) = self.doc.get_object(stream_id) else {
                continue;
            };
            if let Some(bytes) = self.decode(Some(stream_id), stream)? {
                data.extend_from_slice(&bytes);
                data.push(b'\n');
            }
        }
        self.operations(&data)
    }

    /// A stream's decoded bytes, counted against the per-stream and per-document limits. A stream
    /// whose filter fails for another reason is `None`, skipped rather than read raw: compressed
    /// bytes read as operators could show garbage.
    fn decode(&mut self, id: Option<ObjectId>, stream: &Stream) -> Step<Option<Vec<u8>>> {
        let per_stream = self.limits.max_decompressed_bytes_per_stream;
        let left = self
            .limits
            .max_decompressed_bytes_per_document
            .saturating_sub(self.decompressed);
        match stream.get_plain_content_with_limit(per_stream.min(left)) {
            Ok(bytes) => {
                self.decompressed += bytes.len();
                Ok(Some(bytes))
            }
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                Err(self.too_big(id, per_stream <= left))
            }
            Err(_) => Ok(None),
        }
    }

    /// The limit a stream that decodes past `min(per stream, left for the document)` reached.
    fn too_big(&self, id: Option<ObjectId>, per_stream: bool) -> Exceeded {
        let stream = id.map_or_else(
            || "a stream".to_owned(),
            |(n, g)| format!("stream {n} {g} R"),
        );
        if per_stream {
            Exceeded {
                limit: limit::STREAM_BYTES,
                detail: format!(
                    "{stream} inflates past {}",
                    size(self.limits.max_decompressed_bytes_per_stream)
                ),
            }
        } else {
            Exceeded {
                limit: limit::DOCUMENT_BYTES,
                detail: format!(
                    "{stream} takes the streams decoded past {} in total",
                    size(self.limits.max_decompressed_bytes_per_document)
                ),
            }
        }
    }

    /// Parses operations up to the first syntax error (what came before it is kept); more than
    /// the per-page operation limit fails.
    fn operations(&self, data: &[u8]) -> Step<Vec<Operation>> {
        let max = self.limits.max_ops_per_page;
        let ops: Vec<Operation> = Content::decode_iter(data)
            .map_while(Result::ok)
            .take(max.saturating_add(1))
            .collect();
        if ops.len() > max {
            return Err(Exceeded {
                limit: limit::OPS_PER_PAGE,
                detail: format!("a content stream holds more than {max} operators"),
            });
        }
        Ok(ops)
    }

    fn form_operations(
        &mut self,
        id: Option<ObjectId>,
        stream: &Stream,
    ) -> Step<Rc<Vec<Operation>>> {
        if let Some(ops) = id.and_then(|id| self.forms.get(&id)) {
            return Ok(Rc::clone(ops));
        }
        let data = self.decode(id, stream)?.unwrap_or_default();
        let ops = Rc::new(self.operations(&data)?);
        if let Some(id) = id {
            self.forms.insert(id, Rc::clone(&ops));
        }
        Ok(ops)
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Step<Rc<Font>> {
        let Some((id, object)) = resource(self.doc, resources, b"Font", name) else {
            return Ok(Rc::clone(&self.no_font));
        };
        let Ok(dict) = object.as_dict() else {
            return Ok(Rc::clone(&self.no_font));
        };
        let key = match id {
            Some(id) => FontKey::Object(id),
            None => FontKey::Inline(std::ptr::from_ref(dict) as usize),
        };
        if let Some(font) = self.fonts.get(&key) {
            return Ok(Rc::clone(font));
        }
        // `load_font` bounds each stream it decodes but keeps no total: count them here first.
        for (id, stream) in font_streams(self.doc, dict) {
            self.decode(id, stream)?;
        }
        let max = self.limits.max_decompressed_bytes_per_stream;
        let font = Rc::new(fonts::load_font(self.doc, dict, max));
        self.fonts.insert(key, Rc::clone(&font));
        Ok(font)
    }
}

/// The streams [`fonts::load_font`] decodes: the font's ToUnicode and embedded CMap, and its
/// descendant's CIDToGIDMap and the font program its descriptor embeds.
fn font_streams<'a>(
    doc: &'a Document,
    font: &'a Dictionary,
) -> Vec<(Option<ObjectId>, &'a Stream)> {
    let dict = |d: &'a Dictionary, key: &[u8]| deref(doc, d.get(key).ok())?.as_dict().ok();
    let descendant = deref(doc, font.get(b"DescendantFonts").ok())
        .and_then(|o| o.as_array().ok())
        .and_then(|a| deref(doc, a.first()))
        .and_then(|o| o.as_dict().ok());
    let mut streams: Vec<_> = [(Some(font), &b"ToUnicode"[..]), (Some(font), b"Encoding")]
        .into_iter()
        .chain([(descendant, &b"CIDToGIDMap"[..])])
        .filter_map(|(d, key)| stream_at(doc, d?, key))
        .collect();
    let descriptor = dict(descendant.unwrap_or(font), b"FontDescriptor");
    let program = [&b"FontFile2"[..], b"FontFile3", b"FontFile"]
        .into_iter()
        .find_map(|key| stream_at(doc, descriptor?, key));
    streams.extend(program);
    streams
}

/// The stream `dict[key]` refers to (or holds), with its id when it is an indirect object.
fn stream_at<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<(Option<ObjectId>, &'a Stream)> {
    let (id, object) = doc.dereference(dict.get(key).ok()?).ok()?;
    Some((id, object.as_stream().ok()?))
}

/// Looks up `name` in a resource category (`/Font`, `/XObject`) of a resources dictionary.
fn resource<'a>(
    doc: &'a Document,
    resources: Option<&'a Dictionary>,
    category: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    let category = deref(doc, resources?.get(category).ok())?.as_dict().ok()?;
    doc.dereference(category.get(name).ok()?).ok()
}

/// An inheritable page attribute (§7.7.3.4): from the page or its nearest ancestor.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    // Page trees are shallow; the bound stops a Parent cycle.
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return deref(doc, Some(value));
        }
        node = deref(doc, node.get(b"Parent").ok())?.as_dict().ok()?;
    }
    None
}

/// The displayed page box, moved to the origin and rotated, and the matrix taking user space there.
fn page_frame(doc: &Document, page: &Dictionary) -> (BBox, Matrix) {
    let letter = [0.0, 0.0, 612.0, 792.0];
    let media = inherited(doc, page, b"MediaBox")
        .and_then(rect)
        .unwrap_or(letter);
    let visible = inherited(doc, page, b"CropBox")
        .and_then(rect)
        .map(|crop| {
            [
                crop[0].max(media[0]),
                crop[1].max(media[1]),
                crop[2].min(media[2]),
                crop[3].min(media[3]),
            ]
        })
        .filter(|b| b[2] > b[0] && b[3] > b[1])
        .unwrap_or(media);
    let (w, h) = (visible[2] - visible[0], visible[3] - visible[1]);
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0)
        .rem_euclid(360);
    let to_origin = Matrix([1.0, 0.0, 0.0, 1.0, -visible[0], -visible[1]]);
    // /Rotate turns the page clockwise when displayed.
    let (turn, size) = match rotate {
        90 => (Matrix([0.0, -1.0, 1.0, 0.0, 0.0, w]), (h, w)),
        180 => (Matrix([-1.0, 0.0, 0.0, -1.0, w, h]), (w, h)),
        270 => (Matrix([0.0, 1.0, -1.0, 0.0, h, 0.0]), (h, w)),
        _ => (Matrix::IDENTITY, (w, h)),
    };
    let media = BBox {
        x0: 0.0,
        y0: 0.0,
        x1: size.0 as f32,
        y1: size.1 as f32,
    };
    (media, to_origin.then(&turn))
}

/// A rectangle array as `[x0, y0, x1, y1]`, normalised, finite and non-empty.
fn rect(object: &Object) -> Option<[f64; 4]> {
    let values: Vec<f64> = object.as_array().ok()?.iter().filter_map(num).collect();
    let [a, b, c, d] = values.as_slice() else {
        return None;
    };
    let r = [a.min(*c), b.min(*d), a.max(*c), b.max(*d)];
    (r[2] > r[0] && r[3] > r[1]).then_some(r)
}

/// Drops what lies outside the displayed page (content clipped away by the CropBox or drawn off
/// the page is invisible, and would confuse layout), and the room it took: a page that drew
/// millions of glyphs off the page must not keep their memory while the next pages are read.
fn keep_visible(page: &mut PageContent) {
    const SLACK: f32 = 2.0;
    let m = page.media;
    let inside = |x: f32, y: f32| {
        x >= m.x0 - SLACK && x <= m.x1 + SLACK && y >= m.y0 - SLACK && y <= m.y1 + SLACK
    };
    page.glyphs
        .retain(|g| inside((g.bbox.x0 + g.bbox.x1) / 2.0, (g.bbox.y0 + g.bbox.y1) / 2.0));
    page.segments.retain(|s| {
        inside(s.x0, s.y0) || inside(s.x1, s.y1) || inside((s.x0 + s.x1) / 2.0, (s.y0 + s.y1) / 2.0)
    });
    page.glyphs.shrink_to_fit();
    page.segments.shrink_to_fit();
}

fn centre(b: &BBox) -> (f64, f64) {
    (f64::from(b.x0 + b.x1) / 2.0, f64::from(b.y0 + b.y1) / 2.0)
}

/// An affine matrix `[a b c d e f]`, applied to row vectors as in the PDF specification.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translate(tx: f64, ty: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    /// `self × next`: first `self`, then `next` (so `cm` is `m.then(&ctm)`).
    fn then(&self, next: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = next.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn from_operands(operands: &[Object]) -> Option<Matrix> {
        let values: Vec<f64> = operands.iter().filter_map(num).collect();
        let m: [f64; 6] = values.try_into().ok()?;
        Some(Matrix(m))
    }
}

fn num(object: &Object) -> Option<f64> {
    fonts::number(object).map(f64::from)
}

/// The parts of the graphics state this reader uses (saved by `q`, restored by `Q`).
#[derive(Debug, Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    font_size: f64,
    char_spacing: f64,
    word_spacing: f64,
    /// `Tz` / 100.
    h_scale: f64,
    leading: f64,
    rise: f64,
    /// White paint draws nothing visible on a white page: such rules are dropped.
    stroke_white: bool,
    fill_white: bool,
    /// The clipping region's bounding box `[x0, y0, x1, y1]` in page space (`None`: the page).
    clip: Option<[f64; 4]>,
}

impl GState {
    fn new(ctm: Matrix) -> GState {
        GState {
            ctm,
            font: None,
            font_size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            stroke_white: false,
            fill_white: false,
            clip: None,
        }
    }

    /// Whether a point is inside the clipping region (by bounding box, so never too strict).
    fn visible(&self, x: f64, y: f64) -> bool {
        self.clip.is_none_or(|[x0, y0, x1, y1]| {
            x >= x0 - CLIP_SLACK
                && x <= x1 + CLIP_SLACK
                && y >= y0 - CLIP_SLACK
                && y <= y1 + CLIP_SLACK
        })
    }

    /// The part of an axis-aligned rule inside the clipping box; `None` when nothing is left.
    fn clip_segment(&self, s: Segment) -> Option<Segment> {
        let Some([x0, y0, x1, y1]) = self.clip else {
            return Some(s);
        };
        let [x0, y0, x1, y1] = [
            x0 - CLIP_SLACK,
            y0 - CLIP_SLACK,
            x1 + CLIP_SLACK,
            y1 + CLIP_SLACK,
        ]
        .map(|v| v as f32);
        let clipped = Segment {
            x0: s.x0.max(x0),
            y0: s.y0.max(y0),
            x1: s.x1.min(x1),
            y1: s.y1.min(y1),
        };
        (clipped.x0 <= clipped.x1
            && clipped.y0 <= clipped.y1
            && (clipped.x1 - clipped.x0).max(clipped.y1 - clipped.y0) > 0.0)
            .then_some(clipped)
    }

    /// `W`/`W*`: the clipping region shrinks to its intersection with the path's bounding box.
    fn clip_to(&mut self, path: &Shape) {
        let Some(b) = path.bounds() else {
            return;
        };
        self.clip = Some(match self.clip {
            None => b,
            Some(c) => [
                c[0].max(b[0]),
                c[1].max(b[1]),
                c[2].min(b[2]),
                c[3].min(b[3]),
            ],
        });
    }
}

/// Points this close outside a clipping box still count as inside (rounding in producers' clips).
const CLIP_SLACK: f64 = 1.0;

/// How deep `q` may nest; deeper saves are counted, not stored, so `Q` still pairs with them.
const MAX_STACK: usize = 4096;

/// The current path (`m`, `l`, `re`…), already in page coordinates.
#[derive(Debug, Default)]
struct Shape {
    subpaths: Vec<SubPath>,
}

#[derive(Debug)]
struct SubPath {
    start: (f64, f64),
    current: (f64, f64),
    /// Straight edges, in drawing order.
    edges: Vec<((f64, f64), (f64, f64))>,
    /// The vertices visited, for recognising rectangles.
    vertices: Vec<(f64, f64)>,
    curved: bool,
}

impl SubPath {
    fn at(p: (f64, f64)) -> SubPath {
        SubPath {
            start: p,
            current: p,
            edges: Vec::new(),
            vertices: vec![p],
            curved: false,
        }
    }
}

impl Shape {
    /// The bounding box of every point of the path.
    fn bounds(&self) -> Option<[f64; 4]> {
        let mut points = self.subpaths.iter().flat_map(|s| s.vertices.iter());
        let &(x, y) = points.next()?;
        let b = points.fold([x, y, x, y], |b, &(x, y)| {
            [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
        });
        b.iter().all(|v| v.is_finite()).then_some(b)
    }

    fn move_to(&mut self, p: (f64, f64)) {
        self.subpaths.push(SubPath::at(p));
    }

    fn line_to(&mut self, p: (f64, f64)) {
        match self.subpaths.last_mut() {
            Some(sub) => {
                sub.edges.push((sub.current, p));
                sub.vertices.push(p);
                sub.current = p;
            }
            // A line with no current point is an error; starting there loses nothing.
            None => self.move_to(p),
        }
    }

    fn curve_to(&mut self, end: (f64, f64)) {
        match self.subpaths.last_mut() {
            Some(sub) => {
                sub.curved = true;
                sub.vertices.push(end);
                sub.current = end;
            }
            None => self.move_to(end),
        }
    }

    fn close(&mut self) {
        if let Some(sub) = self.subpaths.last_mut()
            && sub.current != sub.start
        {
            sub.edges.push((sub.current, sub.start));
            sub.vertices.push(sub.start);
            sub.current = sub.start;
        }
    }
}

/// Edges this close to horizontal or vertical (in points, over their length) count as rules.
const AXIS_TOLERANCE: f64 = 0.5;
/// A filled rectangle thinner than this is drawn as a line.
const THIN: f64 = 1.5;

struct Interp<'r, 'a> {
    reader: &'r mut Reader<'a>,
    page: PageContent,
    gs: GState,
    stack: Vec<GState>,
    /// `q`s beyond [`MAX_STACK`] not yet closed by `Q`.
    overflow: usize,
    tm: Matrix,
    tlm: Matrix,
    path: Shape,
    /// `W`/`W*` seen: the path clips when the next painting operator ends it.
    clip_pending: bool,
    /// Operations interpreted on this page (with glyphs and `TJ` elements).
    ops: usize,
    /// When to look at the clock next (in [`Reader::ops`]).
    next_clock: usize,
}

impl<'r, 'a> Interp<'r, 'a> {
    fn new(reader: &'r mut Reader<'a>, page: PageContent, base: Matrix) -> Interp<'r, 'a> {
        Interp {
            reader,
            page,
            gs: GState::new(base),
            stack: Vec::new(),
            overflow: 0,
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            path: Shape::default(),
            clip_pending: false,
            ops: 0,
            next_clock: 0,
        }
    }

    fn run(
        &mut self,
        ops: &[Operation],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Step<()> {
        for op in ops {
            self.spend(1)?;
            self.apply(op, resources, depth)?;
        }
        Ok(())
    }

    /// Counts `n` operations against the page's and the document's limits, and looks at the
    /// clock every [`DEADLINE_EVERY`] of them.
    fn spend(&mut self, n: usize) -> Step<()> {
        let limits = self.reader.limits;
        self.ops = self.ops.saturating_add(n);
        self.reader.ops = self.reader.ops.saturating_add(n);
        if self.ops > limits.max_ops_per_page {
            return Err(Exceeded {
                limit: limit::OPS_PER_PAGE,
                detail: format!(
                    "page {} runs more than {} operators",
                    self.page.number, limits.max_ops_per_page
                ),
            });
        }
        if self.reader.ops > limits.max_ops_per_document {
            return Err(Exceeded {
                limit: limit::OPS_PER_DOCUMENT,
                detail: format!(
                    "more than {} operators by page {}",
                    limits.max_ops_per_document, self.page.number
                ),
            });
        }
        if self.reader.ops >= self.next_clock {
            self.next_clock = self.reader.ops.saturating_add(DEADLINE_EVERY);
            check_deadline(limits, self.page.number, self.reader.pages)?;
        }
        Ok(())
    }

    fn apply(
        &mut self,
        op: &Operation,
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Step<()> {
        let operands = op.operands.as_slice();
        let n = |i: usize| operands.get(i).and_then(num);
        match op.operator.as_str() {
            "q" => self.save(),
            "Q" => self.restore(),
            "cm" => {
                if let Some(m) = Matrix::from_operands(operands) {
                    self.gs.ctm = m.then(&self.gs.ctm);
                }
            }
            "BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            "Tf" => {
                if let (Some(Object::Name(name)), Some(size)) = (operands.first(), n(1)) {
                    self.gs.font = Some(self.reader.font(resources, name)?);
                    self.gs.font_size = size;
                }
            }
            "Tc" => set(&mut self.gs.char_spacing, n(0)),
            "Tw" => set(&mut self.gs.word_spacing, n(0)),
            "Tz" => set(&mut self.gs.h_scale, n(0).map(|s| s / 100.0)),
            "TL" => set(&mut self.gs.leading, n(0)),
            "Ts" => set(&mut self.gs.rise, n(0)),
            "Td" => {
                if let (Some(tx), Some(ty)) = (n(0), n(1)) {
                    self.next_line(tx, ty);
                }
            }
            "TD" => {
                if let (Some(tx), Some(ty)) = (n(0), n(1)) {
                    self.gs.leading = -ty;
                    self.next_line(tx, ty);
                }
            }
            "Tm" => {
                if let Some(m) = Matrix::from_operands(operands) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            "T*" => self.next_line(0.0, -self.gs.leading),
            "Tj" => self.show_operand(operands.first())?,
            "'" => {
                self.next_line(0.0, -self.gs.leading);
                self.show_operand(operands.first())?;
            }
            "\"" => {
                set(&mut self.gs.word_spacing, n(0));
                set(&mut self.gs.char_spacing, n(1));
                self.next_line(0.0, -self.gs.leading);
                self.show_operand(operands.get(2))?;
            }
            "TJ" => self.show_array(operands.first())?,
            "Do" => {
                if let Some(Object::Name(name)) = operands.first() {
                    self.draw_xobject(resources, name, depth)?;
                }
            }
            "BI" => self.page.images += 1,
            other => self.apply_graphics(other, operands),
        }
        Ok(())
    }

    /// Path construction, painting and colour operators.
    fn apply_graphics(&mut self, operator: &str, operands: &[Object]) {
        let n = |i: usize| operands.get(i).and_then(num);
        let point = |x: Option<f64>, y: Option<f64>| Some((x?, y?));
        match operator {
            "m" => {
                if let Some((x, y)) = point(n(0), n(1)) {
                    self.path.move_to(self.gs.ctm.apply(x, y));
                }
            }
            "l" => {
                if let Some((x, y)) = point(n(0), n(1)) {
                    self.path.line_to(self.gs.ctm.apply(x, y));
                }
            }
            "c" | "v" | "y" => {
                let last = operands.len().saturating_sub(2);
                if let Some((x, y)) = point(n(last), n(last + 1)) {
                    self.path.curve_to(self.gs.ctm.apply(x, y));
                }
            }
            "h" => self.path.close(),
            "re" => {
                if let (Some(x), Some(y), Some(w), Some(h)) = (n(0), n(1), n(2), n(3)) {
                    let ctm = self.gs.ctm;
                    self.path.move_to(ctm.apply(x, y));
                    self.path.line_to(ctm.apply(x + w, y));
                    self.path.line_to(ctm.apply(x + w, y + h));
                    self.path.line_to(ctm.apply(x, y + h));
                    self.path.close();
                }
            }
            "S" => self.paint(true, false),
            "s" => {
                self.path.close();
                self.paint(true, false);
            }
            "f" | "F" | "f*" => self.paint(false, true),
            "B" | "B*" => self.paint(true, true),
            "b" | "b*" => {
                self.path.close();
                self.paint(true, true);
            }
            "n" => self.paint(false, false),
            "W" | "W*" => self.clip_pending = true,
            "G" | "RG" | "K" | "SC" | "SCN" => self.gs.stroke_white = is_white(operands),
            "g" | "rg" | "k" | "sc" | "scn" => self.gs.fill_white = is_white(operands),
            // A new colour space starts at its initial colour, black for the usual spaces.
            "CS" => self.gs.stroke_white = false,
            "cs" => self.gs.fill_white = false,
            _ => {}
        }
    }

    fn save(&mut self) {
        if self.stack.len() < MAX_STACK {
            self.stack.push(self.gs.clone());
        } else {
            self.overflow += 1;
        }
    }

    fn restore(&mut self) {
        if self.overflow > 0 {
            self.overflow -= 1;
        } else if let Some(gs) = self.stack.pop() {
            self.gs = gs;
        }
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
        self.tm = self.tlm;
    }

    fn show_operand(&mut self, operand: Option<&Object>) -> Step<()> {
        match operand {
            Some(Object::String(bytes, _)) => self.show(bytes),
            _ => Ok(()),
        }
    }

    /// `TJ`: strings shown in turn, numbers moving the pen back by thousandths of the font size.
    /// Each element counts as an operation.
    fn show_array(&mut self, operand: Option<&Object>) -> Step<()> {
        let Some(Object::Array(items)) = operand else {
            return Ok(());
        };
        self.spend(items.len())?;
        for item in items {
            match item {
                Object::String(bytes, _) => self.show(bytes)?,
                other => {
                    if let Some(adjust) = num(other) {
                        let shift = -adjust / 1000.0 * self.gs.font_size;
                        let vertical = self.gs.font.as_ref().is_some_and(|f| f.vertical);
                        let m = if vertical {
                            Matrix::translate(0.0, shift)
                        } else {
                            Matrix::translate(shift * self.gs.h_scale, 0.0)
                        };
                        self.tm = m.then(&self.tm);
                    }
                }
            }
        }
        Ok(())
    }

    /// Shows a string: one glyph per decoded code, each placed by the text rendering matrix, then
    /// the pen advanced by the code's width and the character and word spacing (§9.4.4). Each
    /// code counts as an operation: a code is at most four bytes, so a string too long for the
    /// operations left fails before it is decoded.
    fn show(&mut self, bytes: &[u8]) -> Step<()> {
        self.spend(bytes.len().div_ceil(4))?;
        let font = match &self.gs.font {
            Some(font) => Rc::clone(font),
            None => Rc::clone(&self.reader.no_font),
        };
        let shown = font.decode(bytes);
        self.spend(shown.len().saturating_sub(bytes.len().div_ceil(4)))?;
        let gs = &self.gs;
        let (size, h_scale) = (gs.font_size, gs.h_scale);
        for shown in shown {
            let trm = Matrix([size * h_scale, 0.0, 0.0, size, 0.0, gs.rise])
                .then(&self.tm)
                .then(&gs.ctm);
            match shown.text {
                None => self.page.undecodable += 1,
                Some(text) if !text.trim().is_empty() => {
                    if let Some(glyph) = place(&font, &trm, f64::from(shown.width), text) {
                        let (cx, cy) = centre(&glyph.bbox);
                        if gs.visible(cx, cy) {
                            self.page.glyphs.push(glyph);
                        }
                    }
                }
                Some(_) => {}
            }
            let spacing = gs.char_spacing
                + if shown.word_space {
                    gs.word_spacing
                } else {
                    0.0
                };
            let advance = f64::from(shown.width) * size + spacing;
            let m = if font.vertical {
                Matrix::translate(0.0, advance)
            } else {
                Matrix::translate(advance * h_scale, 0.0)
            };
            self.tm = m.then(&self.tm);
        }
        Ok(())
    }

    /// `Do`: an image is counted, a form is run; a form nested deeper than the limit (one that
    /// draws itself, directly or through others) fails the document.
    fn draw_xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        depth: usize,
    ) -> Step<()> {
        let doc = self.reader.doc;
        let Some((id, object)) = resource(doc, resources, b"XObject", name) else {
            return Ok(());
        };
        let Ok(stream) = object.as_stream() else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.page.images += 1,
            Ok(b"Form") => {
                let max = self.reader.limits.max_form_depth;
                if depth >= max {
                    return Err(Exceeded {
                        limit: limit::FORM_DEPTH,
                        detail: format!(
                            "page {}: Form XObject /{} nested deeper than {max}",
                            self.page.number,
                            String::from_utf8_lossy(name)
                        ),
                    });
                }
                let ops = self.reader.form_operations(id, stream)?;
                let matrix = deref(doc, stream.dict.get(b"Matrix").ok())
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| Matrix::from_operands(a))
                    .unwrap_or(Matrix::IDENTITY);
                // A form without Resources uses its parent's (allowed in older files).
                let form_resources = deref(doc, stream.dict.get(b"Resources").ok())
                    .and_then(|o| o.as_dict().ok())
                    .or(resources);
                self.run_form(&ops, matrix, form_resources, depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Runs a form as if wrapped in `q … Q`, whatever its own `q`/`Q` balance.
    fn run_form(
        &mut self,
        ops: &[Operation],
        matrix: Matrix,
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Step<()> {
        let saved_gs = self.gs.clone();
        let saved_stack = self.stack.len();
        let saved_overflow = self.overflow;
        let (tm, tlm) = (self.tm, self.tlm);
        let path = std::mem::take(&mut self.path);
        self.gs.ctm = matrix.then(&self.gs.ctm);
        self.run(ops, resources, depth)?;
        self.gs = saved_gs;
        self.stack.truncate(saved_stack);
        self.overflow = saved_overflow;
        self.tm = tm;
        self.tlm = tlm;
        self.path = path;
        Ok(())
    }

    /// Paints the current path: stroked straight edges and thin filled rectangles become rules.
    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        if std::mem::take(&mut self.clip_pending) {
            self.gs.clip_to(&path);
        }
        let stroke = stroke && !self.gs.stroke_white;
        let fill = fill && !self.gs.fill_white;
        for sub in &path.subpaths {
            if stroke {
                for &(a, b) in &sub.edges {
                    if let Some(segment) = rule(a, b).and_then(|s| self.gs.clip_segment(s)) {
                        self.page.segments.push(segment);
                    }
                }
            } else if fill
                && !sub.curved
                && let Some(segment) =
                    thin_rectangle(&sub.vertices).and_then(|s| self.gs.clip_segment(s))
            {
                self.page.segments.push(segment);
            }
        }
    }
}

fn set(slot: &mut f64, value: Option<f64>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// Whether colour operands paint white: gray 1, RGB 1 1 1, CMYK 0 0 0 0. A pattern (a name
/// operand) or an unknown space is not white.
fn is_white(operands: &[Object]) -> bool {
    let values: Option<Vec<f64>> = operands.iter().map(num).collect();
    match values.as_deref() {
        Some([g]) => *g >= 0.99,
        Some([r, g, b]) => [r, g, b].iter().all(|v| **v >= 0.99),
        Some([c, m, y, k]) => [c, m, y, k].iter().all(|v| **v <= 0.01),
        _ => false,
    }
}

/// The glyph of one code: its box in text space (origin to advance, descent to ascent; for
/// vertical fonts centred on the origin and hanging below it) mapped through the text rendering
/// matrix. `None` when the matrix is degenerate or not finite.
fn place(font: &Font, trm: &Matrix, width: f64, text: String) -> Option<Glyph> {
    let (ascent, descent) = (f64::from(font.ascent), f64::from(font.descent));
    let (x0, x1, y0, y1) = if font.vertical {
        (-0.5, 0.5, -1.0, 0.0)
    } else {
        (0.0, width, descent, ascent)
    };
    let corners = [
        trm.apply(x0, y0),
        trm.apply(x1, y0),
        trm.apply(x0, y1),
        trm.apply(x1, y1),
    ];
    let xs = corners.map(|c| c.0);
    let ys = corners.map(|c| c.1);
    let min = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min);
    let max = |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
    let (_, baseline) = if font.vertical {
        trm.apply(0.0, -ascent)
    } else {
        trm.apply(0.0, 0.0)
    };
    let [_, _, c, d, _, _] = trm.0;
    let size = c.hypot(d);
    let values = [min(xs), min(ys), max(xs), max(ys), baseline, size];
    if values.iter().any(|v| !v.is_finite() || v.abs() > 1e7) {
        return None;
    }
    Some(Glyph {
        text,
        bbox: BBox {
            x0: values[0] as f32,
            y0: values[1] as f32,
            x1: values[2] as f32,
            y1: values[3] as f32,
        },
        baseline: baseline as f32,
        size: size as f32,
    })
}

/// A straight edge as a rule when it is horizontal or vertical (within the tolerance).
fn rule(a: (f64, f64), b: (f64, f64)) -> Option<Segment> {
    let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
    if !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite()) {
        return None;
    }
    if dy <= AXIS_TOLERANCE && dx > dy {
        let y = (a.1 + b.1) / 2.0;
        Some(segment(a.0.min(b.0), y, a.0.max(b.0), y))
    } else if dx <= AXIS_TOLERANCE && dy > dx {
        let x = (a.0 + b.0) / 2.0;
        Some(segment(x, a.1.min(b.1), x, a.1.max(b.1)))
    } else {
        None
    }
}

/// A filled axis-aligned rectangle thinner than [`THIN`] as the line along its middle.
fn thin_rectangle(vertices: &[(f64, f64)]) -> Option<Segment> {
    let mut corners: Vec<(f64, f64)> = Vec::with_capacity(5);
    for &p in vertices {
        if corners.last() != Some(&p) {
            corners.push(p);
        }
    }
    if corners.len() == 5 && corners.first() == corners.last() {
        corners.pop();
    }
    if corners.len() != 4 {
        return None;
    }
    // Every side axis-aligned (one coordinate constant along it).
    let axis_aligned = (0..4).all(|i| {
        let (a, b) = (corners[i], corners[(i + 1) % 4]);
        (a.0 - b.0).abs() <= AXIS_TOLERANCE || (a.1 - b.1).abs() <= AXIS_TOLERANCE
    });
    if !axis_aligned {
        return None;
    }
    let xs = corners.iter().map(|p| p.0);
    let ys = corners.iter().map(|p| p.1);
    let (x0, x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = (
        ys.clone().fold(f64::INFINITY, f64::min),
        ys.fold(f64::NEG_INFINITY, f64::max),
    );
    let (w, h) = (x1 - x0, y1 - y0);
    if !(w.is_finite() && h.is_finite()) || w.min(h) >= THIN || w.max(h) < 2.0 * THIN {
        return None;
    }
    Some(if w >= h {
        let y = (y0 + y1) / 2.0;
        segment(x0, y, x1, y)
    } else {
        let x = (x0 + x1) / 2.0;
        segment(x, y0, x, y1)
    })
}

fn segment(x0: f64, y0: f64, x1: f64, y1: f64) -> Segment {
    Segment {
        x0: x0 as f32,
        y0: y0 as f32,
        x1: x1 as f32,
        y1: y1 as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, StringFormat, dictionary};

    /// A one-page A4 PDF: `content` with `resources`, built with lopdf's writer. `extra` adds
    /// objects (fonts, forms) before the page is written.
    fn pdf(content: &[u8], build: impl FnOnce(&mut Document) -> Dictionary) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let resources = build(&mut doc);
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn read(bytes: &[u8]) -> PageContent {
        read_with(bytes, &Limits::default())
    }

    fn read_with(bytes: &[u8], limits: &Limits) -> PageContent {
        let mut pages = read_pages(Path::new("t.pdf"), bytes, limits).unwrap();
        assert_eq!(pages.len(), 1);
        pages.remove(0)
    }

    fn text(page: &PageContent) -> String {
        page.glyphs.iter().map(|g| g.text.as_str()).collect()
    }

    fn xs(page: &PageContent) -> Vec<f32> {
        page.glyphs.iter().map(|g| g.bbox.x0).collect()
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-3
    }

    /// ToUnicode for Identity-H codes: 0010 部, 0011–0013 门 闩 闪 (a range), 0003 a space.
    const TO_UNICODE: &[u8] = b"1 begincodespacerange <0000> <FFFF> endcodespacerange
        2 beginbfchar <0010> <90E8> <0003> <0020> endbfchar
        1 beginbfrange <0011> <0013> <95E8> endbfrange";

    /// A Type0 Identity-H font with [`TO_UNICODE`], every glyph 1000 units wide, as `/F1`.
    fn identity_font(doc: &mut Document) -> Dictionary {
        let cmap = doc.add_object(Stream::new(dictionary! {}, TO_UNICODE.to_vec()));
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun", "Encoding" => "Identity-H",
            "ToUnicode" => cmap,
            "DescendantFonts" => vec![dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun", "DW" => 1000,
                "FontDescriptor" => dictionary! { "Type" => "FontDescriptor", "FontName" => "SimSun",
                    "Flags" => 4, "Ascent" => 800, "Descent" => -200 },
            }.into()],
        });
        dictionary! { "Font" => dictionary! { "F1" => font } }
    }

    #[test]
    fn identity_h_with_to_unicode_bfchar_and_bfrange() {
        let page = read(&pdf(
            b"BT /F1 12 Tf 100 700 Td <0010001100030013> Tj ET",
            identity_font,
        ));
        // The space glyph is not emitted but moves the pen.
        assert_eq!(text(&page), "部门闪");
        assert_eq!(xs(&page), vec![100.0, 112.0, 136.0]);
        let g = &page.glyphs[0];
        assert!(close(g.baseline, 700.0) && close(g.size, 12.0));
        assert!(close(g.bbox.y0, 697.6) && close(g.bbox.y1, 709.6) && close(g.bbox.x1, 112.0));
        assert_eq!((page.number, page.undecodable, page.images), (1, 0, 0));
        assert_eq!(
            page.media,
            BBox {
                x0: 0.0,
                y0: 0.0,
                x1: 595.0,
                y1: 842.0
            }
        );
    }

    #[test]
    fn simple_font_with_winansi_and_differences() {
        let page = read(&pdf(b"BT /F2 10 Tf 50 50 Td (A\x93B\x94 C) Tj ET", |doc| {
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
                "FirstChar" => 32, "Widths" => vec![Object::Integer(250); 224],
                "Encoding" => dictionary! { "BaseEncoding" => "WinAnsiEncoding",
                    "Differences" => vec![66.into(), Object::Name(b"uni9884".to_vec()),
                        Object::Name(b"afii61352".to_vec())] },
            });
            dictionary! { "Font" => dictionary! { "F2" => font } }
        }));
        // `afii61352` (№) is outside the common glyph names: that code alone is undecodable.
        assert_eq!(text(&page), "A\u{201C}预\u{201D}");
        assert_eq!(page.undecodable, 1);
        assert_eq!(xs(&page), vec![50.0, 52.5, 55.0, 57.5]);
    }

    fn cjk_font(doc: &mut Document, encoding: &str) -> Dictionary {
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light", "Encoding" => encoding,
            "DescendantFonts" => vec![dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
                    "Ordering" => Object::string_literal("GB1"), "Supplement" => 4 },
            }.into()],
        });
        dictionary! { "Font" => dictionary! { "F1" => font } }
    }

    fn hex_string(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    #[test]
    fn uni_gb_ucs2_without_to_unicode() {
        let codes: Vec<u8> = "部门预算2024"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let content = format!("BT /F1 10 Tf 72 720 Td <{}> Tj ET", hex_string(&codes));
        let page = read(&pdf(content.as_bytes(), |doc| {
            cjk_font(doc, "UniGB-UCS2-H")
        }));
        assert_eq!(text(&page), "部门预算2024");
        // Ideographs advance the default 1000 units; digits, with no CID known, half that.
        assert_eq!(xs(&page)[..6], [72.0, 82.0, 92.0, 102.0, 112.0, 117.0]);
    }

    #[test]
    fn gbk_euc_h_without_to_unicode() {
        let (codes, _, _) = encoding_rs::GBK.encode("单位：万元 A");
        let content = format!("BT /F1 10 Tf 72 720 Td <{}> Tj ET", hex_string(&codes));
        let page = read(&pdf(content.as_bytes(), |doc| cjk_font(doc, "GBK-EUC-H")));
        assert_eq!(text(&page), "单位：万元A");
        assert_eq!(page.undecodable, 0);
    }

    #[test]
    fn font_without_to_unicode_or_usable_encoding_shows_nothing() {
        let page = read(&pdf(
            b"BT /F1 10 Tf 72 720 Td <00100011> Tj /F2 10 Tf (AB) Tj ET",
            |doc| {
                let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Mystery", "Encoding" => "Identity-H",
                "DescendantFonts" => vec![dictionary! { "Subtype" => "CIDFontType2" }.into()],
            });
                let symbolic = doc.add_object(dictionary! {
                    "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Mystery2",
                    "FontDescriptor" => dictionary! { "Flags" => 4 },
                });
                dictionary! { "Font" => dictionary! { "F1" => cid, "F2" => symbolic } }
            },
        ));
        assert!(page.glyphs.is_empty());
        assert_eq!(page.undecodable, 4);
    }

    #[test]
    fn missing_font_resource_counts_as_undecodable() {
        let page = read(&pdf(
            b"BT /F9 10 Tf (abc) Tj ET BT (d) Tj ET",
            |_| dictionary! {},
        ));
        assert!(page.glyphs.is_empty());
        assert_eq!(page.undecodable, 4);
    }

    #[test]
    fn flipped_ctm_and_flipped_text_matrix_come_out_upright() {
        let page = read(&pdf(
            b"1 0 0 -1 0 842 cm BT /F1 10 Tf 1 0 0 -1 50 100 Tm <00100011> Tj ET",
            identity_font,
        ));
        assert_eq!(text(&page), "部门");
        let g = &page.glyphs[0];
        assert!(close(g.baseline, 742.0) && close(g.size, 10.0));
        assert!(close(g.bbox.y0, 740.0) && close(g.bbox.y1, 750.0));
        assert_eq!(xs(&page), vec![50.0, 60.0]);
    }

    #[test]
    fn scaled_text_matrix_and_ctm_scale_positions_and_size() {
        let page = read(&pdf(
            b"0.5 0 0 0.5 0 0 cm BT /F1 1 Tf 24 0 0 24 200 1000 Tm <00100011> Tj ET",
            identity_font,
        ));
        assert_eq!(xs(&page), vec![100.0, 112.0]);
        let g = &page.glyphs[1];
        assert!(close(g.size, 12.0) && close(g.baseline, 500.0) && close(g.bbox.x1, 124.0));
    }

    #[test]
    fn tj_kerning_and_spacing_move_glyphs() {
        // -500: half an em to the right; 250: a quarter back.
        let page = read(&pdf(
            b"BT /F1 10 Tf 100 700 Td [<0010> -500 <0011> 250 <0012>] TJ ET",
            identity_font,
        ));
        assert_eq!(xs(&page), vec![100.0, 115.0, 122.5]);
        // Tc adds after every glyph, Tz scales advances horizontally.
        let page = read(&pdf(
            b"BT /F1 10 Tf 2 Tc 50 Tz 100 700 Td <00100011> Tj ET",
            identity_font,
        ));
        assert_eq!(xs(&page), vec![100.0, 106.0]);
        assert!(close(page.glyphs[0].bbox.x1, 105.0));
        // TL with T* and the ' and " operators start new lines.
        let page = read(&pdf(
            b"BT /F1 10 Tf 14 TL 100 700 Td <0010> Tj T* <0011> Tj (\x00\x12) ' 1 2 (\x00\x13) \" ET",
            identity_font,
        ));
        let baselines: Vec<f32> = page.glyphs.iter().map(|g| g.baseline).collect();
        assert_eq!(baselines, vec![700.0, 686.0, 672.0, 658.0]);
    }

    #[test]
    fn word_spacing_applies_to_single_byte_spaces_only() {
        let page = read(&pdf(b"BT /F2 10 Tf 5 Tw 0 700 Td (A B) Tj ET", |doc| {
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
                "Encoding" => "WinAnsiEncoding",
            });
            dictionary! { "Font" => dictionary! { "F2" => font } }
        }));
        // Courier is 600 units: A at 0, space 6 + 5, B at 17.
        assert_eq!(text(&page), "AB");
        assert_eq!(xs(&page), vec![0.0, 17.0]);
        // In a two-byte font code 0x0003 is no word space: Tw does not apply.
        let page = read(&pdf(
            b"BT /F1 10 Tf 5 Tw 0 700 Td <001000030011> Tj ET",
            identity_font,
        ));
        assert_eq!(xs(&page), vec![0.0, 20.0]);
    }

    /// Adds a form XObject drawing `content` with `/F1` from [`identity_font`] in its own resources.
    fn form(doc: &mut Document, content: &[u8], matrix: Option<[i64; 6]>) -> ObjectId {
        let mut resources = identity_font(doc);
        let id = doc.new_object_id();
        resources.set("XObject", dictionary! { "Self" => id });
        let mut dict = dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Resources" => resources };
        if let Some(m) = matrix {
            dict.set(
                "Matrix",
                m.iter().map(|&v| Object::Integer(v)).collect::<Vec<_>>(),
            );
        }
        doc.objects
            .insert(id, Object::Stream(Stream::new(dict, content.to_vec())));
        id
    }

    #[test]
    fn form_xobject_drawn_twice_with_its_matrix_and_resources() {
        let page = read(&pdf(
            b"q 1 0 0 1 100 100 cm /X1 Do Q q 1 0 0 1 200 100 cm /X1 Do Q",
            |doc| {
                let x1 = form(
                    doc,
                    b"BT /F1 10 Tf 0 0 Td <0010> Tj ET",
                    Some([1, 0, 0, 1, 10, 20]),
                );
                // The page's own resources have no font: the form's are used.
                dictionary! { "XObject" => dictionary! { "X1" => x1 } }
            },
        ));
        assert_eq!(text(&page), "部部");
        assert_eq!(xs(&page), vec![110.0, 210.0]);
        assert!(page.glyphs.iter().all(|g| close(g.baseline, 120.0)));
    }

    /// The limit a document fails with, and the error's message.
    fn exceeded(bytes: &[u8], limits: &Limits) -> (&'static str, String) {
        match read_pages(Path::new("t.pdf"), bytes, limits) {
            Err(err @ PdfError::LimitExceeded { limit, .. }) => (limit, err.to_string()),
            other => panic!("expected a limit, got {other:?}"),
        }
    }

    /// Forms nested `n` deep, each showing 部 12 points above its parent's and drawing the next.
    fn nested_forms(doc: &mut Document, n: usize) -> Dictionary {
        let mut next: Option<ObjectId> = None;
        for _ in 0..n {
            let mut resources = identity_font(doc);
            let mut content = b"BT /F1 10 Tf 0 0 Td <0010> Tj ET 1 0 0 1 0 12 cm".to_vec();
            if let Some(id) = next {
                resources.set("XObject", dictionary! { "Next" => id });
                content.extend_from_slice(b" /Next Do");
            }
            let dict = dictionary! { "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Resources" => resources };
            next = Some(doc.add_object(Stream::new(dict, content)));
        }
        dictionary! { "XObject" => dictionary! { "X1" => next.expect("n > 0") } }
    }

    #[test]
    fn forms_nest_up_to_the_depth_limit() {
        let bytes = pdf(b"/X1 Do", |doc| nested_forms(doc, 5));
        let limits = |max_form_depth| Limits {
            max_form_depth,
            ..Limits::default()
        };
        let page = read_with(&bytes, &limits(5));
        let baselines: Vec<f32> = page.glyphs.iter().map(|g| g.baseline).collect();
        assert_eq!(baselines, vec![0.0, 12.0, 24.0, 36.0, 48.0]);
        let (limit, message) = exceeded(&bytes, &limits(4));
        assert_eq!(limit, limit::FORM_DEPTH);
        assert_eq!(
            message,
            "t.pdf: resource limit exceeded: Form XObject nesting depth (page 1: Form XObject \
             /Next nested deeper than 4); raise it with --max-depth"
        );
    }

    #[test]
    fn form_that_draws_itself_fails_at_the_depth_limit() {
        let bytes = pdf(b"/X1 Do", |doc| {
            let x1 = form(
                doc,
                b"BT /F1 10 Tf 0 0 Td <0010> Tj ET 1 0 0 1 0 12 cm /Self Do /Self Do",
                None,
            );
            dictionary! { "XObject" => dictionary! { "X1" => x1 } }
        });
        let (limit, message) = exceeded(&bytes, &Limits::default());
        assert_eq!(limit, limit::FORM_DEPTH);
        assert!(message.contains("/Self nested deeper than 12"), "{message}");
    }

    #[test]
    fn a_page_over_the_operation_limit_fails() {
        // Five operators and one glyph per repetition.
        let content = "BT /F1 10 Tf 0 700 Td <0010> Tj ET\n".repeat(100);
        let bytes = pdf(content.as_bytes(), identity_font);
        let limits = |max_ops_per_page| Limits {
            max_ops_per_page,
            ..Limits::default()
        };
        assert_eq!(read_with(&bytes, &limits(600)).glyphs.len(), 100);
        let (limit, message) = exceeded(&bytes, &limits(599));
        assert_eq!(limit, limit::OPS_PER_PAGE);
        assert!(
            message.ends_with(
                "(page 1 runs more than 599 operators); raise it with --max-ops-per-page"
            ),
            "{message}"
        );
        // A content stream with more operators than the limit fails as it is parsed.
        let (limit, message) = exceeded(&bytes, &limits(499));
        assert_eq!(limit, limit::OPS_PER_PAGE);
        assert!(
            message.contains("holds more than 499 operators"),
            "{message}"
        );
    }

    #[test]
    fn glyphs_and_tj_elements_count_as_operations() {
        let codes = "0010".repeat(1000);
        let bytes = pdf(
            format!("BT /F1 0.1 Tf 0 700 Td <{codes}> Tj [<{codes}> 5 <{codes}>] TJ ET").as_bytes(),
            identity_font,
        );
        // 6 operators, 3000 glyphs, 3 TJ elements.
        let limits = |max_ops_per_page| Limits {
            max_ops_per_page,
            ..Limits::default()
        };
        assert_eq!(read_with(&bytes, &limits(3009)).glyphs.len(), 3000);
        assert_eq!(exceeded(&bytes, &limits(3008)).0, limit::OPS_PER_PAGE);
        // A string far longer than the operations left fails before it is decoded.
        assert_eq!(exceeded(&bytes, &limits(100)).0, limit::OPS_PER_PAGE);
    }

    #[test]
    fn a_form_drawn_again_and_again_counts_against_the_document() {
        let bytes = pdf(b"/X1 Do /X1 Do /X1 Do /X1 Do", |doc| nested_forms(doc, 1));
        // Each drawing: Do, BT, Tf, Td, Tj, one glyph, ET, cm.
        let limits = |max_ops_per_document| Limits {
            max_ops_per_document,
            ..Limits::default()
        };
        assert_eq!(read_with(&bytes, &limits(32)).glyphs.len(), 4);
        let (limit, message) = exceeded(&bytes, &limits(31));
        assert_eq!(limit, limit::OPS_PER_DOCUMENT);
        assert!(
            message.ends_with("raise it with --max-ops-per-document"),
            "{message}"
        );
    }

    /// `pdf` with every stream compressed.
    fn compressed(bytes: &[u8]) -> Vec<u8> {
        let mut doc = Document::load_mem(bytes).unwrap();
        doc.compress();
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn a_stream_that_inflates_past_the_limit_fails() {
        let content = "BT /F1 10 Tf 0 700 Td <0010> Tj ET\n".to_owned() + &" ".repeat(100_000);
        let bytes = compressed(&pdf(content.as_bytes(), identity_font));
        assert!(bytes.len() < 10_000);
        let limits = |max_decompressed_bytes_per_stream| Limits {
            max_decompressed_bytes_per_stream,
            ..Limits::default()
        };
        assert_eq!(read_with(&bytes, &limits(200_000)).glyphs.len(), 1);
        let (limit, message) = exceeded(&bytes, &limits(64 * 1024));
        assert_eq!(limit, limit::STREAM_BYTES);
        assert!(
            message.contains("inflates past 65536 bytes); raise it with --max-stream-bytes"),
            "{message}"
        );
        // The font's streams (here its ToUnicode) are bounded too.
        let (limit, message) = exceeded(&bytes, &limits(TO_UNICODE.len() - 1));
        assert_eq!(limit, limit::STREAM_BYTES);
        assert!(message.contains("stream "), "{message}");
    }

    #[test]
    fn streams_decoded_for_the_pages_count_against_the_document() {
        let content = b"BT /F1 10 Tf 0 700 Td <0010> Tj ET";
        let bytes = compressed(&pdf(content, identity_font));
        let limits = |max_decompressed_bytes_per_document| Limits {
            max_decompressed_bytes_per_document,
            ..Limits::default()
        };
        // The content stream, then the font's ToUnicode.
        let total = content.len() + TO_UNICODE.len();
        assert_eq!(read_with(&bytes, &limits(total)).glyphs.len(), 1);
        let (limit, message) = exceeded(&bytes, &limits(total - 1));
        assert_eq!(limit, limit::DOCUMENT_BYTES);
        assert!(
            message.ends_with("raise it with --max-document-bytes"),
            "{message}"
        );
        // A content stream drawn by every page is counted each time.
        let mut doc = Document::load_mem(&bytes).unwrap();
        let pages = doc.get_pages();
        let page = doc.get_object(pages[&1]).unwrap().clone();
        let tree = doc
            .catalog()
            .unwrap()
            .get(b"Pages")
            .unwrap()
            .as_reference()
            .unwrap();
        let kids: Vec<Object> = (0..3)
            .map(|_| doc.add_object(page.clone()).into())
            .collect();
        let count = kids.len() as i64;
        let root = doc.get_dictionary_mut(tree).unwrap();
        root.set("Kids", kids);
        root.set("Count", count);
        let mut three = Vec::new();
        doc.save_to(&mut three).unwrap();
        assert_eq!(
            exceeded(&three, &limits(total + content.len())).0,
            limit::DOCUMENT_BYTES
        );
        let pages = read_pages(
            Path::new("t.pdf"),
            &three,
            &limits(total + 2 * content.len()),
        );
        assert_eq!(pages.unwrap().len(), 3);
    }

    #[test]
    fn a_document_past_its_deadline_fails() {
        let bytes = pdf(b"BT /F1 10 Tf 0 700 Td <0010> Tj ET", identity_font);
        let limits = |deadline| Limits {
            deadline: Some(deadline),
            ..Limits::default()
        };
        let later = Instant::now() + std::time::Duration::from_secs(3600);
        assert_eq!(read_with(&bytes, &limits(later)).glyphs.len(), 1);
        let (limit, message) = exceeded(&bytes, &limits(Instant::now()));
        assert_eq!(limit, limit::TIME);
        assert!(
            message.ends_with("(time budget spent at page 1 of 1); raise it with --timeout"),
            "{message}"
        );
    }

    #[test]
    fn the_clock_is_read_every_few_thousand_operations() {
        let doc = Document::with_version("1.7");
        let limits = Limits {
            deadline: Some(Instant::now() + std::time::Duration::from_millis(500)),
            ..Limits::default()
        };
        let mut reader = Reader::new(&doc, &limits, 1);
        let page = PageContent {
            number: 1,
            ..PageContent::default()
        };
        let mut interp = Interp::new(&mut reader, page, Matrix::IDENTITY);
        assert!(interp.spend(1).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(600));
        // Past the deadline, but the clock is not read again until DEADLINE_EVERY more.
        assert!(interp.spend(DEADLINE_EVERY - 1).is_ok());
        let stopped = interp.spend(1).unwrap_err();
        assert_eq!(stopped.limit, limit::TIME);
        assert_eq!(stopped.detail, "time budget spent at page 1 of 1");
    }

    #[test]
    fn every_limit_names_its_flag() {
        let flags = [
            limit::STREAM_BYTES,
            limit::DOCUMENT_BYTES,
            limit::OPS_PER_PAGE,
            limit::OPS_PER_DOCUMENT,
            limit::FORM_DEPTH,
            limit::TIME,
        ]
        .map(flag);
        assert_eq!(flag("anything else"), "help");
        assert_eq!(
            flags,
            [
                "max-stream-bytes",
                "max-document-bytes",
                "max-ops-per-page",
                "max-ops-per-document",
                "max-depth",
                "timeout"
            ]
        );
    }

    fn segments(page: &PageContent) -> Vec<[f32; 4]> {
        page.segments
            .iter()
            .map(|s| [s.x0, s.y0, s.x1, s.y1])
            .collect()
    }

    #[test]
    fn stroked_lines_and_thin_filled_rectangles_become_segments() {
        let content = b"0 0 0 RG 1 w
            50 100 m 300 100.2 l S
            50 300 m 50 100 l S
            10 10 m 100 80 l S
            0 0 m 10 10 20 10 30 0 c S
            50 400 200 0.5 re f
            60 400 0.8 -100 re f
            50 500 100 50 re S
            50 600 100 50 re f
            1 1 1 RG 0 700 m 100 700 l S
            0 0 0 RG 1 0 0 -1 0 842 cm 10 42 m 110 42 l S";
        let page = read(&pdf(content, |_| dictionary! {}));
        assert_eq!(
            segments(&page),
            vec![
                [50.0, 100.1, 300.0, 100.1],
                [50.0, 100.0, 50.0, 300.0],
                [50.0, 400.25, 250.0, 400.25],
                [60.4, 300.0, 60.4, 400.0],
                [50.0, 500.0, 150.0, 500.0],
                [150.0, 500.0, 150.0, 550.0],
                [50.0, 550.0, 150.0, 550.0],
                [50.0, 500.0, 50.0, 550.0],
                [10.0, 800.0, 110.0, 800.0],
            ]
        );
    }

    #[test]
    fn clipping_hides_glyphs_and_trims_rules() {
        let content = b"q 0 400 595 442 re W n
            BT /F1 10 Tf 100 700 Td <0010> Tj 0 -400 Td <0011> Tj ET
            100 300 m 100 500 l S Q
            BT /F1 10 Tf 100 300 Td <0012> Tj ET";
        let page = read(&pdf(content, identity_font));
        // 门 at y 300 is outside the clip; after Q, 闩 at y 300 is drawn again.
        assert_eq!(text(&page), "部\u{95E9}");
        assert_eq!(segments(&page), vec![[100.0, 399.0, 100.0, 500.0]]);
    }

    #[test]
    fn images_are_counted() {
        let content =
            b"q 100 0 0 100 0 0 cm /Im1 Do Q BI /W 1 /H 1 /BPC 8 /CS /G ID \x80 EI /Im1 Do";
        let page = read(&pdf(content, |doc| {
            let image = doc.add_object(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                    "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
                vec![0],
            ));
            dictionary! { "XObject" => dictionary! { "Im1" => image } }
        }));
        assert_eq!(page.images, 3);
        assert!(page.glyphs.is_empty());
    }

    #[test]
    fn rotated_page_comes_out_upright() {
        let mut doc =
            Document::load_mem(&pdf(b"BT /F1 10 Tf 100 700 Td <0010> Tj ET", identity_font))
                .unwrap();
        let page_id = doc.get_pages()[&1];
        doc.get_dictionary_mut(page_id).unwrap().set("Rotate", 90);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let page = read(&bytes);
        assert_eq!(
            page.media,
            BBox {
                x0: 0.0,
                y0: 0.0,
                x1: 842.0,
                y1: 595.0
            }
        );
        // (x, y) → (y, width − x): the glyph's origin (100, 700) lands at (700, 495).
        let g = &page.glyphs[0];
        assert!(close(g.baseline, 495.0), "{g:?}");
        assert!(close(g.bbox.x0, 698.0) && close(g.bbox.x1, 708.0), "{g:?}");
    }

    #[test]
    fn encrypted_with_an_empty_user_password_opens() {
        let bytes = pdf(b"BT /F1 10 Tf 100 700 Td <00100011> Tj ET", identity_font);
        let encrypt = |user: &str| {
            let mut doc = Document::load_mem(&bytes).unwrap();
            doc.trailer.set(
                "ID",
                vec![
                    Object::String(b"0123456789abcdef".to_vec(), StringFormat::Literal),
                    Object::String(b"0123456789abcdef".to_vec(), StringFormat::Literal),
                ],
            );
            let version = lopdf::EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password: user,
                key_length: 128,
                permissions: lopdf::Permissions::all(),
            };
            let state = lopdf::EncryptionState::try_from(version).unwrap();
            doc.encrypt(&state).unwrap();
            let mut out = Vec::new();
            doc.save_to(&mut out).unwrap();
            out
        };
        let open = encrypt("");
        assert!(open.windows(8).any(|w| w == b"/Encrypt"));
        assert_eq!(text(&read(&open)), "部门");
        let locked = encrypt("secret");
        assert!(matches!(
            read_pages(Path::new("locked.pdf"), &locked, &Limits::default()),
            Err(PdfError::Encrypted { .. })
        ));
    }

    #[test]
    fn garbage_and_truncated_files_are_malformed() {
        let good = pdf(b"BT /F1 10 Tf 100 700 Td <0010> Tj ET", identity_font);
        for bytes in [
            &b"not a pdf at all"[..],
            b"",
            b"%PDF-1.7\n1 0 obj <<",
            &good[..good.len() / 3],
        ] {
            let err = read_pages(Path::new("bad.pdf"), bytes, &Limits::default()).unwrap_err();
            assert!(matches!(err, PdfError::Malformed { .. }), "{err:?}");
            assert!(
                err.to_string().starts_with("bad.pdf: not a readable PDF: "),
                "{err}"
            );
        }
    }

    #[test]
    fn hostile_content_does_not_panic() {
        let contents: [&[u8]; 7] = [
            b"Q Q Q q q BT ET ET Tj TJ Tf Td cm re l m c h S f n W Do",
            b"1e38 1e38 1e38 1e38 1e38 1e38 cm BT /F1 1e38 Tf <0010> Tj ET 0 0 m 1e38 0 l S",
            b"0 0 0 0 0 0 cm BT /F1 10 Tf <0010> Tj ET",
            b"BT /F1 10 Tf [(a) /Name 5 [nested] <0010>] TJ (x) ' 1 \" ET",
            b"BT /F1 10 Tf 0 Tz -5 TL T* T* <0010> Tj ET /F1 Do",
            b"BT /F1 10 Tf <0010> Tj ( unterminated",
            b"q q q q q q q q q q 0 0 m 10 0 l h f* B b* s",
        ];
        for content in contents {
            let _ = read(&pdf(content, identity_font));
        }
        let deep = "q ".repeat(10_000) + &"Q ".repeat(10_001);
        let _ = read(&pdf(deep.as_bytes(), identity_font));
    }

    #[test]
    fn content_split_over_several_compressed_streams_is_read_in_order() {
        let mut doc = Document::load_mem(&pdf(b"", identity_font)).unwrap();
        let page_id = doc.get_pages()[&1];
        let a = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 10 Tf 100 700 Td".to_vec(),
        ));
        let b = doc.add_object(Stream::new(dictionary! {}, b"<0010> Tj ET".to_vec()));
        let broken = doc.add_object(Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            b"not flate".to_vec(),
        ));
        doc.get_dictionary_mut(page_id)
            .unwrap()
            .set("Contents", vec![a.into(), broken.into(), b.into()]);
        doc.compress();
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        // The stream whose filter fails is skipped, not read as raw operators.
        assert_eq!(text(&read(&bytes)), "部");
    }
}

/// Development probes over real PDFs, run by hand:
/// `cargo test --release --lib pdf::content::probe -- --ignored --nocapture`. They are skipped
/// when the files are absent. Knobs (environment): `PROBE_DIR` (default `../shared/realdocs`),
/// `PROBE_PAGE` and `PROBE_LINES` (which page to print, how many lines), `PROBE_DUMP=dir` (each
/// document's glyph text, pages separated by form feeds, to compare with `pdftotext`),
/// `PROBE_DRAW=dir` (the page's glyph boxes and segments, one per line, to draw),
/// `PROBE_STRIP_TOUNICODE` (remove every ToUnicode first, to measure recovery from embedded fonts).
#[cfg(test)]
mod probe {
    use super::*;

    /// Prints pages, glyphs, segments, undecodable codes, images and time per document, and the
    /// first lines of one page.
    #[test]
    #[ignore]
    fn measure_realdocs() {
        let dir = std::env::var("PROBE_DIR").map_or_else(
            |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdocs"),
            std::path::PathBuf::from,
        );
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        files.sort();
        let sample_page = std::env::var("PROBE_PAGE")
            .ok()
            .and_then(|p| p.parse::<usize>().ok());
        let strip = std::env::var("PROBE_STRIP_TOUNICODE").is_ok();
        for file in files {
            let mut bytes = std::fs::read(&file).unwrap();
            if strip {
                bytes = without_to_unicode(&bytes);
            }
            let start = std::time::Instant::now();
            let pages = read_pages(&file, &bytes, &Limits::default()).unwrap();
            let elapsed = start.elapsed();
            let glyphs: usize = pages.iter().map(|p| p.glyphs.len()).sum();
            let segments: usize = pages.iter().map(|p| p.segments.len()).sum();
            let undecodable: usize = pages.iter().map(|p| p.undecodable).sum();
            let images: usize = pages.iter().map(|p| p.images).sum();
            println!(
                "{}: {} pages, {glyphs} glyphs, {segments} segments, {undecodable} undecodable, {images} images, {:.1} ms",
                file.file_name().unwrap().to_string_lossy(),
                pages.len(),
                elapsed.as_secs_f64() * 1000.0
            );
            if let Ok(dump) = std::env::var("PROBE_DUMP") {
                let text: String = pages
                    .iter()
                    .map(|p| p.glyphs.iter().map(|g| g.text.as_str()).collect::<String>() + "\x0c")
                    .collect();
                let name = file.file_stem().unwrap().to_string_lossy().into_owned();
                std::fs::write(Path::new(&dump).join(name + ".txt"), text).unwrap();
            }
            let page = &pages[sample_page.unwrap_or(1).min(pages.len()) - 1];
            let shown: usize = std::env::var("PROBE_LINES")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(4);
            if let Ok(dump) = std::env::var("PROBE_DRAW") {
                // One line per item: `G x0 y0 x1 y1 text` or `S x0 y0 x1 y1`, for drawing.
                let mut out = format!("M {} {}\n", page.media.x1, page.media.y1);
                for g in &page.glyphs {
                    let b = g.bbox;
                    out += &format!("G {} {} {} {} {}\n", b.x0, b.y0, b.x1, b.y1, g.text);
                }
                for s in &page.segments {
                    out += &format!("S {} {} {} {}\n", s.x0, s.y0, s.x1, s.y1);
                }
                let name = file.file_stem().unwrap().to_string_lossy().into_owned();
                std::fs::write(Path::new(&dump).join(name + ".draw"), out).unwrap();
            }
            for line in probe_lines(page).iter().take(shown) {
                println!("    {line}");
            }
        }
    }

    /// The document with every font's ToUnicode removed, to measure recovery from embedded fonts.
    fn without_to_unicode(bytes: &[u8]) -> Vec<u8> {
        let mut doc = Document::load_mem(bytes).unwrap();
        for object in doc.objects.values_mut() {
            if let Ok(dict) = object.as_dict_mut()
                && dict.has(b"ToUnicode")
            {
                dict.remove(b"ToUnicode");
            }
        }
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    /// Glyphs grouped by baseline (top to bottom), sorted by x, gaps wider than half the size
    /// shown as " | " — enough to eyeball against `pdftotext -layout`.
    fn probe_lines(page: &PageContent) -> Vec<String> {
        let mut glyphs: Vec<&Glyph> = page.glyphs.iter().collect();
        glyphs.sort_by(|a, b| {
            b.baseline
                .total_cmp(&a.baseline)
                .then(a.bbox.x0.total_cmp(&b.bbox.x0))
        });
        let mut lines: Vec<(f32, Vec<&Glyph>)> = Vec::new();
        for g in glyphs {
            match lines.last_mut() {
                Some((y, line)) if (*y - g.baseline).abs() < 2.0 => line.push(g),
                _ => lines.push((g.baseline, vec![g])),
            }
        }
        lines
            .into_iter()
            .map(|(_, mut line)| {
                line.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
                let mut text = String::new();
                let mut end = f32::NEG_INFINITY;
                for g in line {
                    if g.bbox.x0 - end > g.size * 0.5 && !text.is_empty() {
                        text.push_str(" | ");
                    }
                    text.push_str(&g.text);
                    end = g.bbox.x1;
                }
                text
            })
            .collect()
    }

    /// Flips bytes of the PDFs in `FUZZ_DIR` (default: the real PDFs; uncompressed copies made with
    /// `qpdf --qdf` reach the content and CMap parsers) and reads them: nothing may panic or hang.
    #[test]
    #[ignore]
    fn mutated_realdocs() {
        let dir = std::env::var("FUZZ_DIR").map_or_else(
            |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realdocs"),
            std::path::PathBuf::from,
        );
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut seed: u64 = 0x9E3779B97F4A7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if bytes.is_empty() {
                continue;
            }
            for round in 0..40 {
                let mut mutated = bytes.clone();
                let flips = 1 + (next() % 64) as usize;
                for _ in 0..flips {
                    let i = (next() as usize) % mutated.len();
                    mutated[i] = next() as u8;
                }
                if round % 10 == 9 {
                    mutated.truncate((next() as usize) % mutated.len());
                }
                let start = std::time::Instant::now();
                let _ = read_pages(&path, &mutated, &Limits::default());
                assert!(
                    start.elapsed().as_secs() < 20,
                    "{path:?} round {round} slow"
                );
            }
        }
    }
}
