//! 矫务通 county center server (县级社区矫正机构): holds county authority (intake, assignment,
//! transfers, decisions on leave over 7 days and on sanctions) and the authoritative copy of its
//! offices' records, and serves the sync protocol of `docs/sync-protocol.md`.
//!
//! Layout: `store.rs` is the storage interface (one conformance suite for every backend),
//! `sqlite.rs` its default backend and `postgres.rs` the other; `devices.rs`, `push.rs`,
//! `pull.rs` and `console.rs` hold the rules, written once over the interface; `http.rs` is the
//! HTTP face; `zh.rs` every message.

pub mod console;
pub mod devices;
pub mod error;
pub mod http;
pub mod model;
pub mod postgres;
pub mod proposals;
pub mod pull;
pub mod push;
pub mod server;
pub mod sqlite;
pub mod store;
pub mod tls;
pub mod zh;

pub use error::ServerError;
pub use http::router;
pub use postgres::PgStore;
pub use server::{Clock, ManualClock, Server, SystemClock};
pub use sqlite::SqliteStore;
