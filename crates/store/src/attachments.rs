//! Attachments (scans of written reports, photos of visits, signed forms): bytes stored once,
//! addressed by their SHA-256, and linked to records by append-only link rows.

use jiaowu_domain::ids::{RecordId, SubjectId};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::{Op, Store, Tx};

/// Largest attachment accepted (a phone photo or a multi-page scan).
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

impl Tx<'_> {
    /// Stores the bytes (once per content) and links them to a record. Returns the SHA-256.
    pub fn attach(
        &self,
        subject: Option<SubjectId>,
        record_table: &str,
        record_id: &str,
        filename: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        self.conn().execute(
            "INSERT OR IGNORE INTO attachments (sha256, size, mime, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![sha, bytes.len() as i64, mime, bytes, self.now.to_rfc3339()],
        )?;
        let link = RecordId::new().to_string();
        self.conn().execute(
            "INSERT INTO attachment_links (id, subject_id, record_table, record_id, sha256, filename, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                link,
                subject.map(|s| s.to_string()),
                record_table,
                record_id,
                sha,
                filename,
                self.actor,
                self.now.to_rfc3339()
            ],
        )?;
        self.log(
            Op::Create,
            "attachment_links",
            &link,
            None,
            &serde_json::json!({ "record_table": record_table, "record_id": record_id, "sha256": sha, "filename": filename, "mime": mime, "size": bytes.len() }),
        )?;
        Ok(sha)
    }
}

impl Store {
    pub fn attachment(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row("SELECT mime, content FROM attachments WHERE sha256 = ?1", [sha256], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }
}
