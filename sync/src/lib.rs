//! 矫务通 sync, version 1: what travels between an office device and the county server, exactly as
//! `docs/sync-protocol.md` specifies it (`wire`, `signing`, `digest`; the doc's JSON examples are
//! parsed by the tests here, so the page and the code cannot drift apart silently), and the
//! office sync engine (`engine`) over a `transport` (reqwest, or in-process in tests).

pub mod bundle;
pub mod digest;
pub mod engine;
pub mod signing;
pub mod transport;
pub mod wire;

/// Value of the `Jiaowu-Protocol` header.
pub const PROTOCOL_VERSION: u32 = 1;
/// Largest push (ops) and pull page (changes), docs §2.
pub const MAX_PUSH_OPS: usize = 500;
pub const MAX_PULL_CHANGES: usize = 1000;
