//! 矫务通 sync, version 1: what travels between an office device and the county server, exactly as
//! `docs/sync-protocol.md` specifies it. The office sync engine (push/pull over reqwest) and the
//! county server (`county/`) are built on these types in issue 4; the doc's JSON examples are
//! parsed by the tests here, so the page and the code cannot drift apart silently.

pub mod digest;
pub mod signing;
pub mod wire;

/// Value of the `Jiaowu-Protocol` header.
pub const PROTOCOL_VERSION: u32 = 1;
/// Largest push (ops) and pull page (changes), docs §2.
pub const MAX_PUSH_OPS: usize = 500;
pub const MAX_PULL_CHANGES: usize = 1000;
