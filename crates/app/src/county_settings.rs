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

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CountySettings {
    version: i64,
    leave_delegated: bool,
    #[serde(default)]
    dossier_order: Option<Vec<Section>>,
}

/// Keeps the settings in an `offices` entry unless newer ones are held; the delegation goes into
/// the office row, where leave decisions read it. Returns whether they were applied.
pub(crate) fn apply(
    tx: &Tx<'_>,
    version: i64,
    payload: &serde_json::Map<String, serde_json::Value>,
) -> Result<bool, StoreError> {
    let mut body = payload.clone();
    body.insert("version".into(), version.into());
    let new: CountySettings =
        serde_json::from_value(serde_json::Value::Object(body)).map_err(|e| StoreError::Encoding(e.to_string()))?;
    if parse(tx.sync_value(KEY)?).is_some_and(|old| old.version >= new.version) {
        return Ok(false);
    }
    tx.conn().execute("UPDATE office SET leave_delegated = ?1", [new.leave_delegated])?;
    tx.set_sync_value(KEY, &serde_json::to_string(&new).map_err(|e| StoreError::Encoding(e.to_string()))?)?;
    Ok(true)
}

fn parse(text: Option<String>) -> Option<CountySettings> {
    text.and_then(|t| serde_json::from_str(&t).ok())
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
            .unwrap_or_else(|| DEFAULT_ORDER.to_vec())
            .into_iter()
            .map(|section| SectionView { section, label: section.label() })
            .collect();
        Ok(DossierOrderView { sections, set_by_county })
    }
}
