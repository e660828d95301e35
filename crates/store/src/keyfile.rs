//! Key slots and lockout, kept in `<database>.keys` beside the database.
//!
//! The database is encrypted with SQLCipher under a random 256-bit key (design.md §2). That key is
//! stored only wrapped: once per staff account under a key derived from the password with
//! Argon2id, and once under the recovery key printed at setup. The file also carries the login
//! failure counters, because they must be readable before the database can be decrypted, and
//! must survive a restart (reliability-security.md E6).
//!
//! Wrapping is XChaCha20-Poly1305 with the slot's identity as associated data, so a slot cannot be
//! moved to another account or another database. A wrong password fails authentication and
//! changes nothing but the failure counter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Result, StoreError};

/// Consecutive failures before an account is locked (reliability-security.md E6, MLPS 8.1.4.1).
pub const MAX_FAILURES: u32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

/// The raw database key. Zeroed on drop.
#[derive(Clone)]
pub struct DbKey(pub(crate) Zeroizing<[u8; 32]>);

impl DbKey {
    /// A second copy for a second connection (the startup check); zeroed on drop like this one.
    pub(crate) fn duplicate(&self) -> Self {
        DbKey(Zeroizing::new(*self.0))
    }

    pub(crate) fn random() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut *k);
        DbKey(k)
    }
    /// The SQLCipher raw-key literal: `x'…'` (no key derivation inside SQLCipher; ours is Argon2id).
    pub(crate) fn pragma_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(*self.0)))
    }
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }
}

/// Argon2id cost. Defaults meet OWASP's minimum (m = 19 MiB, t = 2, p = 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        Self { m_kib: 19 * 1024, t: 2, p: 1 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slot {
    salt: String,
    kdf: KdfParams,
    nonce: String,
    wrapped: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSlot {
    pub staff_id: String,
    pub role: String,
    #[serde(default)]
    pub disabled: bool,
    slot: Slot,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lockout {
    pub failures: u32,
    pub last_failure: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    format: u32,
    /// Random id of the database this file belongs to (also in the database's `meta`).
    pub db_id: String,
    accounts: BTreeMap<String, AccountSlot>,
    recovery: Slot,
    #[serde(default)]
    lockout: BTreeMap<String, Lockout>,
}

/// What a successful unlock yields.
pub struct Unlocked {
    pub key: DbKey,
    pub staff_id: String,
    pub role: String,
}

pub fn key_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".keys");
    PathBuf::from(p)
}

fn kek_from_password(password: &str, salt: &[u8], kdf: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params =
        Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|e| StoreError::KeyFileDamaged(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut *out)
        .map_err(|e| StoreError::KeyFileDamaged(e.to_string()))?;
    Ok(out)
}

/// The recovery key has 256 bits of entropy, so a plain hash is enough to derive its KEK.
fn kek_from_recovery(recovery: &[u8], salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(b"jiaowu-recovery-v1");
    h.update(salt);
    h.update(recovery);
    Zeroizing::new(h.finalize().into())
}

fn wrap(kek: &[u8; 32], key: &DbKey, aad: &[u8], salt: Vec<u8>, kdf: KdfParams) -> Slot {
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(kek.into());
    let wrapped = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.0[..], aad })
        .expect("encryption of 32 bytes cannot fail");
    Slot { salt: hex::encode(salt), kdf, nonce: hex::encode(nonce), wrapped: hex::encode(wrapped) }
}

fn unwrap(kek: &[u8; 32], slot: &Slot, aad: &[u8]) -> Option<DbKey> {
    let nonce = hex::decode(&slot.nonce).ok()?;
    let wrapped = hex::decode(&slot.wrapped).ok()?;
    if nonce.len() != 24 {
        return None;
    }
    let cipher = XChaCha20Poly1305::new(kek.into());
    let mut plain = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad }).ok()?;
    if plain.len() != 32 {
        plain.zeroize();
        return None;
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(&plain);
    plain.zeroize();
    Some(DbKey(k))
}

fn salt() -> Vec<u8> {
    let mut s = vec![0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

fn account_aad(db_id: &str, username: &str, staff_id: &str, role: &str) -> Vec<u8> {
    format!("jiaowu-slot-v1\0{db_id}\0{username}\0{staff_id}\0{role}").into_bytes()
}

/// Recovery keys are shown as 16 groups of 4 hex digits; spaces, dashes and case are ignored.
pub fn format_recovery(bytes: &[u8; 32]) -> String {
    let h = hex::encode_upper(bytes);
    h.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join("-")
}

pub fn parse_recovery(text: &str) -> Option<Zeroizing<[u8; 32]>> {
    let clean: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let bytes = Zeroizing::new(hex::decode(clean).ok()?);
    let arr: [u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(Zeroizing::new(arr))
}

impl KeyFile {
    /// A new key file for a new database: the first account and the recovery key.
    /// Returns the file, the database key and the recovery key text (shown once).
    pub fn create(
        username: &str,
        password: &str,
        staff_id: &str,
        role: &str,
        kdf: KdfParams,
    ) -> Result<(KeyFile, DbKey, Zeroizing<String>)> {
        let key = DbKey::random();
        let db_id = uuid::Uuid::now_v7().to_string();
        let mut rec = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut *rec);
        let rsalt = salt();
        let recovery = wrap(
            &kek_from_recovery(&*rec, &rsalt),
            &key,
            format!("jiaowu-recovery-v1\0{db_id}").as_bytes(),
            rsalt,
            kdf,
        );
        let mut kf = KeyFile { format: 1, db_id, accounts: BTreeMap::new(), recovery, lockout: BTreeMap::new() };
        kf.add_account(&key, username, password, staff_id, role, kdf)?;
        Ok((kf, key, Zeroizing::new(format_recovery(&rec))))
    }

    pub fn add_account(
        &mut self,
        key: &DbKey,
        username: &str,
        password: &str,
        staff_id: &str,
        role: &str,
        kdf: KdfParams,
    ) -> Result<()> {
        if self.accounts.contains_key(username) {
            return Err(StoreError::AccountExists(username.to_string()));
        }
        self.set_password(key, username, password, staff_id, role, kdf);
        Ok(())
    }

    /// (Re)wraps the key for an account: used for new accounts and password changes.
    pub fn set_password(
        &mut self,
        key: &DbKey,
        username: &str,
        password: &str,
        staff_id: &str,
        role: &str,
        kdf: KdfParams,
    ) {
        let s = salt();
        let kek = kek_from_password(password, &s, kdf).expect("default params are valid");
        let slot = wrap(&kek, key, &account_aad(&self.db_id, username, staff_id, role), s, kdf);
        self.accounts.insert(
            username.to_string(),
            AccountSlot { staff_id: staff_id.into(), role: role.into(), disabled: false, slot },
        );
        self.lockout.remove(username);
    }

    pub fn account(&self, username: &str) -> Option<&AccountSlot> {
        self.accounts.get(username)
    }

    pub fn set_disabled(&mut self, username: &str, disabled: bool) -> Result<()> {
        let a = self.accounts.get_mut(username).ok_or_else(|| StoreError::UnknownAccount(username.into()))?;
        a.disabled = disabled;
        Ok(())
    }

    pub fn lockout(&self, username: &str) -> Lockout {
        self.lockout.get(username).cloned().unwrap_or_default()
    }

    /// Clears a lock (a 负责人 may do this for a staff member).
    pub fn unlock_account(&mut self, username: &str) {
        self.lockout.remove(username);
    }

    /// Checks the password. On failure the counter goes up (the caller saves the file); after
    /// `MAX_FAILURES` the account is locked for `LOCK_MINUTES`. A clock set back does not shorten
    /// a lock: a failure recorded "in the future" keeps the account locked until time passes it.
    pub fn unlock(&mut self, username: &str, password: &str, now: DateTime<Utc>) -> Result<Unlocked> {
        let lock = self.lockout(username);
        if let Some(until) = lock.locked_until {
            let clock_went_back = lock.last_failure.is_some_and(|t| now < t);
            if now < until || clock_went_back {
                return Err(StoreError::Locked { until: until.to_rfc3339() });
            }
        }
        // Unknown accounts also count failures, so probing names reveals nothing.
        let result = match self.accounts.get(username) {
            None => None,
            Some(acc) => {
                let kek = kek_from_password(password, &hex::decode(&acc.slot.salt).unwrap_or_default(), acc.slot.kdf)?;
                unwrap(&kek, &acc.slot, &account_aad(&self.db_id, username, &acc.staff_id, &acc.role))
                    .map(|key| (key, acc.clone()))
            }
        };
        match result {
            Some((key, acc)) => {
                if acc.disabled {
                    return Err(StoreError::AccountDisabled(username.into()));
                }
                self.lockout.remove(username);
                Ok(Unlocked { key, staff_id: acc.staff_id, role: acc.role })
            }
            None => {
                let entry = self.lockout.entry(username.to_string()).or_default();
                // A lock that has expired starts a fresh count.
                if entry.locked_until.is_some_and(|u| now >= u) {
                    *entry = Lockout::default();
                }
                entry.failures += 1;
                entry.last_failure = Some(now);
                if entry.failures >= MAX_FAILURES {
                    let until = now + Duration::minutes(LOCK_MINUTES);
                    entry.locked_until = Some(until);
                    return Err(StoreError::Locked { until: until.to_rfc3339() });
                }
                Err(StoreError::WrongPassword { failures: entry.failures })
            }
        }
    }

    pub fn unlock_recovery(&self, recovery_text: &str) -> Result<DbKey> {
        let rec = parse_recovery(recovery_text).ok_or(StoreError::WrongRecoveryKey)?;
        let salt = hex::decode(&self.recovery.salt).map_err(|e| StoreError::KeyFileDamaged(e.to_string()))?;
        unwrap(
            &kek_from_recovery(&*rec, &salt),
            &self.recovery,
            format!("jiaowu-recovery-v1\0{}", self.db_id).as_bytes(),
        )
        .ok_or(StoreError::WrongRecoveryKey)
    }

    pub fn load(path: &Path) -> Result<KeyFile> {
        let bytes = std::fs::read(path).map_err(|_| StoreError::KeyFileMissing(path.display().to_string()))?;
        let kf: KeyFile = serde_json::from_slice(&bytes).map_err(|e| StoreError::KeyFileDamaged(e.to_string()))?;
        if kf.format != 1 {
            return Err(StoreError::KeyFileDamaged(format!("unknown format {}", kf.format)));
        }
        Ok(kf)
    }

    /// Write to a temporary file, flush it to disk, then rename over the old file: a crash leaves
    /// either the old or the new file, never a torn one.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("keys.tmp");
        let body = serde_json::to_vec_pretty(self).map_err(|e| StoreError::Encoding(e.to_string()))?;
        {
            use std::io::Write;
            let mut f = private_file(&tmp)?;
            f.write_all(&body)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    pub fn usernames(&self) -> impl Iterator<Item = &String> {
        self.accounts.keys()
    }
}

/// Takes group and other access away from an existing file (Unix; nothing elsewhere, and
/// nothing if the file is missing or not ours to change).
pub(crate) fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            let mode = m.permissions().mode();
            if mode & 0o077 != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A new file only its owner may read or write (on Unix; Windows keeps a user's files in their
/// profile): the key file wraps the database key, and the database holds the office's cases.
pub(crate) fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> KdfParams {
        KdfParams { m_kib: 1024, t: 1, p: 1 }
    }

    fn t0() -> DateTime<Utc> {
        "2026-03-01T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn right_password_unwraps_the_same_key() {
        let (mut kf, key, _) = KeyFile::create("zhang", "密码-correct horse", "s1", "head", cheap()).unwrap();
        let got = kf.unlock("zhang", "密码-correct horse", t0()).unwrap();
        assert_eq!(*got.key.0, *key.0);
        assert_eq!(got.role, "head");
    }

    #[test]
    fn wrong_password_counts_and_locks_after_five() {
        // reliability-security.md E6: 5 consecutive failures lock the account.
        let (mut kf, _, _) = KeyFile::create("zhang", "right", "s1", "head", cheap()).unwrap();
        for i in 1..MAX_FAILURES {
            match kf.unlock("zhang", "wrong", t0()) {
                Err(StoreError::WrongPassword { failures }) => assert_eq!(failures, i),
                other => panic!("unexpected {:?}", other.err()),
            }
        }
        assert!(matches!(kf.unlock("zhang", "wrong", t0()), Err(StoreError::Locked { .. })));
        // Even the right password is refused while locked.
        assert!(matches!(kf.unlock("zhang", "right", t0()), Err(StoreError::Locked { .. })));
        // Setting the clock back does not help.
        let back = t0() - Duration::days(1);
        assert!(matches!(kf.unlock("zhang", "right", back), Err(StoreError::Locked { .. })));
        // After the lock expires the right password works again.
        let later = t0() + Duration::minutes(LOCK_MINUTES + 1);
        assert!(kf.unlock("zhang", "right", later).is_ok());
    }

    #[test]
    fn lock_survives_save_and_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db.keys");
        let (mut kf, _, _) = KeyFile::create("li", "right", "s1", "staff", cheap()).unwrap();
        for _ in 0..MAX_FAILURES {
            let _ = kf.unlock("li", "bad", t0());
        }
        kf.save(&path).unwrap();
        let mut again = KeyFile::load(&path).unwrap();
        assert!(matches!(again.unlock("li", "right", t0()), Err(StoreError::Locked { .. })));
    }

    #[test]
    fn recovery_key_unwraps_and_tolerates_formatting() {
        let (kf, key, rec) = KeyFile::create("zhang", "pw", "s1", "head", cheap()).unwrap();
        let sloppy = rec.to_lowercase().replace('-', " ");
        assert_eq!(*kf.unlock_recovery(&sloppy).unwrap().0, *key.0);
        let mut bad = rec.to_string();
        bad.replace_range(0..1, if bad.starts_with('0') { "1" } else { "0" });
        assert!(matches!(kf.unlock_recovery(&bad), Err(StoreError::WrongRecoveryKey)));
    }

    #[test]
    fn a_slot_moved_to_another_account_does_not_open() {
        let (mut kf, key, _) = KeyFile::create("zhang", "pw", "s1", "head", cheap()).unwrap();
        kf.add_account(&key, "wang", "pw2", "s2", "staff", cheap()).unwrap();
        // Copy wang's slot under zhang's name but claim the head role: the AAD no longer matches.
        let mut forged = kf.accounts["wang"].clone();
        forged.role = "head".into();
        kf.accounts.insert("wang".into(), forged);
        assert!(matches!(kf.unlock("wang", "pw2", t0()), Err(StoreError::WrongPassword { .. })));
    }
}
