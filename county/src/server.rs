//! The county server's state: its store, its clock and its randomness. Time and randomness come
//! in here so that tests and the simulation are deterministic and replay from a seed.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::error::ServerError;
use crate::store::{self, kind, CountyStore, Result};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock the test moves by hand.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(at))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Settings written once when the county database is created.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Settings {
    county_name: String,
    /// Ed25519 secret (hex) that signs pull bundles (protocol §10).
    signing_secret: String,
    /// Changes with every new database: a cursor from another database is refused (§6).
    feed_epoch: String,
}

pub struct Server {
    pub store: Arc<dyn CountyStore>,
    pub clock: Arc<dyn Clock>,
    rng: Mutex<ChaCha8Rng>,
    pub county_name: String,
    pub signing_key: SigningKey,
    pub feed_epoch: String,
    /// The pin of the certificate this server presents (HTTPS), printed on enrolment slips.
    pub cert_pin: Mutex<Option<String>>,
    /// Public keys of the devices seen, so that a request's signature is checked before the
    /// writer's lock is taken (devices.rs `presigned`); the device's record still decides.
    pub(crate) device_keys: Mutex<std::collections::HashMap<Uuid, (String, ed25519_dalek::VerifyingKey)>>,
}

impl Server {
    /// Opens the county database, creating its settings on first use. `seed` fixes the
    /// randomness (ids, codes) for tests and the simulation; production passes `None`.
    pub fn open(
        store: Arc<dyn CountyStore>,
        clock: Arc<dyn Clock>,
        seed: Option<u64>,
        county_name: &str,
    ) -> Result<Server> {
        let mut rng = match seed {
            Some(s) => ChaCha8Rng::seed_from_u64(s),
            None => ChaCha8Rng::from_entropy(),
        };
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        let mut epoch = [0u8; 8];
        rng.fill_bytes(&mut epoch);
        let fresh = Settings {
            county_name: county_name.to_string(),
            signing_secret: hex::encode(secret),
            feed_epoch: hex::encode(epoch),
        };
        let settings = store::write(store.as_ref(), |tx| {
            // Offices made before their settings went down their feeds (version 0) send them
            // once, so their PCs learn what the county decided for them (protocol §6).
            for mut office in store::all::<crate::model::Office>(tx, kind::OFFICE)? {
                if office.version == 0 {
                    office.version = 1;
                    store::put(tx, kind::OFFICE, &office.id.to_string(), &office)?;
                    crate::console::publish_settings(tx, &office, clock.now())?;
                }
            }
            if let Some(s) = store::get::<Settings>(tx, kind::SETTING, "county")? {
                return Ok(s);
            }
            store::put(tx, kind::SETTING, "county", &fresh)?;
            Ok(fresh.clone())
        })?;
        let bytes: [u8; 32] = hex::decode(&settings.signing_secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| ServerError::internal("signing secret"))?;
        Ok(Server {
            store,
            clock,
            rng: Mutex::new(rng),
            county_name: settings.county_name,
            signing_key: SigningKey::from_bytes(&bytes),
            feed_epoch: settings.feed_epoch,
            cert_pin: Mutex::new(None),
            device_keys: Mutex::new(Default::default()),
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn random_bytes<const N: usize>(&self) -> [u8; N] {
        let mut b = [0u8; N];
        self.rng.lock().unwrap_or_else(|p| p.into_inner()).fill_bytes(&mut b);
        b
    }

    /// A UUIDv7 from the server's clock and randomness.
    pub fn new_id(&self) -> Uuid {
        let ms = self.now().timestamp_millis().max(0) as u64;
        let r: [u8; 10] = self.random_bytes();
        uuid::Builder::from_unix_timestamp_millis(ms, &r).into_uuid()
    }

    pub fn write<T>(&self, f: impl FnMut(&mut dyn store::CountyTx) -> Result<T>) -> Result<T> {
        store::write(self.store.as_ref(), f)
    }
}
