//! Request signatures (docs/sync-protocol.md §3): Ed25519 over a fixed text of the method, path,
//! device, counter, device time and the SHA-256 of the body as sent. The counter, not the time,
//! stops replays: office PCs keep wrong clocks.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The signed parts of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    pub method: &'a str,
    /// Path and query exactly as sent.
    pub path: &'a str,
    pub device: Uuid,
    pub counter: u64,
    /// `Jiaowu-Time` exactly as sent.
    pub time: &'a str,
    pub body: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature is not base64 of 64 bytes")]
    Encoding,
    #[error("signature does not verify")]
    Mismatch,
    #[error("public key is not base64 of a 32-byte Ed25519 key")]
    Key,
}

impl Signed<'_> {
    /// The exact text that is signed.
    pub fn text(&self) -> String {
        format!(
            "JIAOWU-SIG-1\n{}\n{}\n{}\n{}\n{}\n{}",
            self.method.to_ascii_uppercase(),
            self.path,
            self.device.hyphenated(),
            self.counter,
            self.time,
            hex::encode(Sha256::digest(self.body))
        )
    }

    /// The `Jiaowu-Signature` header value.
    pub fn sign(&self, key: &SigningKey) -> String {
        B64.encode(key.sign(self.text().as_bytes()).to_bytes())
    }

    pub fn verify(&self, public_key: &VerifyingKey, header: &str) -> Result<(), SignatureError> {
        let bytes: [u8; 64] = B64
            .decode(header)
            .map_err(|_| SignatureError::Encoding)?
            .try_into()
            .map_err(|_| SignatureError::Encoding)?;
        public_key.verify(self.text().as_bytes(), &Signature::from_bytes(&bytes)).map_err(|_| SignatureError::Mismatch)
    }
}

/// A public key as carried in the enrolment request.
pub fn public_key_from_base64(s: &str) -> Result<VerifyingKey, SignatureError> {
    let bytes: [u8; 32] =
        B64.decode(s).map_err(|_| SignatureError::Key)?.try_into().map_err(|_| SignatureError::Key)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| SignatureError::Key)
}

pub fn public_key_to_base64(key: &VerifyingKey) -> String {
    B64.encode(key.to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate(&mut rand::rngs::OsRng)
    }

    fn request(body: &[u8]) -> Signed<'_> {
        Signed {
            method: "post",
            path: "/api/v1/push",
            device: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001),
            counter: 42,
            time: "2026-11-23T08:15:00Z",
            body,
        }
    }

    #[test]
    fn the_signed_text_is_the_documented_one() {
        let t = request(b"").text();
        assert_eq!(
            t,
            "JIAOWU-SIG-1\nPOST\n/api/v1/push\n01930000-0000-7000-8000-000000000001\n42\n2026-11-23T08:15:00Z\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    /// A signature covers every signed part: changing any one of them (or the body by one byte)
    /// fails verification, and another device's key fails too.
    #[test]
    fn any_change_to_a_signed_part_fails() {
        let (k, other) = (key(), key());
        let body = br#"{"first_seq":1,"ops":[]}"#;
        let sig = request(body).sign(&k);
        let pk = k.verifying_key();
        assert_eq!(request(body).verify(&pk, &sig), Ok(()));
        assert_eq!(request(body).verify(&other.verifying_key(), &sig), Err(SignatureError::Mismatch));
        let mut changed = body.to_vec();
        changed[5] ^= 1;
        let variants = [
            Signed { method: "GET", ..request(body) },
            Signed { path: "/api/v1/pull", ..request(body) },
            Signed { device: Uuid::from_u128(2), ..request(body) },
            Signed { counter: 43, ..request(body) },
            Signed { time: "2026-11-23T08:15:01Z", ..request(body) },
            Signed { body: &changed, ..request(body) },
        ];
        for v in variants {
            assert_eq!(v.verify(&pk, &sig), Err(SignatureError::Mismatch), "{v:?}");
        }
        assert_eq!(request(body).verify(&pk, "not base64!"), Err(SignatureError::Encoding));
        let back = public_key_from_base64(&public_key_to_base64(&pk)).unwrap();
        assert_eq!(request(body).verify(&back, &sig), Ok(()));
    }
}
