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
