//! Core vocabulary shared by every rule. Codes follow the MoJ data standard SF/T 0015-2017 as
//! seen in open-source implementations (domain.md §3.1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 矫正类别 — the four kinds of community correction (社区矫正法 Art 2; 刑事诉讼法 Art 269).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentenceType {
    /// 管制 (code 01; 刑法 Arts 38–41)
    Control,
    /// 缓刑 (code 02; 刑法 Arts 72–77)
    Probation,
    /// 假释 (code 03; 刑法 Arts 81–86)
    Parole,
    /// 暂予监外执行 (code 04; 刑事诉讼法 Arts 265, 268)
    TemporaryOutside,
}

impl SentenceType {
    pub const ALL: [SentenceType; 4] = [Self::Control, Self::Probation, Self::Parole, Self::TemporaryOutside];
    pub fn code(self) -> &'static str {
        match self {
            Self::Control => "01",
            Self::Probation => "02",
            Self::Parole => "03",
            Self::TemporaryOutside => "04",
        }
    }
}

/// 管理类别 — classified management (实施办法 Art 21; numbers come from the rule pack, §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionClass {
    /// 严管
    Strict,
    /// 普管
    Ordinary,
    /// 宽管
    Lenient,
}

impl SupervisionClass {
    pub const ALL: [SupervisionClass; 3] = [Self::Strict, Self::Ordinary, Self::Lenient];
}

/// 矫正阶段 (domain.md §4.6; lengths from the rule pack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// 入矫教育期
    Entry,
    /// 常规教育期
    Regular,
    /// 解矫教育期
    PreRelease,
}

/// Case state (domain.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectStatus {
    /// 待报到
    PendingIntake,
    /// 在矫
    InCorrection,
    /// 外出中
    OnLeave,
    /// 失联/脱管
    LostContact,
    /// 被羁押 (社区矫正法 Art 32)
    Detained,
    /// 变更执行地待移交
    TransferOutPending,
    /// 已迁出
    TransferredOut,
    /// 解除矫正 (Art 44)
    Released,
    /// 终止矫正 (Art 45)
    Terminated,
}

impl SubjectStatus {
    /// Still on this office's register (在册).
    pub fn on_register(self) -> bool {
        !matches!(self, Self::TransferredOut | Self::Released | Self::Terminated)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// 报告方式 (实施办法 Art 24; domain.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportMethod {
    /// 电话报告
    Phone,
    /// 当面报告
    InPerson,
    /// 书面报告/思想汇报
    Written,
    /// 视频报告
    Video,
}

/// A closed range of calendar days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Self {
        Self { start, end }
    }
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
    /// Number of days, both ends counted.
    pub fn days_inclusive(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// Staff roles of an office (design.md §2): the 负责人 may decide delegated leave and sign
/// opinions; 工作人员 record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 负责人 (司法所所长)
    Head,
    /// 工作人员
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Head => "head",
            Role::Staff => "staff",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "head" => Some(Role::Head),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }
}
