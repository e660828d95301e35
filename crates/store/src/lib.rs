//! The office case store (design.md §2): an encrypted SQLite file (SQLCipher) whose schema is
//! `schema.sql`, opened with a staff password through key slots, where every write is the data
//! plus a hash-chained audit entry plus a sync outbox op in one transaction.

pub mod activity_rows;
pub mod attachments;
pub mod audit;
mod connection;
pub mod error;
pub mod keyfile;
pub mod leave_status;
pub mod migrate;
pub mod queries;
pub mod records;
pub mod replica;
mod sqlvalue;
mod startup_check;
mod store;
pub mod subjects;

pub use activity_rows::{ActivityDetail, ActivityRow, ActivityTable};
pub use error::{Result, StoreError};
pub use keyfile::KdfParams;
pub use records::*;
pub use replica::{Applied, OpState, OutboxOp};
pub use rusqlite::params;
pub use store::{Op, Session, Store, Tx, VerifyReport};
pub use subjects::{ReceivedSource, Subject, SubjectRow, SEARCH_ROWS};
