//! A compact JSON writer that gives serde_json's compact bytes with less work per byte and per token.
//!
//! serde_json escapes every string byte by byte (a table lookup and branch per byte) and writes each
//! `,` `:` `"` through `io::Write`; a document is ~130 kB of mostly plain text, so that loop was most
//! of the cost of writing it. Here a string is first checked for anything JSON must escape with a
//! branch-free pass the compiler vectorises, and copied whole when clean (nearly always). Everything
//! whose bytes this module does not own is left to serde_json itself: strings that need escaping,
//! numbers and booleans are written by `serde_json::to_writer`. Constructs the dataset never uses
//! (enum variants with data, byte strings, non-integer map keys …) make [`write_compact`] give up,
//! and the caller then serializes with serde_json, so the output is serde_json's in every case.

use serde::Serialize;
use serde::ser::{self, Impossible};
use std::fmt;
use std::ops::Not;

/// The writer met something it leaves to serde_json (or a `Serialize` impl failed): serialize the
/// whole value with serde_json instead, which also reports any real error.
#[derive(Debug)]
pub struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for GiveUp {}

impl ser::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

/// Appends `value` as compact JSON, byte for byte as `serde_json::to_writer` would, or gives up (then
/// `out` holds a partial value: the caller truncates it).
pub fn write_compact<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), GiveUp> {
    value.serialize(&mut Writer { out, key: false })
}

/// Bytes checked at once by [`is_plain`].
const BLOCK: usize = 16;

/// Whether JSON needs no escape in `bytes`: no control character, `"` or `\` (serde_json escapes
/// exactly these). A long string is checked a block at a time (the compiler turns a block into a
/// few wide compares), its last block overlapping the one before; a short one as two overlapping
/// 8- or 4-byte words. So no byte is looked at alone, except in strings of under 4 bytes.
fn is_plain(bytes: &[u8]) -> bool {
    if let Some(last) = bytes.last_chunk::<BLOCK>() {
        let (blocks, _) = bytes.as_chunks::<BLOCK>();
        return blocks.iter().all(block_is_plain) && block_is_plain(last);
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        return word_is_plain(u64::from_le_bytes(*first))
            && word_is_plain(u64::from_le_bytes(*last));
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        return word_is_plain(pad_word(*first)) && word_is_plain(pad_word(*last));
    }
    !bytes.iter().any(|&b| needs_escape(b))
}

/// No early exit inside the block, so it is checked as one vector.
fn block_is_plain(block: &[u8; BLOCK]) -> bool {
    block
        .iter()
        .fold(false, |escape, &b| escape | needs_escape(b))
        .not()
}

/// Four bytes as a word whose upper half is spaces (which need no escape).
fn pad_word(bytes: [u8; 4]) -> u64 {
    u64::from(u32::from_le_bytes(bytes)) | 0x2020_2020_0000_0000
}

/// [`needs_escape`] for eight bytes at once, with the bit tricks for "has a zero byte" and "has a
/// byte less than n" (exact for n <= 128): a byte below 0x20, or one equal to `"` or `\`.
fn word_is_plain(word: u64) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash == 0
}

fn needs_escape(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

struct Writer<'o> {
    out: &'o mut Vec<u8>,
    /// Serializing a map key: only strings and integers are written (integers quoted, as serde_json
    /// does); anything else gives up.
    key: bool,
}

impl<'o> Writer<'o> {
    fn string(&mut self, s: &str) -> Result<(), GiveUp> {
        if !is_plain(s.as_bytes()) {
            return self.escaped(s);
        }
        let out = &mut *self.out;
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    }

    /// A string with something to escape, written by serde_json. Rare: kept out of line so the
    /// plain path stays small.
    #[cold]
    #[inline(never)]
    fn escaped(&mut self, s: &str) -> Result<(), GiveUp> {
        serde_json::to_writer(&mut *self.out, s).map_err(|_| GiveUp)
    }

    /// An integer, quoted when it is a map key.
    fn integer<T: Serialize>(&mut self, v: T) -> Result<(), GiveUp> {
        if self.key {
            self.out.push(b'"');
        }
        serde_json::to_writer(&mut *self.out, &v).map_err(|_| GiveUp)?;
        if self.key {
            self.out.push(b'"');
        }
        Ok(())
    }

    /// A scalar that cannot be a map key, written by serde_json.
    fn scalar<T: Serialize>(&mut self, v: T) -> Result<(), GiveUp> {
        self.not_key()?;
        serde_json::to_writer(&mut *self.out, &v).map_err(|_| GiveUp)
    }

    fn not_key(&self) -> Result<(), GiveUp> {
        if self.key { Err(GiveUp) } else { Ok(()) }
    }

    fn open<'w>(&'w mut self, bracket: u8) -> Result<Compound<'w, 'o>, GiveUp> {
        self.not_key()?;
        self.out.push(bracket);
        Ok(Compound {
            w: self,
            first: true,
        })
    }
}

/// An array or object being written: `first` until its first element.
struct Compound<'w, 'o> {
    w: &'w mut Writer<'o>,
    first: bool,
}

impl Compound<'_, '_> {
    fn separate(&mut self) {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), GiveUp> {
        self.separate();
        value.serialize(&mut *self.w)
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), GiveUp> {
        self.separate();
        self.w.string(key)?;
        self.w.out.push(b':');
        value.serialize(&mut *self.w)
    }

    fn close(self, bracket: u8) -> Result<(), GiveUp> {
        self.w.out.push(bracket);
        Ok(())
    }
}

impl<'w, 'o> ser::Serializer for &'w mut Writer<'o> {
    type Ok = ();
    type Error = GiveUp;
    type SerializeSeq = Compound<'w, 'o>;
    type SerializeTuple = Compound<'w, 'o>;
    type SerializeTupleStruct = Compound<'w, 'o>;
    type SerializeTupleVariant = Impossible<(), GiveUp>;
    type SerializeMap = Compound<'w, 'o>;
    type SerializeStruct = Compound<'w, 'o>;
    type SerializeStructVariant = Impossible<(), GiveUp>;

    fn serialize_bool(self, v: bool) -> Result<(), GiveUp> {
        self.scalar(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), GiveUp> {
        self.integer(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), GiveUp> {
        self.scalar(v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), GiveUp> {
        self.scalar(v)
    }
    fn serialize_char(self, v: char) -> Result<(), GiveUp> {
        self.scalar(v)
    }
    fn serialize_str(self, v: &str) -> Result<(), GiveUp> {
        self.string(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), GiveUp> {
        Err(GiveUp)
    }
    fn serialize_none(self) -> Result<(), GiveUp> {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), GiveUp> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), GiveUp> {
        self.not_key()?;
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), GiveUp> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), GiveUp> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), GiveUp> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), GiveUp> {
        Err(GiveUp)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, 'o>, GiveUp> {
        self.open(b'[')
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, 'o>, GiveUp> {
        self.open(b'[')
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'o>, GiveUp> {
        self.open(b'[')
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, GiveUp> {
        Err(GiveUp)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'o>, GiveUp> {
        self.open(b'{')
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'w, 'o>, GiveUp> {
        // serde_json's own private structs (raw values, arbitrary-precision numbers) are special.
        if name.starts_with("$serde_json") {
            return Err(GiveUp);
        }
        self.open(b'{')
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, GiveUp> {
        Err(GiveUp)
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = GiveUp;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), GiveUp> {
        self.element(value)
    }
    fn end(self) -> Result<(), GiveUp> {
        self.close(b']')
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = GiveUp;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), GiveUp> {
        self.element(value)
    }
    fn end(self) -> Result<(), GiveUp> {
        self.close(b']')
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = GiveUp;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), GiveUp> {
        self.element(value)
    }
    fn end(self) -> Result<(), GiveUp> {
        self.close(b']')
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = GiveUp;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), GiveUp> {
        self.separate();
        self.w.key = true;
        let written = key.serialize(&mut *self.w);
        self.w.key = false;
        written
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), GiveUp> {
        self.w.out.push(b':');
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<(), GiveUp> {
        self.close(b'}')
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = GiveUp;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), GiveUp> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), GiveUp> {
        self.close(b'}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// What serde_json writes, or None when our writer gives up (the caller then uses serde_json).
    fn ours<T: Serialize>(value: &T) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        write_compact(&mut out, value).ok().map(|()| out)
    }

    fn theirs<T: Serialize>(value: &T) -> Vec<u8> {
        serde_json::to_vec(value).expect("serializes")
    }

    #[test]
    fn plain_is_what_serde_json_leaves_unescaped() {
        for b in 0..=255u8 {
            let s = [b];
            let escaped = match std::str::from_utf8(&s) {
                Ok(s) => theirs(&s).len() != s.len() + 2,
                Err(_) => continue,
            };
            assert_eq!(is_plain(&s), !escaped, "byte {b:#x}");
        }
        assert!(is_plain("行政运行 (一) 2026".as_bytes()));
        assert!(!is_plain(
            &[b'a'; 40]
                .iter()
                .copied()
                .chain([b'\n'])
                .collect::<Vec<_>>()
        ));
    }

    #[derive(Serialize)]
    struct Sample {
        name: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        none: Option<String>,
        unit: (),
        flags: (bool, bool),
        small: i8,
        big: u128,
        negative: i64,
        floats: Vec<f32>,
        wide: f64,
        chars: [char; 3],
        by_index: BTreeMap<usize, String>,
        by_name: BTreeMap<String, Vec<Option<i32>>>,
        empty_list: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        nested: Vec<Vec<BTreeMap<i16, ()>>>,
        newtype: Newtype,
        unit_variant: Kind,
    }

    #[derive(Serialize)]
    struct Newtype(u32);

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Data(u8),
    }

    #[test]
    fn a_struct_of_every_kind_is_written_as_serde_json_writes_it() {
        let value = Sample {
            name: "表1 \"quoted\"\t\\",
            skipped: None,
            none: None,
            unit: (),
            flags: (true, false),
            small: -128,
            big: u128::MAX,
            negative: i64::MIN,
            floats: vec![0.1, -2.5e-12, f32::NAN, f32::INFINITY, 1e30, 0.0, -0.0],
            wide: 12345.678901234567,
            chars: ['"', '行', '\u{1}'],
            by_index: [(0, "零".into()), (12, "\u{7f}x".into())].into(),
            by_name: [("a\nb".into(), vec![None, Some(-1)]), ("".into(), vec![])].into(),
            empty_list: vec![],
            empty_map: BTreeMap::new(),
            nested: vec![vec![], vec![[(-3, ()), (4, ())].into(), BTreeMap::new()]],
            newtype: Newtype(7),
            unit_variant: Kind::Plain,
        };
        assert_eq!(ours(&value), Some(theirs(&value)));
    }

    #[test]
    fn it_gives_up_on_what_it_leaves_to_serde_json() {
        assert!(ours(&Kind::Data(1)).is_none());
        assert!(ours(&BTreeMap::from([(true, 1)])).is_none());
        assert!(ours(&BTreeMap::from([((), 1)])).is_none());
        assert!(ours(&BTreeMap::from([('c', 1)])).is_none());
        assert!(ours(&Bytes).is_none());
    }

    struct Bytes;
    impl Serialize for Bytes {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b"ab")
        }
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let text = "[a-z \"\\\\/\\x00-\\x1f\\x7f行政运行（一）￥]{0,12}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((text, inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any JSON tree (strings with every escape, all number kinds, nesting, empty containers) is
        /// written byte for byte as serde_json writes it.
        #[test]
        fn json_trees_are_written_as_serde_json_writes_them(value in json_value()) {
            prop_assert_eq!(ours(&value), Some(theirs(&value)));
        }

        /// The block and word checks agree with the byte test at every length and position.
        #[test]
        fn plain_agrees_with_the_byte_test(
            bytes in prop::collection::vec(prop_oneof![0x1eu8..0x24, 0x5bu8..0x5e, any::<u8>()], 0..40)
        ) {
            prop_assert_eq!(is_plain(&bytes), !bytes.iter().any(|&b| needs_escape(b)));
        }

        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(ours(&s), Some(theirs(&s)));
        }
    }
}
