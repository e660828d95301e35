//! The choices every form offers, with their Chinese labels, so the UI never keeps its own copy
//! of a statutory term. Values are the serde names the use cases accept; a test parses each one.

use serde::Serialize;

use crate::zh::OPTIONS;

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionGroup {
    pub name: &'static str,
    pub choices: Vec<Choice>,
}

/// Every option group, by the name the forms use.
pub fn form_options() -> Vec<OptionGroup> {
    OPTIONS
        .iter()
        .map(|(name, list)| OptionGroup {
            name,
            choices: list.iter().map(|(value, label)| Choice { value, label }).collect(),
        })
        .collect()
}

/// The label of `value` in option group `group`, as the UI shows it (printing uses the same words).
pub(crate) fn option_label(group: &str, value: &str) -> Option<&'static str> {
    label_in(choices(group), value)
}

/// The code of a choice of `group` given as its label (`电话报告` → `phone`); anything else is
/// taken as a code already. For the command line, which accepts either.
pub fn option_value(group: &str, given: &str) -> String {
    choices(group).iter().find(|(_, l)| *l == given).map_or_else(|| given.replace('-', "_"), |(v, _)| v.to_string())
}

/// Every choice of `group` as "label（code）", joined with "、": the command line's help and
/// its refusals list them so.
pub fn options_listed(group: &str) -> String {
    choices(group).iter().map(|(v, l)| format!("{l}（{v}）")).collect::<Vec<_>>().join("、")
}

/// The label of `value` in the first group that offers it, for values stored without their group
/// (a record's fields printed generically; values are distinct enough across groups).
pub(crate) fn any_option_label(value: &str) -> Option<&'static str> {
    OPTIONS.iter().find_map(|(_, list)| label_in(list, value))
}

/// The (code, label) pairs of `group`; none for a group there is not.
fn choices(group: &str) -> &'static [(&'static str, &'static str)] {
    OPTIONS.iter().find(|(g, _)| *g == group).map_or(&[][..], |(_, list)| *list)
}

fn label_in(list: &[(&str, &'static str)], value: &str) -> Option<&'static str> {
    list.iter().find(|(v, _)| *v == value).map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiaowu_domain::leave::{Authority, LeaveReasonKind};
    use jiaowu_domain::sanction::BreachKind;
    use jiaowu_domain::statistics::ReceivedSource;
    use jiaowu_domain::*;
    use jiaowu_store::*;
    use serde::de::DeserializeOwned;

    fn all<T: DeserializeOwned>(group: &str) {
        let g = form_options().into_iter().find(|g| g.name == group).unwrap_or_else(|| panic!("group {group}"));
        assert!(!g.choices.is_empty(), "{group} has choices");
        for c in g.choices {
            serde_json::from_value::<T>(serde_json::Value::String(c.value.into()))
                .unwrap_or_else(|e| panic!("{group}.{} does not parse: {e}", c.value));
        }
    }

    #[test]
    fn every_option_value_is_accepted_by_the_use_cases() {
        all::<SentenceType>("sentence_type");
        all::<SupervisionClass>("class");
        all::<SubjectStatus>("status");
        all::<Sex>("sex");
        all::<Role>("role");
        all::<ReportMethod>("report_method");
        all::<LeaveReasonKind>("leave_reason");
        all::<Authority>("authority");
        all::<PlaceType>("place_type");
        all::<ContactMethod>("contact_method");
        all::<ItCheckMethod>("it_check_method");
        all::<ItCheckResult>("it_check_result");
        all::<TalkType>("talk_type");
        all::<MedicalReportKind>("medical_report_kind");
        all::<StudyMode>("study_mode");
        all::<Attendance>("attendance");
        all::<SanctionKind>("sanction_kind");
        all::<DecidedBy>("decided_by");
        all::<Grade>("grade");
        all::<PermitKind>("permit_kind");
        all::<LostContactStepKind>("lost_contact_step_kind");
        all::<ReleaseStepKind>("release_step_kind");
        all::<LedgerTheme>("ledger_theme");
        all::<ViolationKind>("violation_kind");
        all::<CostKind>("cost_kind");
        all::<CounsellingKind>("counselling_kind");
        all::<HelpKind>("help_kind");
        all::<SubjectEventKind>("subject_event_kind");
        all::<ReceivedSource>("received_source");
        all::<BreachKind>("breach_kind");
        all::<DecisionTarget>("decision_target");
        assert_eq!(form_options().len(), 31, "a group without a parse test above");
    }
}
