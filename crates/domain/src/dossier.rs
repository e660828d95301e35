//! The sections of a 司法所's 工作档案 (work dossier) and their order.
//!
//! No statute fixes the order; the county sets it for its offices (档案法实施条例 2024 Art 19: an
//! agency fixes its filing scope with the archive authority). The default is domain.md §19's
//! [PROPOSAL], synthesised from 四川 2022 and 威海 2021. The county sends its choice with the
//! office's settings (sync-protocol.md §6, `offices`).

use serde::{Deserialize, Serialize};

/// A section of the work dossier; every document of the dossier belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// 接收: intake copies, team, 矫正方案, risk assessments and hazards found, class decisions.
    Intake,
    /// 报告: phone, in-person and written reports; 暂予监外执行 health reports and re-examinations.
    Reports,
    /// 走访、核查、谈话, and the search for a subject lost to contact.
    Visits,
    /// 外出请假与销假, 经常性跨市县活动 permits, 变更执行地.
    Leaves,
    /// 教育学习与公益活动, 账本式教育.
    Education,
    /// 帮扶.
    Help,
    /// 考核与奖惩.
    Assessments,
    /// 解矫.
    Release,
}

impl Section {
    /// The section's name as the print dialog, the gap check and the county's messages show it (the one place for these words;
    /// the office app and the county server both use it).
    pub fn label(self) -> &'static str {
        match self {
            Section::Intake => "接收与矫正方案",
            Section::Reports => "报告",
            Section::Visits => "走访、信息化核查与谈话",
            Section::Leaves => "外出请假销假与执行地变更",
            Section::Education => "教育学习与公益活动",
            Section::Help => "帮扶",
            Section::Assessments => "考核与奖惩",
            Section::Release => "解除矫正",
        }
    }
}

/// domain.md §19's order for the work dossier.
pub const DEFAULT_ORDER: [Section; 8] = [
    Section::Intake,
    Section::Reports,
    Section::Visits,
    Section::Leaves,
    Section::Education,
    Section::Help,
    Section::Assessments,
    Section::Release,
];

/// Why an order cannot be used: a dossier printed in it would leave documents out or print
/// them twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderProblem {
    Missing(Section),
    Twice(Section),
}

impl std::fmt::Display for OrderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrderProblem::Missing(s) => {
                write!(f, "卷宗顺序缺少「{}」，每一部分都要排上，否则打印时会漏掉材料。", s.label())
            }
            OrderProblem::Twice(s) => write!(f, "卷宗顺序中「{}」出现了两次，每一部分只能排一次。", s.label()),
        }
    }
}

/// An order is usable when it names every section exactly once.
pub fn check_order(order: &[Section]) -> Result<(), OrderProblem> {
    for (i, s) in order.iter().enumerate() {
        if order[..i].contains(s) {
            return Err(OrderProblem::Twice(*s));
        }
    }
    match DEFAULT_ORDER.iter().find(|s| !order.contains(s)) {
        Some(s) => Err(OrderProblem::Missing(*s)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_names_every_section_once() {
        assert_eq!(check_order(&DEFAULT_ORDER), Ok(()));
        let mut reversed = DEFAULT_ORDER;
        reversed.reverse();
        assert_eq!(check_order(&reversed), Ok(()));
        assert_eq!(check_order(&DEFAULT_ORDER[1..]), Err(OrderProblem::Missing(Section::Intake)));
        let mut twice = DEFAULT_ORDER.to_vec();
        twice.push(Section::Visits);
        assert_eq!(check_order(&twice), Err(OrderProblem::Twice(Section::Visits)));
        assert_eq!(check_order(&[]), Err(OrderProblem::Missing(Section::Intake)));
    }
}
