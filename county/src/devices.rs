//! Devices: enrolment by one-time code, signed requests with a counter against replays, and
//! revocation (docs/sync-protocol.md §3, §4).

use chrono::{DateTime, Duration, Utc};
use jiaowu_sync::signing::{public_key_from_base64, public_key_to_base64, Signed};
use jiaowu_sync::wire::{CountyRef, EnrolRequest, EnrolResponse, ErrorCode, OfficeRef};
use uuid::Uuid;

use crate::error::ServerError;
use crate::model::{Device, EnrolCode, Office};
use crate::server::Server;
use crate::store::{self, kind, Result};
use crate::zh;

/// Letters that cannot be misread for each other (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_VALID_HOURS: i64 = 72;
pub const CODE_MAX_ATTEMPTS: u32 = 8;

/// The code as printed: `XXXX-XXXX-XXXX`.
fn format_code(raw: &str) -> String {
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// The code as stored: upper case, dashes and spaces dropped.
fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct IssuedCode {
    pub code: String,
    pub office_id: Uuid,
    pub expires_at: DateTime<Utc>,
    /// First 16 hex digits of the server certificate's pin, for the printed slip (§4).
    pub pin_prefix: Option<String>,
}

/// What checking a request's signature before the lock found (`Server::presigned`).
pub(crate) enum Presigned {
    /// The device has not been seen since the server started.
    Unknown,
    /// It holds under this key (base64, as the device's record keeps it).
    Holds(String),
    /// It does not hold under this key.
    Fails(String),
}

impl Server {
    /// A one-time enrolment code for an office (county console).
    pub fn issue_enrolment_code(&self, office_id: Uuid, actor: &str) -> Result<IssuedCode> {
        let bytes: [u8; 12] = self.random_bytes();
        let raw: String = bytes.iter().map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char).collect();
        let now = self.now();
        let expires_at = now + Duration::hours(CODE_VALID_HOURS);
        self.write(|tx| {
            store::get::<Office>(tx, kind::OFFICE, &office_id.to_string())?.ok_or_else(|| {
                ServerError::new(ErrorCode::Invalid, zh::office_unknown(&office_id.to_string())).field("office_id")
            })?;
            let doc = EnrolCode { office_id, created_at: now, expires_at, attempts: 0, used_by: None };
            store::put(tx, kind::ENROL_CODE, &raw, &doc)?;
            tx.audit(&now.to_rfc3339(), actor, "issue_enrolment_code", &office_id.to_string(), &serde_json::json!({}))?;
            Ok(())
        })?;
        let pin_prefix =
            self.cert_pin.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|p| p.chars().take(16).collect());
        Ok(IssuedCode { code: format_code(&raw), office_id, expires_at, pin_prefix })
    }

    /// `POST /enrol`: checks the code and registers the device's public key.
    pub fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse> {
        public_key_from_base64(&req.public_key)
            .map_err(|_| ServerError::new(ErrorCode::Malformed, zh::MALFORMED).field("public_key"))?;
        let now = self.now();
        let id = self.new_id();
        let raw = normalise_code(&req.code);
        // A wrong guess of a code that exists still counts against it: the count is written
        // even when the answer is a refusal.
        let outcome = self.write(|tx| {
            // Codes are looked up by their exact text; a code that does not exist has no
            // attempts to count.
            let Some(mut code) = store::get::<EnrolCode>(tx, kind::ENROL_CODE, &raw)? else {
                return Ok(Err(ServerError::new(ErrorCode::EnrolCodeInvalid, zh::ENROL_CODE_INVALID).field("code")));
            };
            if code.used_by.is_some() {
                return Ok(Err(ServerError::new(ErrorCode::EnrolCodeUsed, zh::ENROL_CODE_USED).field("code")));
            }
            if now > code.expires_at {
                return Ok(Err(ServerError::new(ErrorCode::EnrolCodeExpired, zh::ENROL_CODE_EXPIRED).field("code")));
            }
            code.attempts += 1;
            if code.attempts > CODE_MAX_ATTEMPTS {
                store::put(tx, kind::ENROL_CODE, &raw, &code)?;
                return Ok(Err(ServerError::new(ErrorCode::EnrolAttemptsExceeded, zh::ENROL_ATTEMPTS).field("code")));
            }
            let office: Office = store::get(tx, kind::OFFICE, &code.office_id.to_string())?
                .ok_or_else(|| ServerError::internal("code of a missing office"))?;
            code.used_by = Some(id);
            store::put(tx, kind::ENROL_CODE, &raw, &code)?;
            let device = Device {
                id,
                office_id: office.id,
                name: req.device_name.clone(),
                public_key: req.public_key.clone(),
                app_version: req.app_version.clone(),
                enrolled_at: now,
                revoked_at: None,
                last_counter: 0,
                acked_through: 0,
                last_seen: Some(now),
                last_skew_ms: Some((req.device_time - now).num_milliseconds()),
                seq_reuse_alarms: 0,
                pulled_through: 0,
            };
            store::put(tx, kind::DEVICE, &id.to_string(), &device)?;
            tx.audit(
                &now.to_rfc3339(),
                &format!("device:{id}"),
                "enrol",
                &office.id.to_string(),
                &serde_json::json!({ "device_name": req.device_name }),
            )?;
            Ok(Ok(office))
        })?;
        let office = outcome?;
        Ok(EnrolResponse {
            device_id: id,
            office: OfficeRef { id: office.id, name: office.name, division_code: office.division_code },
            county: CountyRef {
                name: self.county_name.clone(),
                signing_key: public_key_to_base64(&self.signing_key.verifying_key()),
            },
            server_time: now,
            next_counter: 1,
            next_seq: 1,
        })
    }

    /// Checks a signed request (§3) and moves the device's counter on. Returns the device.
    pub fn authenticate(&self, signed: &Signed<'_>, signature: &str) -> Result<Device> {
        let now = self.now();
        let presigned = self.presigned(signed, signature);
        self.write(|tx| self.authenticate_in(tx, signed, signature, &presigned, now))?
    }

    /// A request's signature checked before any lock against the key last seen for its device
    /// (ed25519 is the costly part of a check); the device's record decides in the transaction.
    pub(crate) fn presigned(&self, signed: &Signed<'_>, signature: &str) -> Presigned {
        let cached = self.device_keys.lock().unwrap_or_else(|p| p.into_inner()).get(&signed.device).cloned();
        match cached {
            None => Presigned::Unknown,
            Some((text, key)) if signed.verify(&key, signature).is_ok() => Presigned::Holds(text),
            Some((text, _)) => Presigned::Fails(text),
        }
    }

    /// `authenticate` inside a caller's transaction (a push checks the request and applies it
    /// in one commit). The outer `Result` is a store failure, the inner one a refusal.
    pub(crate) fn authenticate_in(
        &self,
        tx: &mut dyn store::CountyTx,
        signed: &Signed<'_>,
        signature: &str,
        presigned: &Presigned,
        now: DateTime<Utc>,
    ) -> Result<Result<Device>> {
        let Some(mut d) = store::get::<Device>(tx, kind::DEVICE, &signed.device.to_string())? else {
            return Ok(Err(ServerError::new(ErrorCode::DeviceUnknown, zh::DEVICE_UNKNOWN)));
        };
        if d.revoked_at.is_some() {
            return Ok(Err(ServerError::new(ErrorCode::DeviceRevoked, zh::DEVICE_REVOKED)));
        }
        // Checked already against the key the device's record holds, or checked now.
        match presigned {
            Presigned::Holds(k) if *k == d.public_key => {}
            Presigned::Fails(k) if *k == d.public_key => {
                return Ok(Err(ServerError::new(ErrorCode::BadSignature, zh::BAD_SIGNATURE)));
            }
            _ => {
                let key = public_key_from_base64(&d.public_key).map_err(|_| ServerError::internal("stored key"))?;
                if signed.verify(&key, signature).is_err() {
                    return Ok(Err(ServerError::new(ErrorCode::BadSignature, zh::BAD_SIGNATURE)));
                }
                self.device_keys.lock().unwrap_or_else(|p| p.into_inner()).insert(d.id, (d.public_key.clone(), key));
            }
        }
        if signed.counter <= d.last_counter {
            return Ok(Err(ServerError::new(ErrorCode::Replayed, zh::replayed(d.last_counter))
                .detail("last_counter", d.last_counter)));
        }
        d.last_counter = signed.counter;
        d.last_seen = Some(now);
        if let Ok(t) = signed.time.parse::<DateTime<Utc>>() {
            d.last_skew_ms = Some((t - now).num_milliseconds());
        }
        store::put(tx, kind::DEVICE, &d.id.to_string(), &d)?;
        Ok(Ok(d))
    }

    /// County console: a device stops being able to sync (its data stays on the PC).
    pub fn revoke_device(&self, device_id: Uuid, actor: &str) -> Result<Device> {
        let now = self.now();
        self.write(|tx| {
            let mut d: Device = store::get(tx, kind::DEVICE, &device_id.to_string())?.ok_or_else(|| {
                ServerError::new(ErrorCode::Invalid, zh::not_found(zh::what::DEVICE, &device_id.to_string()))
            })?;
            d.revoked_at.get_or_insert(now);
            store::put(tx, kind::DEVICE, &device_id.to_string(), &d)?;
            tx.audit(&now.to_rfc3339(), actor, "revoke_device", &device_id.to_string(), &serde_json::json!({}))?;
            Ok(d)
        })
    }

    pub fn devices(&self) -> Result<Vec<Device>> {
        self.write(|tx| store::all(tx, kind::DEVICE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_the_same_with_or_without_dashes_and_case() {
        assert_eq!(normalise_code("7k3m-q9rt 2wxa"), "7K3MQ9RT2WXA");
        assert_eq!(format_code("7K3MQ9RT2WXA"), "7K3M-Q9RT-2WXA");
    }
}
