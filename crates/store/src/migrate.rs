//! Schema creation and upgrades. `schema.sql` is the truth for a new database; after the first
//! field release each change also gets a numbered upgrade step (style.md §3.5). A database newer
//! than this app is refused, and a backup is taken before any upgrade.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Result, StoreError};

pub const SCHEMA: &str = include_str!("../../../schema.sql");

pub struct Upgrade {
    pub to: u32,
    pub sql: &'static str,
}

/// Upgrade steps from released versions. Empty until the first field release.
pub const UPGRADES: &[Upgrade] = &[];
pub const CURRENT: u32 = 1 + UPGRADES.len() as u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    UpToDate,
    Upgraded { from: u32 },
}

pub fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Refuses databases from a newer app before anything is written.
pub fn check_version(conn: &Connection) -> Result<u32> {
    let found = user_version(conn)?;
    if found > CURRENT {
        return Err(StoreError::NewerSchema { found, supported: CURRENT });
    }
    Ok(found)
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<Outcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let outcome = match found {
        0 => {
            tx.execute_batch(SCHEMA)?;
            Outcome::Created
        }
        v if v == CURRENT => Outcome::UpToDate,
        v if v > CURRENT => return Err(StoreError::NewerSchema { found: v, supported: CURRENT }),
        v => {
            for up in UPGRADES.iter().filter(|u| u.to > v) {
                tx.execute_batch(up.sql)?;
            }
            Outcome::Upgraded { from: v }
        }
    };
    tx.pragma_update(None, "user_version", CURRENT)?;
    tx.commit()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_declares_the_current_version() {
        let last = SCHEMA.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert_eq!(last.trim(), format!("PRAGMA user_version = {CURRENT};"));
    }
}
