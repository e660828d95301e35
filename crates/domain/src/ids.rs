//! Record identifiers: UUIDv7 made on the device, so records created offline on different PCs
//! never collide (design.md §1). Their embedded time is never used for ordering.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn new() -> Self { Self(uuid::Uuid::now_v7()) }
            pub fn parse(s: &str) -> Option<Self> { uuid::Uuid::parse_str(s).ok().map(Self) }
        }
        impl Default for $name { fn default() -> Self { Self::new() } }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { self.0.fmt(f) }
        }
    )*};
}

id_type!(SubjectId, RecordId, StaffId, OfficeId, LeaveId, SessionId, ActivityId, OpId);
