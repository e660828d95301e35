//! Values cross into SQLite through serde: strings stay text, integers and booleans become
//! integers, lists and objects become JSON text. One conversion for every record type keeps the
//! record structs plain and all SQL text literal.

use rusqlite::types::{Value, ValueRef};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Result, StoreError};

pub fn to_sql<T: Serialize + ?Sized>(v: &T) -> Value {
    match serde_json::to_value(v).expect("record fields serialize") {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(b as i64),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::Text(s),
        other => Value::Text(other.to_string()),
    }
}

pub fn from_sql<T: DeserializeOwned>(v: ValueRef<'_>, column: &str) -> Result<T> {
    let json = match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => serde_json::Value::from(i),
        ValueRef::Real(f) => serde_json::Value::from(f),
        ValueRef::Text(t) => serde_json::Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => serde_json::Value::String(hex::encode(b)),
    };
    // Deserialize from a borrow: every column of every row passes here (the home page reads the
    // whole caseload), so no clone of the value on the common path.
    if let Ok(x) = T::deserialize(&json) {
        return Ok(x);
    }
    let fallback = match &json {
        serde_json::Value::Number(n) => T::deserialize(&serde_json::Value::Bool(n.as_i64() != Some(0))).ok(),
        serde_json::Value::String(s) => serde_json::from_str(s).ok(),
        _ => None,
    };
    fallback.ok_or_else(|| StoreError::Encoding(format!("column {column}: cannot read {json}")))
}

/// Reads the columns of a row in SELECT order. The record macros list the columns and the
/// struct fields from one list, so position `i` is the field being built.
pub struct Columns<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    next: usize,
}

impl<'r, 's> Columns<'r, 's> {
    pub fn new(row: &'r rusqlite::Row<'s>) -> Self {
        Columns { row, next: 0 }
    }

    pub fn read<T: DeserializeOwned>(&mut self, column: &str) -> Result<T> {
        let v = self.row.get_ref(self.next)?;
        self.next += 1;
        read_value(v, column)
    }

    /// A `YYYY-MM-DD` date without chrono's general format parser (the larger part of decoding
    /// a list row); anything else takes the general path.
    pub fn date(&mut self, column: &str) -> Result<chrono::NaiveDate> {
        let v = self.row.get_ref(self.next)?;
        if let ValueRef::Text(&[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2]) = v {
            let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
            if digits.iter().all(u8::is_ascii_digit) {
                let n = |ds: &[u8]| ds.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
                if let Some(d) =
                    chrono::NaiveDate::from_ymd_opt(n(&digits[..4]) as i32, n(&digits[4..6]), n(&digits[6..]))
                {
                    self.next += 1;
                    return Ok(d);
                }
            }
        }
        self.read(column)
    }

    /// A date column that may be NULL.
    pub fn opt_date(&mut self, column: &str) -> Result<Option<chrono::NaiveDate>> {
        match self.row.get_ref(self.next)? {
            ValueRef::Null => self.read(column),
            _ => self.date(column).map(Some),
        }
    }
}

/// Decodes one column straight from SQLite's value (no JSON tree on the way): the hot path of
/// every list and of the home page. Anything it cannot read takes the general path.
pub fn read_value<T: DeserializeOwned>(v: ValueRef<'_>, column: &str) -> Result<T> {
    match T::deserialize(Column(v)) {
        Ok(x) => Ok(x),
        Err(_) => from_sql(v, column),
    }
}

struct Column<'a>(ValueRef<'a>);

#[derive(Debug)]
struct ColumnError(String);

impl std::fmt::Display for ColumnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ColumnError {}

impl serde::de::Error for ColumnError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ColumnError(msg.to_string())
    }
}

impl<'a> Column<'a> {
    fn text(&self) -> std::result::Result<&'a str, ColumnError> {
        match self.0 {
            ValueRef::Text(t) => std::str::from_utf8(t).map_err(|e| ColumnError(e.to_string())),
            _ => Err(ColumnError("not text".into())),
        }
    }

    /// Lists and objects are stored as JSON text (see `to_sql`).
    fn json(&self) -> std::result::Result<serde_json::Deserializer<serde_json::de::StrRead<'a>>, ColumnError> {
        Ok(serde_json::Deserializer::from_str(self.text()?))
    }
}

macro_rules! via_json {
    ($($m:ident),*) => {
        $(fn $m<V: serde::de::Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, ColumnError> {
            serde::Deserializer::$m(&mut self.json()?, v).map_err(|e| ColumnError(e.to_string()))
        })*
    };
}

impl<'de> serde::Deserializer<'de> for Column<'de> {
    type Error = ColumnError;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, ColumnError> {
        match self.0 {
            ValueRef::Null => v.visit_unit(),
            ValueRef::Integer(i) => v.visit_i64(i),
            ValueRef::Real(f) => v.visit_f64(f),
            ValueRef::Text(_) => v.visit_borrowed_str(self.text()?),
            ValueRef::Blob(b) => v.visit_borrowed_bytes(b),
        }
    }

    fn deserialize_bool<V: serde::de::Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, ColumnError> {
        match self.0 {
            ValueRef::Integer(i) => v.visit_bool(i != 0),
            _ => self.deserialize_any(v),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, ColumnError> {
        match self.0 {
            ValueRef::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> std::result::Result<V::Value, ColumnError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, ColumnError> {
        v.visit_enum(serde::de::value::BorrowedStrDeserializer::<ColumnError>::new(self.text()?))
    }

    via_json!(deserialize_seq, deserialize_map);

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, ColumnError> {
        serde::Deserializer::deserialize_struct(&mut self.json()?, name, fields, v)
            .map_err(|e| ColumnError(e.to_string()))
    }

    fn deserialize_tuple<V: serde::de::Visitor<'de>>(
        self,
        len: usize,
        v: V,
    ) -> std::result::Result<V::Value, ColumnError> {
        serde::Deserializer::deserialize_tuple(&mut self.json()?, len, v).map_err(|e| ColumnError(e.to_string()))
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct tuple_struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate, Utc};
    use jiaowu_domain::ids::SubjectId;
    use jiaowu_domain::SupervisionClass;

    /// Every kind of column value a record holds decodes on the direct path (no fallback) and
    /// equals what `to_sql` wrote.
    fn direct<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(x: T) {
        let stored = to_sql(&x);
        let back = T::deserialize(Column(ValueRef::from(&stored)));
        assert_eq!(back.ok().as_ref(), Some(&x), "direct decode of {stored:?}");
    }

    #[test]
    fn column_values_decode_without_the_json_detour() {
        direct(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        direct(Some(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()));
        direct(None::<NaiveDate>);
        direct("2026-11-29T02:00:00Z".parse::<DateTime<Utc>>().unwrap());
        direct(true);
        direct(false);
        direct(42u32);
        direct(-7i64);
        direct(String::from("张三"));
        direct(SupervisionClass::Strict);
        direct(SubjectId::parse("0192f0c4-0000-7000-8000-000000000001").unwrap());
        direct(vec![String::from("甲"), String::from("乙")]);
    }

    #[test]
    fn dates_read_on_the_fast_path_equal_chrono() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for text in ["2026-02-28", "2024-02-29", "1999-12-31", "2026-02-30", "2026-2-3", "２０２６-01-01"] {
            let mut st = conn.prepare("SELECT ?1").unwrap();
            let mut rows = st.query([text]).unwrap();
            let row = rows.next().unwrap().unwrap();
            let fast = Columns::new(row).date("d").ok();
            assert_eq!(fast, text.parse::<NaiveDate>().ok(), "{text}");
        }
    }

    #[test]
    fn text_that_is_not_the_type_falls_back_or_fails_cleanly() {
        let stored = Value::Text("abc".into());
        assert!(read_value::<u32>(ValueRef::from(&stored), "n").is_err());
        assert!(read_value::<bool>(ValueRef::from(&stored), "b").is_err());
    }
}
