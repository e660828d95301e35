//! Use cases of 矫务通: one function per user action, typed inputs and outputs, and `AppError`
//! with a stable code and a Chinese message for every refusal. The CLI and the desktop shell call
//! these and nothing below them.

mod activity_index;
pub mod advice;
mod caseload;
pub mod clock;
mod core;
pub mod county_settings;
pub mod decisions;
pub mod demo;
pub mod error;
pub mod home;
pub mod leave;
pub mod maintenance;
pub mod obligations;
pub mod options;
pub mod printing;
pub mod records;
pub mod sessions;
pub mod statistics;
pub mod subjects;
pub mod sync;
#[cfg(test)]
mod testing;
pub mod timeline;
mod tools;
pub mod zh;

pub use crate::core::*;
pub use error::{AppError, ErrorKind, Problem};
pub use jiaowu_domain as domain;
pub use jiaowu_store as store;
pub use tools::{check_id, raw_key, CheckIdView};
