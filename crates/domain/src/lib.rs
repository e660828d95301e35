//! Pure rules of community corrections (社区矫正). No I/O: time, data and rule packs come in as
//! arguments. Every rule cites its legal source in a comment; `../../shared/domain.md` is the
//! research behind each one.

pub mod calendar;
pub mod dossier;
pub mod id_number;
pub mod ids;
pub mod leave;
pub mod obligations;
pub mod rule_pack;
pub mod sanction;
pub mod statistics;
pub mod term;
pub mod text;
pub mod types;

pub use types::*;
