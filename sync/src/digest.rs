//! The scope digest of a pull's last page (docs/sync-protocol.md §6): per table, the count of
//! records and the sum modulo 2^64 of the first 8 bytes (big-endian) of
//! SHA-256(`entity_id:version`). Order does not matter and one record can be added or removed
//! without recomputing the rest, so both sides keep it up to date as they write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const ALGORITHM: &str = "sum64-sha256";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableDigest {
    pub count: u64,
    pub sum: u64,
}

fn term(entity_id: Uuid, version: i64) -> u64 {
    let h = Sha256::digest(format!("{}:{}", entity_id.hyphenated(), version).as_bytes());
    u64::from_be_bytes(h[..8].try_into().expect("8 bytes"))
}

impl TableDigest {
    pub fn add(&mut self, entity_id: Uuid, version: i64) {
        self.count += 1;
        self.sum = self.sum.wrapping_add(term(entity_id, version));
    }

    pub fn remove(&mut self, entity_id: Uuid, version: i64) {
        self.count -= 1;
        self.sum = self.sum.wrapping_sub(term(entity_id, version));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableWire {
    count: u64,
    sum: String,
}

/// The digest of everything in an office's scope, by table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScopeDigestWire", into = "ScopeDigestWire")]
pub struct ScopeDigest {
    pub tables: BTreeMap<String, TableDigest>,
}

impl ScopeDigest {
    /// Tables whose digests differ (a table missing on one side counts as empty there).
    pub fn differing<'a>(&'a self, other: &'a ScopeDigest) -> Vec<&'a str> {
        let empty = TableDigest::default();
        let mut names: Vec<&str> = self.tables.keys().chain(other.tables.keys()).map(String::as_str).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter(|t| self.tables.get(*t).unwrap_or(&empty) != other.tables.get(*t).unwrap_or(&empty))
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeDigestWire {
    algorithm: String,
    tables: BTreeMap<String, TableWire>,
}

impl TryFrom<ScopeDigestWire> for ScopeDigest {
    type Error = String;
    fn try_from(w: ScopeDigestWire) -> Result<Self, String> {
        if w.algorithm != ALGORITHM {
            return Err(format!("unknown digest algorithm {}", w.algorithm));
        }
        let mut tables = BTreeMap::new();
        for (name, t) in w.tables {
            let sum = u64::from_str_radix(&t.sum, 16).map_err(|e| format!("digest sum of {name}: {e}"))?;
            if t.sum.len() != 16 {
                return Err(format!("digest sum of {name}: 16 hex digits expected"));
            }
            tables.insert(name, TableDigest { count: t.count, sum });
        }
        Ok(ScopeDigest { tables })
    }
}

impl From<ScopeDigest> for ScopeDigestWire {
    fn from(d: ScopeDigest) -> Self {
        ScopeDigestWire {
            algorithm: ALGORITHM.into(),
            tables: d
                .tables
                .into_iter()
                .map(|(k, t)| (k, TableWire { count: t.count, sum: format!("{:016x}", t.sum) }))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// Order-independent, and removing a record undoes adding it (so both sides can maintain the
    /// digest as they write); a changed version shows.
    #[test]
    fn digest_is_order_free_and_incremental() {
        let rows: Vec<(Uuid, i64)> = (1..=200).map(|n| (id(n), (n % 3) as i64 + 1)).collect();
        let mut a = TableDigest::default();
        rows.iter().for_each(|(i, v)| a.add(*i, *v));
        let mut b = TableDigest::default();
        rows.iter().rev().for_each(|(i, v)| b.add(*i, *v));
        assert_eq!(a, b);
        let mut c = b;
        c.remove(id(7), rows[6].1);
        c.add(id(7), rows[6].1 + 1);
        assert_ne!(a, c, "a new version of one record changes the digest");
        assert_eq!(c.count, a.count);
        c.remove(id(7), rows[6].1 + 1);
        c.add(id(7), rows[6].1);
        assert_eq!(a, c);
    }

    #[test]
    fn differing_tables_are_named_and_the_wire_form_round_trips() {
        let mut office = ScopeDigest::default();
        let mut county = ScopeDigest::default();
        for t in ["visits", "reports"] {
            office.tables.entry(t.into()).or_default().add(id(1), 1);
            county.tables.entry(t.into()).or_default().add(id(1), 1);
        }
        county.tables.entry("reports".into()).or_default().add(id(2), 1);
        county.tables.entry("talks".into()).or_default().add(id(3), 1);
        assert_eq!(office.differing(&county), vec!["reports", "talks"]);
        let json = serde_json::to_value(&county).unwrap();
        assert_eq!(json["algorithm"], ALGORITHM);
        assert_eq!(json["tables"]["talks"]["sum"].as_str().unwrap().len(), 16);
        assert_eq!(serde_json::from_value::<ScopeDigest>(json).unwrap(), county);
        let bad = serde_json::json!({ "algorithm": "xor-md5", "tables": {} });
        assert!(serde_json::from_value::<ScopeDigest>(bad).is_err());
    }
}
