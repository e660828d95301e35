//! Rule packs: the numbers of community corrections as versioned data with effective dates.
//!
//! The national rules (社区矫正法 2019; 实施办法 2020, 司发通〔2020〕59号) set few numbers; provinces
//! set the rest by class (domain.md §5, §24). A pack is loaded from TOML (`rules/*.toml`), and the
//! pack in force on a date is the one whose `effective_from ≤ date < effective_to`.
//!
//! Scopes and versions (design):
//! - A pack's *scope* is its `region`: `None` is the national baseline, `Some(key)` a provincial
//!   preset family (`province-a`, `fujian`, …). An office chooses **one** family
//!   ([`RuleBook::with_region`]); dates then pick the version.
//! - Within one scope a later-starting pack supersedes an open-ended earlier one on its start
//!   date. Explicit overlaps (an `effective_to` after the next pack's start, or two packs starting
//!   on the same day) are refused when the pack is added.
//! - On a date, a pack of the chosen region in force wins over the national baseline; where the
//!   region has no pack in force (before its first version, or in a gap), the national one applies.

use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::SupervisionClass;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulePack {
    /// Stable identifier, e.g. `national-2020`.
    pub id: String,
    /// Human name in Chinese, e.g. `全国基线（社区矫正法实施办法 2020）`.
    pub name: String,
    pub version: u32,
    /// First day the pack applies.
    pub effective_from: NaiveDate,
    /// First day it no longer applies (exclusive); `None` = open-ended.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// Province or scope the preset comes from, if any. Used as the preset family key
    /// (`province-a`, `fujian`); `None` = national baseline.
    #[serde(default)]
    pub region: Option<String>,
    /// Where the numbers come from, shown with the pack.
    pub source: String,
    pub phases: PhaseRules,
    pub intake: IntakeRules,
    pub classes: ClassPolicies,
    pub medical: MedicalRules,
    pub leave: LeaveRules,
    pub release: ReleaseRules,
    pub sanctions: SanctionRules,
}

/// 矫正阶段 lengths (domain.md §4.6: 靖边 1 month / 宜丰 3 months for entry; last month for release).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseRules {
    pub entry_months: u32,
    pub exit_months: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeRules {
    /// Subject reports to the county within N days of the judgment taking effect (社区矫正法 Art 21: 10).
    pub report_days: u32,
    /// First home/work visit within N days of reporting (\[PROPOSAL\] 10; practice 20).
    /// Counted in calendar days (start day not counted) until a holiday table is available.
    pub first_visit_days: u32,
    /// New subjects start as 严管 for N months (Province A: 2).
    pub initial_strict_months: u32,
    /// Citation shown beside the report-in deadline.
    #[serde(default = "default_report_basis")]
    pub report_basis: String,
    /// Citation shown beside the first-visit deadline.
    #[serde(default = "default_first_visit_basis")]
    pub first_visit_basis: String,
}

fn default_report_basis() -> String {
    "社区矫正法第二十一条；刑事诉讼法第一百零五条（期间计算）".to_owned()
}

fn default_first_visit_basis() -> String {
    "[PROPOSAL] 报到后首次实地查访（domain.md §7.2）；社区矫正法第二十六条".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassPolicies {
    pub strict: ClassPolicy,
    pub ordinary: ClassPolicy,
    pub lenient: ClassPolicy,
}

impl ClassPolicies {
    pub fn get(&self, class: SupervisionClass) -> &ClassPolicy {
        match class {
            SupervisionClass::Strict => &self.strict,
            SupervisionClass::Ordinary => &self.ordinary,
            SupervisionClass::Lenient => &self.lenient,
        }
    }
}

/// What one class must do (domain.md §5.2 `ClassPolicy`). A `None` duty does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassPolicy {
    pub phone_reports: Option<Duty>,
    pub in_person_reports: Option<Duty>,
    pub written_reports: Option<Duty>,
    pub visits: Option<Duty>,
    pub talks: Option<Duty>,
    pub it_checks: Option<Duty>,
    /// 集中教育学习 hours per calendar month.
    pub study_hours_per_month: Option<HoursDuty>,
    /// 公益活动 hours per calendar month (only for subjects able to work, 实施办法 Art 44).
    pub service_hours_per_month: Option<HoursDuty>,
}

/// A counted duty: `times` per `per`, with the rule it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duty {
    pub times: u32,
    pub per: Period,
    /// Citation shown beside the duty, e.g. `实施办法第24条；某省分类管理办法第8条`.
    pub basis: String,
}

impl Duty {
    /// True when `self` asks for strictly more per unit of time than `other`
    /// (compared on nominal period lengths, [`Period::nominal_days`]).
    pub fn more_demanding_than(&self, other: &Duty) -> bool {
        u64::from(self.times) * other.per.nominal_days() > u64::from(other.times) * self.per.nominal_days()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursDuty {
    pub hours: u32,
    pub basis: String,
}

/// Calendar-aligned periods: weeks are Monday–Sunday; two-month periods are Jan–Feb, Mar–Apr, …;
/// quarters are Jan–Mar, ….
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    TwoMonths,
    Quarter,
}

impl Period {
    pub const ALL: [Period; 4] = [Self::Week, Self::Month, Self::TwoMonths, Self::Quarter];

    /// Length in months of a month-aligned period; `None` for weeks.
    pub fn months(self) -> Option<u32> {
        match self {
            Self::Week => None,
            Self::Month => Some(1),
            Self::TwoMonths => Some(2),
            Self::Quarter => Some(3),
        }
    }

    /// Longest possible length in days (a duty cannot ask for more than one act a day).
    pub fn max_days(self) -> u32 {
        match self {
            Self::Week => 7,
            Self::Month => 31,
            Self::TwoMonths => 62,
            Self::Quarter => 92,
        }
    }

    /// Nominal length used only to compare how demanding two duties are.
    pub fn nominal_days(self) -> u64 {
        match self {
            Self::Week => 7,
            Self::Month => 30,
            Self::TwoMonths => 61,
            Self::Quarter => 91,
        }
    }

    /// Chinese label for the UI: 每周 / 每月 / 每两个月 / 每季度.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Week => "每周",
            Self::Month => "每月",
            Self::TwoMonths => "每两个月",
            Self::Quarter => "每季度",
        }
    }

    /// The calendar-aligned window of this period that contains `date`.
    pub fn window_containing(self, date: NaiveDate) -> crate::DateRange {
        match self.months() {
            None => {
                let back = u64::from(date.weekday().num_days_from_monday());
                let start = date - Days::new(back);
                crate::DateRange::new(start, start + Days::new(6))
            }
            Some(n) => {
                let first_month = (date.month0() / n) * n + 1;
                let start =
                    NaiveDate::from_ymd_opt(date.year(), first_month, 1).expect("month-aligned start is a valid date");
                let end =
                    start.checked_add_months(chrono::Months::new(n)).expect("date within chrono range") - Days::new(1);
                crate::DateRange::new(start, end)
            }
        }
    }
}

/// 暂予监外执行 duties (实施办法 Art 24; domain.md §6, §11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedicalRules {
    /// Health report every N months for every 暂予监外执行 subject (1).
    pub health_report_months: u32,
    /// 保外就医 re-examination result every N months (3).
    pub reexam_months: u32,
    pub basis: String,
}

/// Leave (外出) approval rules (实施办法 Arts 26–28; domain.md §8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaveRules {
    /// The county has delegated approval of short leave to the 司法所.
    pub office_delegated: bool,
    /// Longest leave the 司法所 may approve under delegation (7: "7日以内", inclusive).
    pub office_max_days: u32,
    /// Longest leave the county may approve in one decision (30).
    pub county_max_days: u32,
    /// Above this many days within the rolling window the level above decides (30).
    pub cumulative_limit_days: u32,
    /// The rolling window for the cumulative total, in calendar months (2).
    pub cumulative_window_months: u32,
    /// Lead time warning: apply this many days before departure (3, calendar).
    pub lead_days_short: u32,
    /// Lead time for leave longer than `office_max_days` (福建 preset: 7 working days).
    pub lead_days_long: u32,
    /// Whether lead days count working days (福建) or calendar days (national).
    pub lead_in_working_days: bool,
    /// Yearly cap in days (福建/四川 60), `None` = no cap.
    #[serde(default)]
    pub annual_cap_days: Option<u32>,
    /// Count both ends (`自…至…共N天`, \[PROPOSAL\]) or subtract the dates.
    pub count_both_ends: bool,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRules {
    /// Start release preparation N days before expiry (practice: 30).
    pub prep_reminder_days: u32,
    /// The personal summary and the appraisal are due N days before expiry (\[PROPOSAL\] 7,
    /// domain.md §15.1).
    #[serde(default = "default_appraisal_days")]
    pub appraisal_days_before_end: u32,
    /// Citation shown beside the release-preparation duties.
    #[serde(default = "default_release_basis")]
    pub basis: String,
}

fn default_appraisal_days() -> u32 {
    7
}

fn default_release_basis() -> String {
    "[PRACTICE] 期满前启动解矫准备（个人总结、鉴定）；2012年实施办法第二十九条".to_owned()
}

/// Thresholds of the sanction advisor (实施办法 Arts 34–35, 46–48; domain.md §12.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SanctionRules {
    /// After this many 训诫 a further breach suggests 警告 (Art 35(5): 2).
    pub admonitions_before_warning: u32,
    /// After this many 警告 the county considers revocation / 收监 (Arts 46–48: 2).
    pub warnings_before_revocation: u32,
    /// Out of supervision up to N days → 训诫 (Art 34(1): 10).
    pub lost_contact_admonition_max_days: u32,
    /// More than 1 month out of supervision → revocation / 收监 (Arts 46(2), 47(1)).
    pub lost_contact_revocation_after_months: u32,
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// One thing wrong inside a pack. `field` is the TOML path, e.g. `classes.strict.visits`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackProblem {
    #[error("{field} 不能为空")]
    EmptyField { field: String },
    #[error("effective_to ({to}) 必须晚于 effective_from ({from})")]
    EffectiveToNotAfterFrom { from: NaiveDate, to: NaiveDate },
    #[error("司法所审批上限 office_max_days ({office}) 超过县级上限 county_max_days ({county})")]
    OfficeLeaveAboveCounty { office: u32, county: u32 },
    #[error("{field}: times 为 0（不适用的义务应省略，而非写 0）")]
    ZeroTimes { field: String },
    #[error("{field}: {times} 次超过周期最多 {max} 天")]
    TimesExceedPeriod { field: String, times: u32, max: u32 },
    #[error("{field}: {hours} 小时不在 1–{max} 之间")]
    HoursOutOfRange { field: String, hours: u32, max: u32 },
    #[error("{field} 必须至少为 1")]
    ZeroParameter { field: String },
    #[error("{field} = {value} 超过合理上限 {max}")]
    ParameterTooLarge { field: String, value: u32, max: u32 },
    #[error("release.appraisal_days_before_end ({appraisal}) 必须小于 prep_reminder_days ({prep})")]
    AppraisalNotBeforePrep { appraisal: u32, prep: u32 },
}

#[derive(Debug, thiserror::Error)]
pub enum RulePackError {
    #[error("规则包 TOML 解析失败: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("规则包 {pack_id} 无效: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
    Invalid { pack_id: String, problems: Vec<PackProblem> },
    #[error("规则包 id 重复: {id}")]
    DuplicateId { id: String },
    #[error("同一范围（{scope}）的规则包时间重叠: {earlier} 与 {later}（{later} 自 {later_from} 起施行）")]
    Overlap { scope: String, earlier: String, later: String, later_from: NaiveDate },
    #[error("没有地区为 {region} 的规则包")]
    UnknownRegion { region: String },
    #[error("读取规则目录 {path} 失败: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("文件 {file}: {source}")]
    InFile {
        file: String,
        #[source]
        source: Box<RulePackError>,
    },
}

/// Upper bound on monthly study/service hours: anything above is a typo, not a policy (the
/// highest number seen in domain.md §5.1 is 14 h).
pub const MAX_MONTHLY_HOURS: u32 = 60;

impl RulePack {
    /// Parse and validate one pack.
    pub fn from_toml(text: &str) -> Result<RulePack, RulePackError> {
        let pack: RulePack = toml::from_str(text)?;
        pack.validate()?;
        Ok(pack)
    }

    /// Serialise back to TOML (for export and editing).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a rule pack always serialises")
    }

    /// Every problem found, empty when the pack is usable.
    pub fn problems(&self) -> Vec<PackProblem> {
        let mut p = Vec::new();
        let nonempty = |field: &str, value: &str, p: &mut Vec<PackProblem>| {
            if value.trim().is_empty() {
                p.push(PackProblem::EmptyField { field: field.to_owned() });
            }
        };
        nonempty("id", &self.id, &mut p);
        nonempty("name", &self.name, &mut p);
        nonempty("source", &self.source, &mut p);
        nonempty("intake.report_basis", &self.intake.report_basis, &mut p);
        nonempty("intake.first_visit_basis", &self.intake.first_visit_basis, &mut p);
        nonempty("medical.basis", &self.medical.basis, &mut p);
        nonempty("leave.basis", &self.leave.basis, &mut p);
        nonempty("release.basis", &self.release.basis, &mut p);
        if let Some(to) = self.effective_to {
            if to <= self.effective_from {
                p.push(PackProblem::EffectiveToNotAfterFrom { from: self.effective_from, to });
            }
        }
        let range = |field: &str, value: u32, max: u32, p: &mut Vec<PackProblem>| {
            if value == 0 {
                p.push(PackProblem::ZeroParameter { field: field.to_owned() });
            } else if value > max {
                p.push(PackProblem::ParameterTooLarge { field: field.to_owned(), value, max });
            }
        };
        // Phases may be 0 months (no separate phase) but not absurdly long.
        for (field, v) in
            [("phases.entry_months", self.phases.entry_months), ("phases.exit_months", self.phases.exit_months)]
        {
            if v > 12 {
                p.push(PackProblem::ParameterTooLarge { field: field.to_owned(), value: v, max: 12 });
            }
        }
        if self.intake.initial_strict_months > 12 {
            p.push(PackProblem::ParameterTooLarge {
                field: "intake.initial_strict_months".to_owned(),
                value: self.intake.initial_strict_months,
                max: 12,
            });
        }
        range("intake.report_days", self.intake.report_days, 60, &mut p);
        range("intake.first_visit_days", self.intake.first_visit_days, 60, &mut p);
        range("medical.health_report_months", self.medical.health_report_months, 12, &mut p);
        range("medical.reexam_months", self.medical.reexam_months, 12, &mut p);
        range("release.prep_reminder_days", self.release.prep_reminder_days, 180, &mut p);
        if self.release.appraisal_days_before_end >= self.release.prep_reminder_days {
            p.push(PackProblem::AppraisalNotBeforePrep {
                appraisal: self.release.appraisal_days_before_end,
                prep: self.release.prep_reminder_days,
            });
        }
        let l = &self.leave;
        range("leave.office_max_days", l.office_max_days, 366, &mut p);
        range("leave.county_max_days", l.county_max_days, 366, &mut p);
        range("leave.cumulative_limit_days", l.cumulative_limit_days, 366, &mut p);
        range("leave.cumulative_window_months", l.cumulative_window_months, 12, &mut p);
        if let Some(cap) = l.annual_cap_days {
            range("leave.annual_cap_days", cap, 366, &mut p);
        }
        if l.office_max_days > l.county_max_days {
            p.push(PackProblem::OfficeLeaveAboveCounty { office: l.office_max_days, county: l.county_max_days });
        }
        let s = &self.sanctions;
        range("sanctions.admonitions_before_warning", s.admonitions_before_warning, 10, &mut p);
        range("sanctions.warnings_before_revocation", s.warnings_before_revocation, 10, &mut p);
        // The 训诫 band must end before the shortest month so the 警告 band exists (Arts 34–35).
        range("sanctions.lost_contact_admonition_max_days", s.lost_contact_admonition_max_days, 27, &mut p);
        range("sanctions.lost_contact_revocation_after_months", s.lost_contact_revocation_after_months, 12, &mut p);
        for class in SupervisionClass::ALL {
            let policy = self.classes.get(class);
            let prefix = format!("classes.{}", class_key(class));
            let duties = [
                ("phone_reports", &policy.phone_reports),
                ("in_person_reports", &policy.in_person_reports),
                ("written_reports", &policy.written_reports),
                ("visits", &policy.visits),
                ("talks", &policy.talks),
                ("it_checks", &policy.it_checks),
            ];
            for (name, duty) in duties {
                let Some(duty) = duty else { continue };
                let field = format!("{prefix}.{name}");
                if duty.times == 0 {
                    p.push(PackProblem::ZeroTimes { field: field.clone() });
                } else if duty.times > duty.per.max_days() {
                    p.push(PackProblem::TimesExceedPeriod {
                        field: field.clone(),
                        times: duty.times,
                        max: duty.per.max_days(),
                    });
                }
                nonempty(&format!("{field}.basis"), &duty.basis, &mut p);
            }
            for (name, hours) in [
                ("study_hours_per_month", &policy.study_hours_per_month),
                ("service_hours_per_month", &policy.service_hours_per_month),
            ] {
                let Some(h) = hours else { continue };
                let field = format!("{prefix}.{name}");
                if h.hours == 0 || h.hours > MAX_MONTHLY_HOURS {
                    p.push(PackProblem::HoursOutOfRange {
                        field: field.clone(),
                        hours: h.hours,
                        max: MAX_MONTHLY_HOURS,
                    });
                }
                nonempty(&format!("{field}.basis"), &h.basis, &mut p);
            }
        }
        p
    }

    /// `Ok` when [`RulePack::problems`] is empty.
    pub fn validate(&self) -> Result<(), RulePackError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(RulePackError::Invalid { pack_id: self.id.clone(), problems })
        }
    }

    /// Within its own declared dates (ignores supersession; see [`RuleBook::pack_for`]).
    pub fn declared_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date < to)
    }

    fn scope_label(&self) -> String {
        self.region.clone().unwrap_or_else(|| "全国".to_owned())
    }
}

/// TOML key of a class (`strict` / `ordinary` / `lenient`).
pub fn class_key(class: SupervisionClass) -> &'static str {
    match class {
        SupervisionClass::Strict => "strict",
        SupervisionClass::Ordinary => "ordinary",
        SupervisionClass::Lenient => "lenient",
    }
}

// ---------------------------------------------------------------------------------------------
// Rule book
// ---------------------------------------------------------------------------------------------

/// Preset files shipped with the app (`/rules/*.toml`), embedded at build time.
pub const BUILTIN_PRESETS: [(&str, &str); 3] = [
    ("national-2020.toml", include_str!("../../../rules/national-2020.toml")),
    ("province-a-2021.toml", include_str!("../../../rules/province-a-2021.toml")),
    ("fujian-2020.toml", include_str!("../../../rules/fujian-2020.toml")),
];

/// All packs an office may use, and the preset family it chose.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RuleBook {
    pub packs: Vec<RulePack>,
    /// The provincial family chosen by the office; `None` = national baseline only.
    pub region: Option<String>,
}

impl RuleBook {
    /// An empty book (national scope).
    pub fn new() -> Self {
        Self::default()
    }

    /// The embedded presets, national scope selected. Panics only if a shipped preset is
    /// invalid, which the tests rule out.
    pub fn builtin() -> Self {
        Self::from_sources(BUILTIN_PRESETS).expect("shipped rule presets are valid")
    }

    /// Parse, validate and add packs given as `(file name, TOML text)`.
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, RulePackError> {
        let mut book = Self::new();
        for (file, text) in sources {
            let in_file = |e| RulePackError::InFile { file: file.to_owned(), source: Box::new(e) };
            let pack = RulePack::from_toml(text).map_err(in_file)?;
            book.add(pack).map_err(in_file)?;
        }
        Ok(book)
    }

    /// Load every `*.toml` file of a directory (sorted by name). The one function of this crate
    /// that touches the file system; everything else is pure.
    pub fn load_dir(dir: &Path) -> Result<Self, RulePackError> {
        let io = |e| RulePackError::Io { path: dir.display().to_string(), source: e };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
        files.sort();
        let mut texts = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| RulePackError::Io { path: path.display().to_string(), source: e })?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            texts.push((name, text));
        }
        Self::from_sources(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
    }

    /// Add a pack: it must be valid, its id new, and it must not overlap a pack of the same
    /// scope (see the module documentation).
    pub fn add(&mut self, pack: RulePack) -> Result<(), RulePackError> {
        pack.validate()?;
        if self.packs.iter().any(|p| p.id == pack.id) {
            return Err(RulePackError::DuplicateId { id: pack.id });
        }
        let mut same_scope: Vec<&RulePack> =
            self.packs.iter().filter(|p| p.region == pack.region).chain([&pack]).collect();
        same_scope.sort_by_key(|p| p.effective_from);
        for pair in same_scope.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let overlaps =
                a.effective_from == b.effective_from || a.effective_to.is_some_and(|to| to > b.effective_from);
            if overlaps {
                return Err(RulePackError::Overlap {
                    scope: pack.scope_label(),
                    earlier: a.id.clone(),
                    later: b.id.clone(),
                    later_from: b.effective_from,
                });
            }
        }
        self.packs.push(pack);
        Ok(())
    }

    /// Choose the office's preset family (`None` = national baseline only).
    pub fn with_region(mut self, region: Option<&str>) -> Result<Self, RulePackError> {
        if let Some(r) = region {
            if !self.packs.iter().any(|p| p.region.as_deref() == Some(r)) {
                return Err(RulePackError::UnknownRegion { region: r.to_owned() });
            }
        }
        self.region = region.map(str::to_owned);
        Ok(self)
    }

    /// The builtin presets with one provincial family chosen.
    pub fn builtin_for_region(region: &str) -> Result<Self, RulePackError> {
        Self::builtin().with_region(Some(region))
    }

    /// Preset families present in the book (for the office's settings screen).
    pub fn regions(&self) -> Vec<&str> {
        let mut r: Vec<&str> = self.packs.iter().filter_map(|p| p.region.as_deref()).collect();
        r.sort_unstable();
        r.dedup();
        r
    }

    pub fn pack_by_id(&self, id: &str) -> Option<&RulePack> {
        self.packs.iter().find(|p| p.id == id)
    }

    /// The pack in force on `date`: the latest-starting declared pack of the chosen region,
    /// else the latest-starting declared national pack.
    pub fn pack_for(&self, date: NaiveDate) -> Option<&RulePack> {
        let latest = |scope: Option<&str>| {
            self.packs
                .iter()
                .filter(|p| p.region.as_deref() == scope && p.declared_on(date))
                .max_by_key(|p| p.effective_from)
        };
        self.region.as_deref().and_then(|r| latest(Some(r))).or_else(|| latest(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn national() -> RulePack {
        RulePack::from_toml(BUILTIN_PRESETS[0].1).unwrap()
    }

    #[test]
    fn builtin_presets_parse_and_validate() {
        let book = RuleBook::builtin();
        assert_eq!(book.packs.len(), BUILTIN_PRESETS.len());
        for p in &book.packs {
            assert!(p.problems().is_empty(), "{}: {:?}", p.id, p.problems());
        }
        assert_eq!(book.regions(), vec!["fujian", "province-a"]);
    }

    #[test]
    fn presets_on_disk_match_embedded_presets() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        let from_disk = RuleBook::load_dir(&dir).unwrap();
        let mut a: Vec<_> = from_disk.packs.iter().map(|p| p.id.clone()).collect();
        let mut b: Vec<_> = RuleBook::builtin().packs.iter().map(|p| p.id.clone()).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    /// Rule: 社区矫正法第二十一条 — report within 10 days; 实施办法第二十四条 — monthly health
    /// report and 3-monthly re-examination; 实施办法第三十五条、第四十六条 — two 训诫 / two 警告.
    #[test]
    fn national_baseline_carries_statutory_numbers() {
        let p = national();
        assert_eq!(p.effective_from, d(2020, 7, 1));
        assert_eq!(p.intake.report_days, 10);
        assert_eq!(p.medical.health_report_months, 1);
        assert_eq!(p.medical.reexam_months, 3);
        assert_eq!(p.sanctions.admonitions_before_warning, 2);
        assert_eq!(p.sanctions.warnings_before_revocation, 2);
        assert_eq!(p.sanctions.lost_contact_admonition_max_days, 10);
        assert_eq!(p.sanctions.lost_contact_revocation_after_months, 1);
        assert_eq!((p.leave.office_max_days, p.leave.county_max_days), (7, 30));
        // No national hour minimum since 2020: the 8 h default must say where it comes from.
        let study = p.classes.ordinary.study_hours_per_month.as_ref().unwrap();
        assert_eq!(study.hours, 8);
        assert!(study.basis.contains("2012"), "{}", study.basis);
    }

    /// Rule: 某省分类管理办法（严管）— in person 1/week, written 1/week, talk 1/week, 12 h + 12 h.
    #[test]
    fn province_a_strict_numbers() {
        let book = RuleBook::builtin_for_region("province-a").unwrap();
        let p = book.pack_for(d(2022, 1, 1)).unwrap();
        assert_eq!(p.id, "province-a-2021");
        let s = &p.classes.strict;
        assert_eq!(s.in_person_reports.as_ref().map(|x| (x.times, x.per)), Some((1, Period::Week)));
        assert_eq!(s.written_reports.as_ref().map(|x| (x.times, x.per)), Some((1, Period::Week)));
        assert_eq!(s.talks.as_ref().map(|x| (x.times, x.per)), Some((1, Period::Week)));
        assert_eq!(s.study_hours_per_month.as_ref().map(|h| h.hours), Some(12));
        assert_eq!(s.service_hours_per_month.as_ref().map(|h| h.hours), Some(12));
        assert!(s.in_person_reports.as_ref().unwrap().basis.contains("[PROV]"));
        assert!(p.classes.ordinary.in_person_reports.as_ref().unwrap().basis.contains("[PROPOSAL]"));
    }

    /// Rule: 福建 (闽侯 2016) — lead 3/7 working days, 60 days a year.
    #[test]
    fn fujian_leave_numbers() {
        let book = RuleBook::builtin_for_region("fujian").unwrap();
        let l = &book.pack_for(d(2024, 5, 1)).unwrap().leave;
        assert_eq!((l.lead_days_short, l.lead_days_long, l.lead_in_working_days), (3, 7, true));
        assert_eq!(l.annual_cap_days, Some(60));
        let national = RuleBook::builtin().pack_for(d(2024, 5, 1)).unwrap().leave.clone();
        assert_eq!(national.annual_cap_days, None);
        assert!(!national.lead_in_working_days);
    }

    #[test]
    fn pack_for_selects_by_date_and_region() {
        let book = RuleBook::builtin_for_region("province-a").unwrap();
        assert!(book.pack_for(d(2020, 6, 30)).is_none(), "nothing before the 2020 rules");
        assert_eq!(book.pack_for(d(2020, 7, 1)).unwrap().id, "national-2020");
        assert_eq!(book.pack_for(d(2020, 12, 31)).unwrap().id, "national-2020");
        assert_eq!(book.pack_for(d(2021, 1, 1)).unwrap().id, "province-a-2021");
        // National scope ignores provincial packs.
        assert_eq!(RuleBook::builtin().pack_for(d(2023, 1, 1)).unwrap().id, "national-2020");
    }

    #[test]
    fn later_version_supersedes_open_ended_pack() {
        let mut book = RuleBook::builtin();
        let mut v2 = national();
        v2.id = "national-2025".into();
        v2.version = 2;
        v2.effective_from = d(2025, 3, 1);
        v2.intake.first_visit_days = 7;
        book.add(v2).unwrap();
        assert_eq!(book.pack_for(d(2025, 2, 28)).unwrap().id, "national-2020");
        assert_eq!(book.pack_for(d(2025, 3, 1)).unwrap().id, "national-2025");
        assert_eq!(book.pack_for(d(2025, 3, 1)).unwrap().intake.first_visit_days, 7);
    }

    #[test]
    fn explicit_overlap_in_same_scope_is_refused() {
        let mut book = RuleBook::new();
        let mut a = national();
        a.effective_to = Some(d(2023, 1, 1));
        book.add(a).unwrap();
        let mut b = national();
        b.id = "national-2022".into();
        b.effective_from = d(2022, 6, 1);
        let err = book.add(b).unwrap_err();
        assert!(
            matches!(&err, RulePackError::Overlap { earlier, later, .. } if earlier == "national-2020" && later == "national-2022"),
            "{err}"
        );
        // Same start date is ambiguous, even when open-ended.
        let mut c = national();
        c.id = "national-bis".into();
        let err = book.add(c).unwrap_err();
        assert!(matches!(err, RulePackError::Overlap { .. }));
        // A different scope may overlap freely.
        let mut e = national();
        e.id = "x-2020".into();
        e.region = Some("x".into());
        book.add(e).unwrap();
    }

    #[test]
    fn pack_ending_leaves_a_gap_that_national_fills() {
        let mut book = RuleBook::builtin();
        let mut p = national();
        p.id = "temp".into();
        p.region = Some("temp".into());
        p.effective_from = d(2021, 1, 1);
        p.effective_to = Some(d(2022, 1, 1));
        book.add(p).unwrap();
        let book = book.with_region(Some("temp")).unwrap();
        assert_eq!(book.pack_for(d(2021, 12, 31)).unwrap().id, "temp");
        assert_eq!(book.pack_for(d(2022, 1, 1)).unwrap().id, "national-2020");
    }

    #[test]
    fn duplicate_id_and_unknown_region_are_refused() {
        let mut book = RuleBook::builtin();
        assert!(matches!(book.add(national()), Err(RulePackError::DuplicateId { .. })));
        assert!(matches!(RuleBook::builtin_for_region("mars"), Err(RulePackError::UnknownRegion { .. })));
    }

    #[test]
    fn validate_reports_each_problem() {
        let mut p = national();
        p.effective_to = Some(p.effective_from);
        p.leave.office_max_days = 31;
        p.classes.strict.visits.as_mut().unwrap().times = 0;
        p.classes.ordinary.in_person_reports.as_mut().unwrap().times = 8;
        p.classes.ordinary.in_person_reports.as_mut().unwrap().per = Period::Week;
        p.classes.lenient.study_hours_per_month.as_mut().unwrap().hours = 0;
        p.classes.lenient.talks.as_mut().unwrap().basis = " ".into();
        p.medical.reexam_months = 0;
        p.release.appraisal_days_before_end = 40;
        let problems = p.problems();
        let expect = [
            PackProblem::EffectiveToNotAfterFrom { from: d(2020, 7, 1), to: d(2020, 7, 1) },
            PackProblem::OfficeLeaveAboveCounty { office: 31, county: 30 },
            PackProblem::ZeroTimes { field: "classes.strict.visits".into() },
            PackProblem::TimesExceedPeriod { field: "classes.ordinary.in_person_reports".into(), times: 8, max: 7 },
            PackProblem::HoursOutOfRange {
                field: "classes.lenient.study_hours_per_month".into(),
                hours: 0,
                max: MAX_MONTHLY_HOURS,
            },
            PackProblem::EmptyField { field: "classes.lenient.talks.basis".into() },
            PackProblem::ZeroParameter { field: "medical.reexam_months".into() },
            PackProblem::AppraisalNotBeforePrep { appraisal: 40, prep: 30 },
        ];
        for e in &expect {
            assert!(problems.contains(e), "missing {e:?} in {problems:?}");
        }
        assert_eq!(problems.len(), expect.len(), "{problems:?}");
        assert!(matches!(p.validate(), Err(RulePackError::Invalid { .. })));
    }

    #[test]
    fn from_toml_rejects_bad_syntax_and_missing_fields() {
        assert!(matches!(RulePack::from_toml("id = "), Err(RulePackError::Toml(_))));
        assert!(matches!(RulePack::from_toml("id = \"x\""), Err(RulePackError::Toml(_))));
        let bad = BUILTIN_PRESETS[0].1.replace("report_days = 10", "report_days = 0");
        let err = RulePack::from_toml(&bad).unwrap_err();
        assert!(err.to_string().contains("intake.report_days"), "{err}");
        // Errors from a file name the file.
        let err = RuleBook::from_sources([("bad.toml", bad.as_str())]).unwrap_err();
        assert!(err.to_string().starts_with("文件 bad.toml"), "{err}");
    }

    #[test]
    fn toml_round_trip() {
        let p = national();
        assert_eq!(RulePack::from_toml(&p.to_toml()).unwrap(), p);
    }

    #[test]
    fn period_windows_are_calendar_aligned() {
        // 2024-05-15 is a Wednesday.
        assert_eq!(
            Period::Week.window_containing(d(2024, 5, 15)),
            crate::DateRange::new(d(2024, 5, 13), d(2024, 5, 19))
        );
        assert_eq!(
            Period::Month.window_containing(d(2024, 2, 10)),
            crate::DateRange::new(d(2024, 2, 1), d(2024, 2, 29))
        );
        assert_eq!(
            Period::TwoMonths.window_containing(d(2024, 4, 30)),
            crate::DateRange::new(d(2024, 3, 1), d(2024, 4, 30))
        );
        assert_eq!(
            Period::Quarter.window_containing(d(2024, 12, 1)),
            crate::DateRange::new(d(2024, 10, 1), d(2024, 12, 31))
        );
    }

    #[test]
    fn more_demanding_compares_rates() {
        let duty = |times, per| Duty { times, per, basis: "x".into() };
        assert!(duty(1, Period::Month).more_demanding_than(&duty(1, Period::TwoMonths)));
        assert!(duty(1, Period::Week).more_demanding_than(&duty(2, Period::Month)));
        assert!(!duty(1, Period::Quarter).more_demanding_than(&duty(1, Period::TwoMonths)));
        assert!(!duty(1, Period::Month).more_demanding_than(&duty(1, Period::Month)));
    }
}
