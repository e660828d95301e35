//! What the county decided for this office (docs/sync-protocol.md §6, `offices`): whether it may
//! approve leave of up to 7 days itself (实施办法 Art 27 委托) and the order of its work
//! dossiers' sections (domain.md §19). They come down the office's feed; leave and printing read
//! them from here.

use jiaowu_domain::dossier::{Section, DEFAULT_ORDER};
use jiaowu_store::{StoreError, Tx};
use serde::{Deserialize, Serialize};

use crate::core::Core;
use crate::error::AppError;

/// The sync_state key the newest settings are kept under.
const KEY: &str = "county_settings";
/// Set once this PC has read its feed from the start knowing `offices` entries (see `needs_reread`).
const REREAD_DONE: &str = "county_settings_reread";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CountySettings {
    version: i64,
    leave_delegated: bool,
    /// Section names as the county sent them; names this app does not know are skipped when the
    /// order is used (a newer county), sections it does not name are put back (`complete`).
    #[serde(default)]
    dossier_order: Option<Vec<String>>,
}

/// Keeps the settings in an `offices` entry unless newer ones are held; the delegation goes into
/// the office row, where leave decisions read it. An entry this app cannot read is skipped, never
/// the page it came in. Returns whether it was applied.
pub(crate) fn apply(
    tx: &Tx<'_>,
    version: i64,
    payload: &serde_json::Map<String, serde_json::Value>,
) -> Result<bool, StoreError> {
    let mut body = payload.clone();
    body.insert("version".into(), version.into());
    let Ok(new) = serde_json::from_value::<CountySettings>(serde_json::Value::Object(body)) else {
        return Ok(false);
    };
    if parse(tx.sync_value(KEY)?).is_some_and(|old| old.version >= new.version) {
        return Ok(false);
    }
    tx.conn().execute("UPDATE office SET leave_delegated = ?1", [new.leave_delegated])?;
    tx.set_sync_value(KEY, &serde_json::to_string(&new).map_err(|e| StoreError::Encoding(e.to_string()))?)?;
    Ok(true)
}

/// The feed is being read from its beginning (first sync, or the county's database was restored
/// and its versions may have gone back): the settings held stay in force, but any entry that
/// comes now replaces them, whatever its version.
pub(crate) fn forget_version(tx: &Tx<'_>) -> Result<(), StoreError> {
    if let Some(mut held) = parse(tx.sync_value(KEY)?) {
        held.version = i64::MIN;
        tx.set_sync_value(KEY, &serde_json::to_string(&held).map_err(|e| StoreError::Encoding(e.to_string()))?)?;
    }
    Ok(())
}

/// Whether this PC must read its feed again from the start, once: an app from before `offices`
/// entries skipped them, so an enrolled PC that holds none may have missed what the county set.
pub(crate) fn needs_reread(tx: &Tx<'_>) -> Result<bool, StoreError> {
    Ok(tx.sync_value(KEY)?.is_none() && tx.sync_value(REREAD_DONE)?.is_none())
}

pub(crate) fn reread_done(tx: &Tx<'_>) -> Result<(), StoreError> {
    tx.set_sync_value(REREAD_DONE, "1")
}

fn parse(text: Option<String>) -> Option<CountySettings> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// The county's order made whole: its sections this app knows, in its order, each once; a
/// section it left out (a section newer than the county's server, say) goes back after the one
/// before it in domain.md §19's order, so no document is ever left out of a dossier.
fn complete(names: &[String]) -> Vec<Section> {
    let mut order: Vec<Section> = Vec::new();
    for name in names {
        if let Ok(s) = serde_json::from_value::<Section>(serde_json::Value::String(name.clone())) {
            if !order.contains(&s) {
                order.push(s);
            }
        }
    }
    for (i, s) in DEFAULT_ORDER.iter().enumerate() {
        if !order.contains(s) {
            let at =
                DEFAULT_ORDER[..i].iter().rev().find_map(|p| order.iter().position(|o| o == p)).map_or(0, |p| p + 1);
            order.insert(at, *s);
        }
    }
    order
}

/// The dossier's section order, and whether the county set it.
#[derive(Debug, Clone, Serialize)]
pub struct DossierOrderView {
    pub sections: Vec<SectionView>,
    pub set_by_county: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub section: Section,
    pub label: &'static str,
}

impl Core {
    /// Whether the county entrusted this office with leave of up to 7 days (实施办法 Art 27), as
    /// the store holds it now: a sync on another connection may have changed it since login.
    pub fn leave_delegated(&self) -> Result<bool, AppError> {
        self.store
            .conn()
            .query_row("SELECT leave_delegated FROM office LIMIT 1", [], |r| r.get(0))
            .map_err(|e| AppError::from(jiaowu_store::StoreError::from(e)))
    }

    /// The order a dossier's sections print in: the county's, if it set one, else domain.md §19's.
    pub fn dossier_order(&self) -> Result<DossierOrderView, AppError> {
        let county = parse(self.store.sync_value(KEY)?).and_then(|s| s.dossier_order);
        let set_by_county = county.is_some();
        let sections = county
            .map_or_else(|| DEFAULT_ORDER.to_vec(), |names| complete(&names))
            .into_iter()
            .map(|section| SectionView { section, label: section.label() })
            .collect();
        Ok(DossierOrderView { sections, set_by_county })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// domain.md §19: whatever the county sent, every section is printed exactly once.
    #[test]
    fn an_order_from_the_county_is_made_whole() {
        let all = ["release", "assessments", "help", "education", "leaves", "visits", "reports", "intake"];
        let reversed: Vec<Section> = DEFAULT_ORDER.iter().rev().copied().collect();
        assert_eq!(complete(&names(&all)), reversed);
        // A section the county did not name goes back after its default predecessor; an unknown
        // name and a repeat are dropped.
        let partial = complete(&names(&["visits", "intake", "archives_2030", "visits", "release"]));
        assert_eq!(
            partial,
            vec![
                Section::Visits,
                Section::Leaves,
                Section::Education,
                Section::Help,
                Section::Assessments,
                Section::Intake,
                Section::Reports,
                Section::Release
            ]
        );
        assert_eq!(jiaowu_domain::dossier::check_order(&partial), Ok(()));
        assert_eq!(complete(&[]), DEFAULT_ORDER.to_vec());
    }
}
