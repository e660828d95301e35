//! 外出 — leave outside the 市/县 of residence (社区矫正法 Art 27; 实施办法 Arts 26–28; domain.md
//! §8): whether a destination counts as leaving, how many days a request has, who approves it,
//! what to warn about, and the request's lifecycle as a state machine over recorded events.
//!
//! Everything is a pure function of its arguments; "today" is always passed in.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::{add_months, HolidayCalendar};
use crate::ids::LeaveId;
use crate::rule_pack::LeaveRules;
use crate::{DateRange, ReportMethod, SubjectStatus};

// ---------------------------------------------------------------------------------------------
// Request data
// ---------------------------------------------------------------------------------------------

/// 外出事由 — the legitimate reasons (正当理由) of 实施办法 Art 26.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReasonKind {
    /// 就医
    Medical,
    /// 就学
    Study,
    /// 参与诉讼
    Litigation,
    /// 处理家庭重大事务
    Family,
    /// 处理工作重大事务
    Work,
    /// 其他正当理由
    Other,
}

/// 外出目的地.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// GB/T 2260 division code: 6 digits (county level) or a longer township code, of which
    /// only the first 6 digits matter.
    pub division_code: String,
    /// Address and host, as printed on the form.
    pub detail: String,
    /// The trip goes abroad (no division code applies).
    pub abroad: bool,
}

/// A leave request as entered, before any decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveRequestDraft {
    /// First day away.
    pub start: NaiveDate,
    /// Last day away (the subject must be back by the end of it, 实施办法 Art 28).
    pub end: NaiveDate,
    /// Day the written application was handed in (实施办法 Art 27).
    pub applied_on: NaiveDate,
    pub destination: Destination,
    pub reason_kind: LeaveReasonKind,
    /// 外出事由 in words; required for every kind.
    pub reason_text: String,
    /// Urgent (e.g. emergency treatment, a death in the family): a short lead time becomes a
    /// note instead of a warning (domain.md §8.3).
    pub urgent: bool,
}

/// Where another leave of the same subject stands, as far as this request is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherLeaveStatus {
    /// Submitted, under review: blocks overlap, does not count toward totals yet.
    Pending,
    /// Approved (certificate issued or not), not yet departed: blocks overlap and counts.
    Approved,
    /// The subject is away on it: blocks overlap and counts.
    OnLeave,
    /// Returned (on time or late) or recalled and back: counts, no longer blocks.
    Completed,
    /// Rejected or cancelled: ignored.
    Void,
}

impl OtherLeaveStatus {
    /// 实施办法 §8.3 (domain.md): no two active leaves may overlap.
    fn blocks_overlap(self) -> bool {
        matches!(self, Self::Pending | Self::Approved | Self::OnLeave)
    }
    /// Time actually granted: counts toward the 2-month and annual totals (实施办法 Art 27).
    fn counts_toward_totals(self) -> bool {
        matches!(self, Self::Approved | Self::OnLeave | Self::Completed)
    }
}

/// Another leave of the same subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherLeave {
    pub id: LeaveId,
    /// Period as approved, approved extensions included (requested, for a pending one).
    pub range: DateRange,
    pub status: OtherLeaveStatus,
    /// Days as approved under the pack's counting rule (requested days for a pending one).
    pub days: u32,
}

/// What is known about the subject when a request is assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveContext {
    /// 矫正期限.
    pub term: DateRange,
    pub status: SubjectStatus,
    /// GB/T 2260 code of the place of execution (居住地); first 6 digits used.
    pub residence_code: String,
    /// The subject's other leaves (not including this one).
    pub other_leaves: Vec<OtherLeave>,
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Which date of a request a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveDateField {
    Start,
    End,
}

/// Which division code a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DivisionField {
    /// The subject's place of execution (居住地).
    Residence,
    /// The leave's destination.
    Destination,
}

/// A destination outside the mainland (出境入境管理法 Art 12(2); domain.md §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideMainland {
    /// 国（境）外
    Abroad,
    /// 香港 (GB/T 2260 81)
    HongKong,
    /// 澳门 (82)
    Macao,
    /// 台湾 (71)
    Taiwan,
}

/// Why a leave request or a lifecycle step was refused. Each variant carries what the UI needs
/// to explain the refusal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LeaveError {
    // --- the request itself (assess_leave) ---
    /// The end date is before the start date.
    #[error("leave ends {end} before it starts {start}")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    /// `field` lies outside the correction term: leave exists only during the term.
    #[error("leave {field:?} date {date} is outside the correction term {term:?}")]
    OutsideTerm { field: LeaveDateField, date: NaiveDate, term: DateRange },
    /// The leave would start before the day it was applied for (no approval after the fact,
    /// 社区矫正法 Art 27: approval comes before leaving).
    #[error("leave starts {start}, before it was applied for on {applied_on}")]
    Retroactive { start: NaiveDate, applied_on: NaiveDate },
    /// The period overlaps another pending, approved or ongoing leave.
    #[error("leave overlaps leave {other} ({other_range:?}, {other_status:?})")]
    OverlapsOtherLeave { other: LeaveId, other_range: DateRange, other_status: OtherLeaveStatus },
    /// The subject is detained (社区矫正法 Art 32): no leave.
    #[error("subject is detained; no leave can be granted")]
    SubjectDetained,
    /// The subject is out of contact (失联/脱管): no leave.
    #[error("subject has lost contact; no leave can be granted")]
    SubjectLostContact,
    /// The subject is not (or no longer) under this office's supervision.
    #[error("subject is not under supervision ({status:?})")]
    SubjectNotUnderSupervision { status: SubjectStatus },
    /// Subjects may not leave the country; Hong Kong, Macao and Taiwan count as leaving
    /// (出境入境管理法 Art 12(2)).
    #[error("destination is outside the mainland ({region:?}); subjects may not leave the country")]
    DestinationOutsideMainland { region: OutsideMainland },
    /// The destination is inside the subject's own 市/县 (实施办法 Art 26): not a leave, no
    /// approval is needed.
    #[error(
        "destination {destination_code} is inside the residence's city/county ({residence_code}); this is not a leave"
    )]
    DestinationWithinResidenceCity { residence_code: String, destination_code: String },
    /// `code` is not a GB/T 2260 code (6+ digits, known province).
    #[error("{field:?} division code {code:?} is not a valid GB/T 2260 code")]
    InvalidDivisionCode { field: DivisionField, code: String },
    /// `code` names a province or prefecture, too coarse to tell whether the trip leaves the
    /// 市/县; a county-level (or township) code is needed.
    #[error("{field:?} division code {code} is not precise enough; a county-level code is needed")]
    DivisionCodeTooCoarse { field: DivisionField, code: String },
    /// No destination address in words: the application and the 外出证明 name where the
    /// subject goes (the destination's office may be asked to help supervise, 实施办法 Art 28).
    #[error("leave destination has no address")]
    DestinationMissing,
    /// No reason given in words (实施办法 Art 27: written application stating the reason).
    #[error("leave reason ({kind:?}) has no explanation")]
    ReasonMissing { kind: LeaveReasonKind },

    // --- the lifecycle (apply) ---
    /// The request is closed (rejected, returned, cancelled); nothing more can happen to it.
    #[error("leave is closed ({state:?})")]
    LeaveClosed { state: LeaveState },
    /// `event` does not apply to a request in `state`.
    #[error("{event:?} is not possible in state {state:?}")]
    InvalidTransition { state: LeaveState, event: LeaveEventKind },
    /// The event belongs to another level (e.g. the county recording an office decision).
    #[error("{event:?} must be recorded by {expected:?}, not {actor:?}")]
    WrongActor { event: LeaveEventKind, expected: Authority, actor: Actor },
    /// The county has not delegated leave approval to this office (实施办法 Art 27).
    #[error("the office has no delegation to approve leave")]
    OfficeNotDelegated,
    /// The office may decide only leave of at most `office_max_days` within the cumulative
    /// limit (实施办法 Art 27); this one needs `required`.
    #[error("office may not decide: {days} days ({cumulative_days} in the window) need {required:?}")]
    OfficeLacksAuthority { required: Authority, days: u32, cumulative_days: u32 },
    /// The county may approve at most `county_max_days` per decision and only within the
    /// cumulative limit; above either, the level above decides (实施办法 Art 27).
    #[error("county must escalate: {days} days (max {county_max_days}), {cumulative_days} in the window (limit {cumulative_limit_days})")]
    CountyMustEscalate { days: u32, cumulative_days: u32, county_max_days: u32, cumulative_limit_days: u32 },
    /// Escalation is only for leave the county may not approve; this one needs `required`.
    #[error("escalation not required: the leave needs {required:?}")]
    EscalationNotRequired { required: Authority },
    /// A rejection must give the reason, which the subject is told (福建 rule: 及时告知并说明理由).
    #[error("rejection by {by:?} has no reason")]
    RejectionWithoutReason { by: Authority },
    /// An office decision on a leave submitted for a level above (while the office was not
    /// entrusted, or for more than 7 days): that level decides it (实施办法 Art 27).
    #[error("the leave was submitted for {decided_by:?} to decide")]
    SubmittedAbove { decided_by: Authority },
    /// An opinion for the county on a leave the office itself decides under delegation
    /// (实施办法 Art 27).
    #[error("the office decides this leave itself")]
    OfficeDecidesItself,
    /// The office's opinion (司法所意见) for the county is empty.
    #[error("office opinion is empty")]
    OpinionEmpty,
    /// The request has not been approved yet (no certificate, no departure).
    #[error("leave not approved yet ({state:?})")]
    NotApproved { state: LeaveState },
    /// Approved, but the 外出证明 has not been issued: the subject may not leave without it.
    #[error("leave certificate not issued yet")]
    CertificateNotIssued,
    /// Departure date outside the approved period.
    #[error("departure on {date} is outside the approved period {period:?}")]
    DepartureOutsidePeriod { date: NaiveDate, period: DateRange },
    /// Return, extension or recall recorded for a subject who has not departed.
    #[error("subject has not departed ({state:?})")]
    NotDeparted { state: LeaveState },
    /// Return dated before the departure.
    #[error("return on {returned_on} is before departure on {departed_on}")]
    ReturnBeforeDeparture { departed_on: NaiveDate, returned_on: NaiveDate },
    /// Recall dated before the departure.
    #[error("recall on {recalled_on} is before departure on {departed_on}")]
    RecallBeforeDeparture { departed_on: NaiveDate, recalled_on: NaiveDate },
    /// Cancelling is only possible before departure; afterwards the subject returns (销假) or is
    /// recalled.
    #[error("leave cannot be cancelled after departure ({state:?})")]
    CancelAfterDeparture { state: LeaveState },
    /// An extension must end after the current end.
    #[error("extension to {new_end} does not end after the current end {current_end}")]
    ExtensionNotLater { current_end: NaiveDate, new_end: NaiveDate },
    /// An extension may not run past the correction term.
    #[error("extension to {new_end} runs past the end of the correction term {term_end}")]
    ExtensionBeyondTerm { new_end: NaiveDate, term_end: NaiveDate },
    /// The decision names a level (`by`) other than the one recording it.
    #[error("decision by {by:?} recorded by {actor:?}")]
    DeciderMismatch { by: Authority, actor: Actor },
}

// ---------------------------------------------------------------------------------------------
// Destination and the meaning of 市 (实施办法 Art 26)
// ---------------------------------------------------------------------------------------------

/// GB/T 2260 province-level prefixes (incl. 71 Taiwan, 81 Hong Kong, 82 Macao).
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44",
    "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
];

/// 直辖市: Beijing, Tianjin, Shanghai, Chongqing.
const MUNICIPALITIES: [&str; 4] = ["11", "12", "31", "50"];

/// Prefecture-level cities without districts (不设区的地级市): the whole city is one county-level
/// unit coded `xxxx00` (东莞, 中山, 儋州, 嘉峪关).
const CITIES_WITHOUT_DISTRICTS: [&str; 4] = ["441900", "442000", "460400", "620200"];

/// The 市 or 县 a residence lies in, as 实施办法 Art 26 defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResidenceCity {
    /// The districts of a municipality (直辖市的城市市区): codes `pp01xx`.
    MunicipalDistricts { province: String },
    /// The urban districts of a 设区的市 (城市市区): codes `ppcc01`–`ppcc20`.
    CityDistricts { city: String },
    /// One county, county-level city, province-administered unit or city without districts:
    /// only that code is inside.
    CountyLevel { code: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodeLevel {
    Province,
    Prefecture,
    County,
}

/// The first 6 digits of a GB/T 2260 code, checked.
fn county_digits(code: &str, field: DivisionField) -> Result<&str, LeaveError> {
    let code = code.trim();
    let invalid = || LeaveError::InvalidDivisionCode { field, code: code.to_owned() };
    if code.len() < 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let d6 = &code[..6];
    if !PROVINCES.contains(&&d6[..2]) {
        return Err(invalid());
    }
    Ok(d6)
}

fn code_level(d6: &str) -> CodeLevel {
    if &d6[2..] == "0000" {
        CodeLevel::Province
    } else if &d6[4..] == "00" && !CITIES_WITHOUT_DISTRICTS.contains(&d6) {
        CodeLevel::Prefecture
    } else {
        CodeLevel::County
    }
}

/// Digits 5–6 of a code in a 设区的市 that mark a 市辖区 (GB/T 2260: 01–20 districts, 21–80
/// counties, 81–99 county-level cities).
fn is_city_district(d6: &str) -> bool {
    matches!(d6[4..].parse::<u8>(), Ok(1..=20))
}

/// The 市/县 of a residence (实施办法 Art 26: 市 = the districts of a municipality, the urban
/// districts of a 设区的市, or a county-level city as a whole).
pub fn residence_city(code: &str) -> Result<ResidenceCity, LeaveError> {
    let field = DivisionField::Residence;
    let d6 = county_digits(code, field)?;
    let coarse = || LeaveError::DivisionCodeTooCoarse { field, code: code.trim().to_owned() };
    if matches!(&d6[..2], "71" | "81" | "82") {
        // Community correction is executed only on the mainland (社区矫正法 Art 17).
        return Err(LeaveError::InvalidDivisionCode { field, code: code.trim().to_owned() });
    }
    if MUNICIPALITIES.contains(&&d6[..2]) && &d6[2..4] == "01" {
        return Ok(ResidenceCity::MunicipalDistricts { province: d6[..2].to_owned() });
    }
    match code_level(d6) {
        CodeLevel::Province | CodeLevel::Prefecture => Err(coarse()),
        // `xx90xx`: county-level units administered by the province (e.g. 湖北 仙桃 429004).
        CodeLevel::County if &d6[2..4] == "90" => Ok(ResidenceCity::CountyLevel { code: d6.to_owned() }),
        // Municipal counties (e.g. Chongqing 5002xx) are counties even though digits 5–6 ≤ 20.
        CodeLevel::County if is_city_district(d6) && !MUNICIPALITIES.contains(&&d6[..2]) => {
            Ok(ResidenceCity::CityDistricts { city: d6[..4].to_owned() })
        }
        CodeLevel::County => Ok(ResidenceCity::CountyLevel { code: d6.to_owned() }),
    }
}

/// Whether a destination lies inside the residence's 市/县 (实施办法 Art 26). A province- or
/// prefecture-level destination code that might or might not contain the residence is refused
/// as too coarse; one that clearly lies elsewhere is accepted as outside.
pub fn destination_within(city: &ResidenceCity, destination_code: &str) -> Result<bool, LeaveError> {
    let field = DivisionField::Destination;
    let d6 = county_digits(destination_code, field)?;
    let coarse = || LeaveError::DivisionCodeTooCoarse { field, code: destination_code.trim().to_owned() };
    let level = code_level(d6);
    let (province, prefix4) = match city {
        ResidenceCity::MunicipalDistricts { province } => (province.as_str(), None),
        ResidenceCity::CityDistricts { city } => (&city[..2], Some(city.as_str())),
        ResidenceCity::CountyLevel { code } => (&code[..2], Some(&code[..4])),
    };
    if &d6[..2] != province {
        return Ok(false);
    }
    match city {
        ResidenceCity::MunicipalDistricts { .. } => {
            if &d6[2..4] == "01" {
                Ok(true)
            } else if level == CodeLevel::Province {
                Err(coarse())
            } else {
                Ok(false)
            }
        }
        ResidenceCity::CityDistricts { .. } | ResidenceCity::CountyLevel { .. } => {
            if level == CodeLevel::Province {
                return Err(coarse());
            }
            if Some(&d6[..4]) != prefix4 {
                return Ok(false);
            }
            if level == CodeLevel::Prefecture {
                return Err(coarse());
            }
            Ok(match city {
                ResidenceCity::CountyLevel { code } => d6 == code,
                _ => is_city_district(d6),
            })
        }
    }
}

/// A destination outside the mainland: the abroad flag, or a Taiwan / Hong Kong / Macao code.
pub fn outside_mainland(destination: &Destination) -> Result<Option<OutsideMainland>, LeaveError> {
    if destination.abroad {
        return Ok(Some(OutsideMainland::Abroad));
    }
    let d6 = county_digits(&destination.division_code, DivisionField::Destination)?;
    Ok(match &d6[..2] {
        "71" => Some(OutsideMainland::Taiwan),
        "81" => Some(OutsideMainland::HongKong),
        "82" => Some(OutsideMainland::Macao),
        _ => None,
    })
}

/// Refuses destinations abroad and destinations that are not a leave at all.
pub fn check_destination(destination: &Destination, residence_code: &str) -> Result<(), LeaveError> {
    // 出境入境管理法 Art 12(2): no leaving the country while the sentence is being executed;
    // HK, Macao and Taiwan count as leaving (domain.md §3.1).
    if let Some(region) = outside_mainland(destination)? {
        return Err(LeaveError::DestinationOutsideMainland { region });
    }
    // 实施办法 Art 26: moving within the 市/县 needs no approval.
    let city = residence_city(residence_code)?;
    if destination_within(&city, &destination.division_code)? {
        return Err(LeaveError::DestinationWithinResidenceCity {
            residence_code: residence_code.trim().to_owned(),
            destination_code: destination.division_code.trim().to_owned(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Days, totals and authority (实施办法 Art 27)
// ---------------------------------------------------------------------------------------------

/// Who decides a leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// 司法所, under the county's delegation (委托).
    Office,
    /// 县级社区矫正机构.
    County,
    /// 上一级（地市级）社区矫正机构; the county reviews first and informs the procuratorate.
    Higher,
}

/// Days of a period: `end − start + 1` when both ends count (自…至…共N天, the default), else
/// `end − start` (domain.md §8.3). An inverted range has 0 days.
pub fn leave_days(range: DateRange, rules: &LeaveRules) -> u32 {
    let diff = (range.end - range.start).num_days();
    let days = if rules.count_both_ends { diff + 1 } else { diff };
    u32::try_from(days.max(0)).unwrap_or(u32::MAX)
}

/// Days of `range` (with `days` counted days) that fall in `window`, never more than `days`, so
/// packs that subtract the dates are not over-counted.
fn days_within(range: DateRange, days: u32, window: DateRange) -> u32 {
    let start = range.start.max(window.start);
    let end = range.end.min(window.end);
    if end < start {
        return 0;
    }
    u32::try_from((end - start).num_days() + 1).unwrap_or(u32::MAX).min(days)
}

fn window_ending(end: NaiveDate, rules: &LeaveRules) -> DateRange {
    let months = i32::try_from(rules.cumulative_window_months).unwrap_or(i32::MAX);
    DateRange::new(add_months(end, -months), end)
}

/// The cumulative total that decides between county and level above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CumulativeUse {
    /// The window with the highest total (the one ending on the leave's last day on a tie).
    pub window: DateRange,
    /// Days away in that window: granted leave plus this one.
    pub days: u32,
    /// `cumulative_limit_days` of the pack.
    pub limit: u32,
}

/// Leave days within `cumulative_window_months` (实施办法 Art 27: "两个月内外出时间累计超过三十日").
///
/// The base window is `[end − N months, end]` (both ends included, the cautious reading). A
/// leave granted later, or a month-end jump of the window, can put more days into another
/// N-month window that overlaps this leave; the law speaks of any two months, so every such
/// window is checked and the highest total is used. That also keeps authority monotone in the
/// length of the leave. Counted: approved, ongoing and completed leave; this leave's days count
/// as far as they fall in the window (all of them whenever it fits).
pub fn cumulative_use(period: DateRange, days: u32, others: &[OtherLeave], rules: &LeaveRules) -> CumulativeUse {
    let total_in = |window: DateRange| {
        others
            .iter()
            .filter(|o| o.status.counts_toward_totals())
            .map(|o| days_within(o.range, o.days, window))
            .fold(days_within(period, days, window), u32::saturating_add)
    };
    let mut best_window = window_ending(period.end, rules);
    let mut best = total_in(best_window);
    let mut last_day = period.start;
    loop {
        let window = window_ending(last_day, rules);
        if window.start > period.end {
            break;
        }
        let total = total_in(window);
        if total > best {
            best = total;
            best_window = window;
        }
        match last_day.succ_opt() {
            Some(next) => last_day = next,
            None => break,
        }
    }
    CumulativeUse { window: best_window, days: best, limit: rules.cumulative_limit_days }
}

/// Who must decide a leave of `days` days with `cumulative_days` in the window (实施办法 Art 27):
/// more than `county_max_days` in one request, or more than `cumulative_limit_days` in the
/// window → the level above; else the office when delegated and `days ≤ office_max_days` ("7日
/// 以内" includes 7); else the county. Monotone: more days never need a lower authority.
pub fn required_authority(days: u32, cumulative_days: u32, rules: &LeaveRules) -> Authority {
    if days > rules.county_max_days || cumulative_days > rules.cumulative_limit_days {
        Authority::Higher
    } else if rules.office_delegated && days <= rules.office_max_days {
        Authority::Office
    } else {
        Authority::County
    }
}

/// The authority a period needs, with the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorityCheck {
    pub days: u32,
    pub cumulative: CumulativeUse,
    pub required: Authority,
}

/// [`required_authority`] for a period, totals computed from the subject's other leaves.
pub fn check_authority(period: DateRange, others: &[OtherLeave], rules: &LeaveRules) -> AuthorityCheck {
    let days = leave_days(period, rules);
    let cumulative = cumulative_use(period, days, others, rules);
    AuthorityCheck { days, cumulative, required: required_authority(days, cumulative.days, rules) }
}

/// Days used in one calendar year against a provincial cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualUse {
    /// The year with the highest total among those the leave touches.
    pub year: i32,
    /// Granted leave days in that year, this one included.
    pub days: u32,
    pub cap: u32,
}

/// Annual total under a provincial cap (福建/四川: 60 days a year, domain.md §8.1).
pub fn annual_use(period: DateRange, days: u32, others: &[OtherLeave], cap: u32) -> AnnualUse {
    let mut best = AnnualUse { year: period.start.year(), days: 0, cap };
    for year in period.start.year()..=period.end.year() {
        let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            continue;
        };
        let window = DateRange::new(first, last);
        let total = others
            .iter()
            .filter(|o| o.status.counts_toward_totals())
            .map(|o| days_within(o.range, o.days, window))
            .fold(days_within(period, days, window), u32::saturating_add);
        if total > best.days {
            best = AnnualUse { year, days: total, cap };
        }
    }
    best
}

/// The lead time asked of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadTime {
    /// Days (or working days) ahead of departure.
    pub required: u32,
    pub in_working_days: bool,
    /// Last application day that meets the lead time.
    pub latest_application_day: NaiveDate,
    pub met: bool,
}

/// 实施办法 Art 27: apply generally 3 days before leaving; 福建: 3 working days for up to 7 days,
/// 7 working days above (`lead_days_long` applies to leave longer than `office_max_days`).
/// "N working days ahead" = on or before the N-th working day before the start.
pub fn lead_time(
    start: NaiveDate,
    applied_on: NaiveDate,
    days: u32,
    rules: &LeaveRules,
    cal: &HolidayCalendar,
) -> LeadTime {
    let required = if days > rules.office_max_days { rules.lead_days_long } else { rules.lead_days_short };
    let latest_application_day = if rules.lead_in_working_days {
        cal.add_working_days(start, -i64::from(required))
    } else {
        start.checked_sub_days(Days::new(u64::from(required))).unwrap_or(NaiveDate::MIN)
    };
    LeadTime {
        required,
        in_working_days: rules.lead_in_working_days,
        latest_application_day,
        met: applied_on <= latest_application_day,
    }
}

// ---------------------------------------------------------------------------------------------
// Assessment
// ---------------------------------------------------------------------------------------------

/// How a notice should be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    /// Needs attention before deciding.
    Warning,
    /// For the record.
    Note,
}

/// Warnings and notes on an acceptable request; none of them blocks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LeaveNotice {
    /// Applied later than the lead time asks (实施办法 Art 27; 福建 variant).
    LeadTimeShort { lead: LeadTime, applied_on: NaiveDate },
    /// Applied late, but marked urgent: recorded as a note (domain.md §8.3).
    LeadTimeWaivedUrgent { lead: LeadTime, applied_on: NaiveDate },
    /// One county approval covers at most `county_max_days`; the level above decides
    /// (实施办法 Art 27).
    ExceedsCountySingleApproval { days: u32, county_max_days: u32 },
    /// More than the limit within the window: the level above decides and the county informs
    /// the procuratorate (实施办法 Art 27).
    CumulativeLimitExceeded { cumulative: CumulativeUse },
    /// Provincial annual cap exceeded (福建/四川 60 days); a warning, the province's rule.
    AnnualCapExceeded { annual: AnnualUse },
    /// A pending request in the window would raise the total if approved.
    PendingLeaveInWindow { id: LeaveId, range: DateRange, days: u32 },
}

impl LeaveNotice {
    pub fn level(&self) -> NoticeLevel {
        match self {
            Self::LeadTimeWaivedUrgent { .. } | Self::PendingLeaveInWindow { .. } => NoticeLevel::Note,
            _ => NoticeLevel::Warning,
        }
    }
}

/// What an acceptable request amounts to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaveAssessment {
    pub days: u32,
    pub authority: Authority,
    pub cumulative: CumulativeUse,
    /// Present when the pack has an annual cap.
    pub annual: Option<AnnualUse>,
    pub lead_time: LeadTime,
    pub notices: Vec<LeaveNotice>,
}

fn first_overlap(period: DateRange, others: &[OtherLeave]) -> Option<&OtherLeave> {
    others.iter().find(|o| o.status.blocks_overlap() && o.range.overlaps(&period))
}

fn overlap_error(o: &OtherLeave) -> LeaveError {
    LeaveError::OverlapsOtherLeave { other: o.id, other_range: o.range, other_status: o.status }
}

/// Checks a request and works out its days, approving authority, totals and warnings.
pub fn assess_leave(
    request: &LeaveRequestDraft,
    ctx: &LeaveContext,
    rules: &LeaveRules,
    cal: &HolidayCalendar,
) -> Result<LeaveAssessment, LeaveError> {
    match ctx.status {
        // 社区矫正法 Art 32 and domain.md §8.3: no leave while detained or out of contact.
        SubjectStatus::Detained => return Err(LeaveError::SubjectDetained),
        SubjectStatus::LostContact => return Err(LeaveError::SubjectLostContact),
        SubjectStatus::PendingIntake
        | SubjectStatus::TransferredOut
        | SubjectStatus::Released
        | SubjectStatus::Terminated => return Err(LeaveError::SubjectNotUnderSupervision { status: ctx.status }),
        SubjectStatus::InCorrection | SubjectStatus::OnLeave | SubjectStatus::TransferOutPending => {}
    }
    let (start, end) = (request.start, request.end);
    if end < start {
        return Err(LeaveError::EndBeforeStart { start, end });
    }
    // 社区矫正法 Art 27: approval before leaving, so no request for days already begun.
    if start < request.applied_on {
        return Err(LeaveError::Retroactive { start, applied_on: request.applied_on });
    }
    // Leave is a permission within the correction term (刑法 Arts 39, 75, 84).
    for (field, date) in [(LeaveDateField::Start, start), (LeaveDateField::End, end)] {
        if !ctx.term.contains(date) {
            return Err(LeaveError::OutsideTerm { field, date, term: ctx.term });
        }
    }
    check_destination(&request.destination, &ctx.residence_code)?;
    // The written application (实施办法 Art 27) names where the subject goes; the 外出证明
    // carries it to the destination's office (Art 28).
    if request.destination.detail.trim().is_empty() {
        return Err(LeaveError::DestinationMissing);
    }
    // 实施办法 Arts 26–27: a legitimate reason, stated in writing.
    if request.reason_text.trim().is_empty() {
        return Err(LeaveError::ReasonMissing { kind: request.reason_kind });
    }
    let period = DateRange::new(start, end);
    if let Some(other) = first_overlap(period, &ctx.other_leaves) {
        return Err(overlap_error(other));
    }

    let check = check_authority(period, &ctx.other_leaves, rules);
    let days = check.days;
    let annual = rules.annual_cap_days.map(|cap| annual_use(period, days, &ctx.other_leaves, cap));
    let lead = lead_time(start, request.applied_on, days, rules, cal);

    let mut notices = Vec::new();
    if !lead.met {
        let applied_on = request.applied_on;
        notices.push(if request.urgent {
            LeaveNotice::LeadTimeWaivedUrgent { lead, applied_on }
        } else {
            LeaveNotice::LeadTimeShort { lead, applied_on }
        });
    }
    if days > rules.county_max_days {
        notices.push(LeaveNotice::ExceedsCountySingleApproval { days, county_max_days: rules.county_max_days });
    }
    if check.cumulative.days > rules.cumulative_limit_days {
        notices.push(LeaveNotice::CumulativeLimitExceeded { cumulative: check.cumulative });
    }
    if let Some(annual) = annual.filter(|a| a.days > a.cap) {
        notices.push(LeaveNotice::AnnualCapExceeded { annual });
    }
    for o in ctx.other_leaves.iter().filter(|o| o.status == OtherLeaveStatus::Pending) {
        if o.range.overlaps(&check.cumulative.window) {
            notices.push(LeaveNotice::PendingLeaveInWindow { id: o.id, range: o.range, days: o.days });
        }
    }

    Ok(LeaveAssessment {
        days,
        authority: check.required,
        cumulative: check.cumulative,
        annual,
        lead_time: lead,
        notices,
    })
}

// ---------------------------------------------------------------------------------------------
// Lifecycle (domain.md §8.2)
// ---------------------------------------------------------------------------------------------

/// Who records an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum Actor {
    /// 司法所; `delegated` = the county has delegated short-leave approval to it.
    Office {
        delegated: bool,
    },
    County,
    Higher,
}

impl Actor {
    pub fn authority(self) -> Authority {
        match self {
            Self::Office { .. } => Authority::Office,
            Self::County => Authority::County,
            Self::Higher => Authority::Higher,
        }
    }
}

/// State of one leave request. Dates the lifecycle needs travel with the state, so a request's
/// state is the fold of its events with [`apply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LeaveState {
    /// Entered, not yet submitted.
    Draft,
    Submitted,
    /// The office signed its opinion; the county decides.
    AwaitingCounty,
    /// The county escalated (over 30 days or over the cumulative limit).
    AwaitingHigher,
    Approved {
        by: Authority,
    },
    Rejected {
        by: Authority,
    },
    /// 外出证明 printed and handed over.
    CertificateIssued,
    /// Away. `extended_to`: end of the last approved extension, if any.
    OnLeave {
        departed_on: NaiveDate,
        extended_to: Option<NaiveDate>,
    },
    /// Away, an extension to `new_end` requested and undecided.
    ExtensionPending {
        departed_on: NaiveDate,
        extended_to: Option<NaiveDate>,
        new_end: NaiveDate,
    },
    /// 销假 on time.
    Returned {
        on: NaiveDate,
    },
    /// 销假 after the end (and any approved extension): a violation to handle (实施办法 Art 28).
    ReturnedLate {
        on: NaiveDate,
    },
    /// Ordered back early; still away until the return is recorded.
    Recalled {
        departed_on: NaiveDate,
        extended_to: Option<NaiveDate>,
        recalled_on: NaiveDate,
    },
    /// Withdrawn before departure.
    Cancelled,
}

impl LeaveState {
    /// Nothing more can happen to the request.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Rejected { .. } | Self::Returned { .. } | Self::ReturnedLate { .. } | Self::Cancelled)
    }

    /// Still before departure (cancellable; return/extension/recall impossible).
    fn before_departure(self) -> bool {
        matches!(
            self,
            Self::Draft
                | Self::Submitted
                | Self::AwaitingCounty
                | Self::AwaitingHigher
                | Self::Approved { .. }
                | Self::CertificateIssued
        )
    }

    /// Not yet approved.
    fn before_approval(self) -> bool {
        matches!(self, Self::Draft | Self::Submitted | Self::AwaitingCounty | Self::AwaitingHigher)
    }

    /// `(departed_on, extended_to)` while the subject is away.
    fn away(self) -> Option<(NaiveDate, Option<NaiveDate>)> {
        match self {
            Self::OnLeave { departed_on, extended_to }
            | Self::ExtensionPending { departed_on, extended_to, .. }
            | Self::Recalled { departed_on, extended_to, .. } => Some((departed_on, extended_to)),
            _ => None,
        }
    }

    /// The day the subject must be back by: the approved end, or the last approved extension.
    pub fn effective_end(self, approved_end: NaiveDate) -> NaiveDate {
        self.away().and_then(|(_, extended_to)| extended_to).unwrap_or(approved_end)
    }
}

/// What happened to a request; stored append-only, folded with [`apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LeaveEvent {
    Submit,
    /// The office decides under delegation (≤ `office_max_days`).
    OfficeDecide {
        approve: bool,
        reason: String,
    },
    /// The office signs its opinion and passes the request to the county.
    OfficeOpinion {
        text: String,
    },
    CountyDecide {
        approve: bool,
        reason: String,
    },
    /// The county, having reviewed, sends the request up (实施办法 Art 27).
    EscalateToHigher,
    HigherDecide {
        approve: bool,
        reason: String,
    },
    IssueCertificate,
    Depart {
        date: NaiveDate,
    },
    /// Asked before expiry; the authority is recomputed on the whole new period.
    RequestExtension {
        new_end: NaiveDate,
    },
    DecideExtension {
        approve: bool,
        by: Authority,
    },
    /// 销假 (实施办法 Art 28).
    Return {
        date: NaiveDate,
        verified_by_method: ReportMethod,
        summary: String,
    },
    /// 责令返回 / early recall.
    Recall {
        date: NaiveDate,
        reason: String,
    },
    Cancel {
        reason: String,
    },
}

/// [`LeaveEvent`] without its data, for error reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveEventKind {
    Submit,
    OfficeDecide,
    OfficeOpinion,
    CountyDecide,
    EscalateToHigher,
    HigherDecide,
    IssueCertificate,
    Depart,
    RequestExtension,
    DecideExtension,
    Return,
    Recall,
    Cancel,
}

impl LeaveEvent {
    pub fn kind(&self) -> LeaveEventKind {
        match self {
            Self::Submit => LeaveEventKind::Submit,
            Self::OfficeDecide { .. } => LeaveEventKind::OfficeDecide,
            Self::OfficeOpinion { .. } => LeaveEventKind::OfficeOpinion,
            Self::CountyDecide { .. } => LeaveEventKind::CountyDecide,
            Self::EscalateToHigher => LeaveEventKind::EscalateToHigher,
            Self::HigherDecide { .. } => LeaveEventKind::HigherDecide,
            Self::IssueCertificate => LeaveEventKind::IssueCertificate,
            Self::Depart { .. } => LeaveEventKind::Depart,
            Self::RequestExtension { .. } => LeaveEventKind::RequestExtension,
            Self::DecideExtension { .. } => LeaveEventKind::DecideExtension,
            Self::Return { .. } => LeaveEventKind::Return,
            Self::Recall { .. } => LeaveEventKind::Recall,
            Self::Cancel { .. } => LeaveEventKind::Cancel,
        }
    }
}

/// What a transition needs to know beyond the state.
#[derive(Debug, Clone, Copy)]
pub struct LeaveFacts<'a> {
    /// The period as approved in the first decision (requested, before it); approved
    /// extensions are carried by the state.
    pub period: DateRange,
    /// 矫正期限.
    pub term: DateRange,
    /// The subject's other leaves (not this one).
    pub others: &'a [OtherLeave],
    pub rules: &'a LeaveRules,
    /// Who decides, as assessed when the request was submitted and stored on it
    /// (实施办法 Art 27). An office that was entrusted with it decides itself.
    pub decided_by: Authority,
}

fn expect_actor(event: &LeaveEvent, expected: Authority, actor: Actor) -> Result<(), LeaveError> {
    if actor.authority() == expected {
        Ok(())
    } else {
        Err(LeaveError::WrongActor { event: event.kind(), expected, actor })
    }
}

/// Whether `actor` may take this decision (实施办法 Art 27). The office decides only under
/// delegation and within its limit. The county may not approve what belongs to the level above
/// but may refuse it: it reviews before forwarding, so its rejection ends the request.
fn check_decider(actor: Actor, check: &AuthorityCheck, approve: bool, rules: &LeaveRules) -> Result<(), LeaveError> {
    match actor {
        Actor::Office { delegated } => {
            if !delegated || !rules.office_delegated {
                return Err(LeaveError::OfficeNotDelegated);
            }
            if check.required != Authority::Office {
                return Err(LeaveError::OfficeLacksAuthority {
                    required: check.required,
                    days: check.days,
                    cumulative_days: check.cumulative.days,
                });
            }
        }
        Actor::County => {
            if approve && check.required == Authority::Higher {
                return Err(LeaveError::CountyMustEscalate {
                    days: check.days,
                    cumulative_days: check.cumulative.days,
                    county_max_days: rules.county_max_days,
                    cumulative_limit_days: rules.cumulative_limit_days,
                });
            }
        }
        Actor::Higher => {}
    }
    Ok(())
}

/// Approved, or rejected with a reason the subject is told (福建 rule: 及时告知并说明理由).
fn decision(approve: bool, reason: &str, by: Authority) -> Result<LeaveState, LeaveError> {
    if approve {
        Ok(LeaveState::Approved { by })
    } else if reason.trim().is_empty() {
        Err(LeaveError::RejectionWithoutReason { by })
    } else {
        Ok(LeaveState::Rejected { by })
    }
}

/// The state after `event`, or why the event is refused (domain.md §8.2).
pub fn apply(
    state: LeaveState,
    event: &LeaveEvent,
    actor: Actor,
    facts: &LeaveFacts<'_>,
) -> Result<LeaveState, LeaveError> {
    use LeaveEvent as E;
    use LeaveState as S;
    if state.is_closed() {
        return Err(LeaveError::LeaveClosed { state });
    }
    let invalid = LeaveError::InvalidTransition { state, event: event.kind() };
    let authority = || check_authority(facts.period, facts.others, facts.rules);
    match event {
        E::Submit => match state {
            S::Draft => Ok(S::Submitted),
            _ => Err(invalid),
        },
        E::OfficeDecide { approve, reason } => {
            expect_actor(event, Authority::Office, actor)?;
            if state != S::Submitted {
                return Err(invalid);
            }
            // 实施办法 Art 27: the office decides ≤ 7 days, only under delegation. A leave
            // submitted for the county stays the county's, as the county holds it (a
            // delegation given later does not reach back).
            check_decider(actor, &authority(), *approve, facts.rules)?;
            if facts.decided_by != Authority::Office {
                return Err(LeaveError::SubmittedAbove { decided_by: facts.decided_by });
            }
            decision(*approve, reason, Authority::Office)
        }
        E::OfficeOpinion { text } => {
            expect_actor(event, Authority::Office, actor)?;
            if state != S::Submitted {
                return Err(invalid);
            }
            // 实施办法 Art 27: the 司法所 signs an opinion before the county decides. A leave
            // the office was entrusted with and may still decide, it decides (our rule: the
            // county's delegation is for such leave; the county takes it up only when the
            // office no longer can, its delegation withdrawn).
            if facts.decided_by == Authority::Office && check_decider(actor, &authority(), true, facts.rules).is_ok() {
                return Err(LeaveError::OfficeDecidesItself);
            }
            if text.trim().is_empty() {
                return Err(LeaveError::OpinionEmpty);
            }
            Ok(S::AwaitingCounty)
        }
        E::CountyDecide { approve, reason } => {
            expect_actor(event, Authority::County, actor)?;
            if state != S::AwaitingCounty {
                return Err(invalid);
            }
            // 实施办法 Art 27: one county approval covers ≤ 30 days and the 2-month total ≤ 30.
            check_decider(actor, &authority(), *approve, facts.rules)?;
            decision(*approve, reason, Authority::County)
        }
        E::EscalateToHigher => {
            expect_actor(event, Authority::County, actor)?;
            if state != S::AwaitingCounty {
                return Err(invalid);
            }
            let required = authority().required;
            if required != Authority::Higher {
                return Err(LeaveError::EscalationNotRequired { required });
            }
            Ok(S::AwaitingHigher)
        }
        E::HigherDecide { approve, reason } => {
            expect_actor(event, Authority::Higher, actor)?;
            if state != S::AwaitingHigher {
                return Err(invalid);
            }
            decision(*approve, reason, Authority::Higher)
        }
        E::IssueCertificate => match state {
            S::Approved { .. } => Ok(S::CertificateIssued),
            s if s.before_approval() => Err(LeaveError::NotApproved { state }),
            _ => Err(invalid),
        },
        E::Depart { date } => match state {
            // 实施办法 Art 27: leave only on the certificate, within the approved period.
            S::CertificateIssued if facts.period.contains(*date) => {
                Ok(S::OnLeave { departed_on: *date, extended_to: None })
            }
            S::CertificateIssued => Err(LeaveError::DepartureOutsidePeriod { date: *date, period: facts.period }),
            S::Approved { .. } => Err(LeaveError::CertificateNotIssued),
            s if s.before_approval() => Err(LeaveError::NotApproved { state }),
            _ => Err(invalid),
        },
        E::RequestExtension { new_end } => match state {
            S::OnLeave { departed_on, extended_to } => {
                let current_end = state.effective_end(facts.period.end);
                if *new_end <= current_end {
                    return Err(LeaveError::ExtensionNotLater { current_end, new_end: *new_end });
                }
                if *new_end > facts.term.end {
                    return Err(LeaveError::ExtensionBeyondTerm { new_end: *new_end, term_end: facts.term.end });
                }
                if let Some(other) = first_overlap(DateRange::new(facts.period.start, *new_end), facts.others) {
                    return Err(overlap_error(other));
                }
                Ok(S::ExtensionPending { departed_on, extended_to, new_end: *new_end })
            }
            s if s.before_departure() => Err(LeaveError::NotDeparted { state }),
            _ => Err(invalid),
        },
        E::DecideExtension { approve, by } => match state {
            S::ExtensionPending { departed_on, extended_to, new_end } => {
                if actor.authority() != *by {
                    return Err(LeaveError::DeciderMismatch { by: *by, actor });
                }
                // domain.md §8.2: the authority is recomputed on the whole new period.
                let check = check_authority(DateRange::new(facts.period.start, new_end), facts.others, facts.rules);
                check_decider(actor, &check, *approve, facts.rules)?;
                let extended_to = if *approve { Some(new_end) } else { extended_to };
                Ok(S::OnLeave { departed_on, extended_to })
            }
            _ => Err(invalid),
        },
        E::Return { date, .. } => match state.away() {
            Some((departed_on, _)) if *date < departed_on => {
                Err(LeaveError::ReturnBeforeDeparture { departed_on, returned_on: *date })
            }
            // 实施办法 Art 28: back before the leave expires; later is a violation.
            Some(_) if *date > state.effective_end(facts.period.end) => Ok(S::ReturnedLate { on: *date }),
            Some(_) => Ok(S::Returned { on: *date }),
            None if state.before_departure() => Err(LeaveError::NotDeparted { state }),
            None => Err(invalid),
        },
        E::Recall { date, .. } => match state {
            S::OnLeave { departed_on, extended_to } | S::ExtensionPending { departed_on, extended_to, .. } => {
                if *date < departed_on {
                    return Err(LeaveError::RecallBeforeDeparture { departed_on, recalled_on: *date });
                }
                Ok(S::Recalled { departed_on, extended_to, recalled_on: *date })
            }
            s if s.before_departure() => Err(LeaveError::NotDeparted { state }),
            _ => Err(invalid),
        },
        E::Cancel { .. } => {
            if state.before_departure() {
                Ok(S::Cancelled)
            } else {
                Err(LeaveError::CancelAfterDeparture { state })
            }
        }
    }
}

/// Away past the last approved day with no 销假 (domain.md §8.2 OVERDUE). `approved_end` is the
/// end of the first approval; an approved extension in the state moves it. A pending extension
/// does not: until approved, the old end stands.
pub fn is_overdue(state: LeaveState, approved_end: NaiveDate, today: NaiveDate) -> bool {
    state.away().is_some() && state.effective_end(approved_end) < today
}

/// The status to show: the recorded state, or overdue on top of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DerivedLeaveStatus {
    Recorded {
        state: LeaveState,
    },
    /// 逾期未归: due back on `due`, `days_overdue` days ago (实施办法 Art 28: order the return).
    Overdue {
        state: LeaveState,
        due: NaiveDate,
        days_overdue: i64,
    },
}

/// What callers show for a request on `today` (OVERDUE is derived, never stored).
pub fn derived_status(state: LeaveState, approved_end: NaiveDate, today: NaiveDate) -> DerivedLeaveStatus {
    if is_overdue(state, approved_end, today) {
        let due = state.effective_end(approved_end);
        DerivedLeaveStatus::Overdue { state, due, days_overdue: (today - due).num_days() }
    } else {
        DerivedLeaveStatus::Recorded { state }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn r(a: &str, b: &str) -> DateRange {
        DateRange::new(d(a), d(b))
    }

    fn id(n: u128) -> LeaveId {
        LeaveId(uuid::Uuid::from_u128(n))
    }

    fn national() -> LeaveRules {
        LeaveRules {
            office_delegated: true,
            office_max_days: 7,
            county_max_days: 30,
            cumulative_limit_days: 30,
            cumulative_window_months: 2,
            lead_days_short: 3,
            lead_days_long: 3,
            lead_in_working_days: false,
            annual_cap_days: None,
            count_both_ends: true,
            basis: "实施办法第26–28条".into(),
        }
    }

    fn fujian() -> LeaveRules {
        LeaveRules { lead_days_long: 7, lead_in_working_days: true, annual_cap_days: Some(60), ..national() }
    }

    /// Resident of 福州市鼓楼区 (350102), term 2025–2026.
    fn ctx() -> LeaveContext {
        LeaveContext {
            term: r("2025-01-01", "2026-12-31"),
            status: SubjectStatus::InCorrection,
            residence_code: "350102".into(),
            other_leaves: Vec::new(),
        }
    }

    /// Beijing 朝阳区, applied well ahead.
    fn draft(start: &str, end: &str) -> LeaveRequestDraft {
        LeaveRequestDraft {
            start: d(start),
            end: d(end),
            applied_on: d(start) - chrono::Duration::days(20),
            destination: Destination {
                division_code: "110105".into(), detail: "朝阳区某医院".into(), abroad: false
            },
            reason_kind: LeaveReasonKind::Medical,
            reason_text: "复诊".into(),
            urgent: false,
        }
    }

    fn cal() -> HolidayCalendar {
        HolidayCalendar::china_builtin()
    }

    fn assess(req: &LeaveRequestDraft, c: &LeaveContext, rules: &LeaveRules) -> Result<LeaveAssessment, LeaveError> {
        assess_leave(req, c, rules, &cal())
    }

    fn other(n: u128, a: &str, b: &str, status: OtherLeaveStatus) -> OtherLeave {
        let range = r(a, b);
        OtherLeave { id: id(n), range, status, days: leave_days(range, &national()) }
    }

    // --- days ---

    #[test]
    fn days_count_both_ends_by_default() {
        // domain.md §8.3: 自…至…共N天 = end − start + 1.
        assert_eq!(leave_days(r("2025-03-01", "2025-03-07"), &national()), 7);
        assert_eq!(leave_days(r("2025-03-01", "2025-03-01"), &national()), 1);
    }

    #[test]
    fn days_subtract_when_configured() {
        let rules = LeaveRules { count_both_ends: false, ..national() };
        assert_eq!(leave_days(r("2025-03-01", "2025-03-07"), &rules), 6);
    }

    // --- authority boundaries (实施办法 Art 27; 以内 includes the boundary) ---

    #[test]
    fn authority_7_days_office_8_days_county() {
        let a = |s, e| assess(&draft(s, e), &ctx(), &national()).unwrap().authority;
        assert_eq!(a("2025-03-01", "2025-03-07"), Authority::Office);
        assert_eq!(a("2025-03-01", "2025-03-08"), Authority::County);
    }

    #[test]
    fn authority_county_even_for_one_day_when_not_delegated() {
        let rules = LeaveRules { office_delegated: false, ..national() };
        let a = assess(&draft("2025-03-01", "2025-03-01"), &ctx(), &rules).unwrap();
        assert_eq!(a.authority, Authority::County);
    }

    #[test]
    fn authority_30_days_county_31_days_higher() {
        let a = |s, e| assess(&draft(s, e), &ctx(), &national()).unwrap();
        assert_eq!(a("2025-03-01", "2025-03-30").authority, Authority::County);
        let long = a("2025-03-01", "2025-03-31");
        assert_eq!(long.authority, Authority::Higher);
        assert!(long.notices.contains(&LeaveNotice::ExceedsCountySingleApproval { days: 31, county_max_days: 30 }));
    }

    #[test]
    fn authority_cumulative_30_county_31_higher() {
        // 实施办法 Art 27: more than 30 days within two months → the level above.
        let mut c = ctx();
        c.other_leaves.push(other(1, "2025-02-01", "2025-02-20", OtherLeaveStatus::Completed)); // 20 days
        let at_limit = assess(&draft("2025-03-01", "2025-03-10"), &c, &national()).unwrap(); // +10 = 30
        assert_eq!((at_limit.cumulative.days, at_limit.authority), (30, Authority::County));
        assert!(!at_limit.notices.iter().any(|n| matches!(n, LeaveNotice::CumulativeLimitExceeded { .. })));
        let over = assess(&draft("2025-03-01", "2025-03-11"), &c, &national()).unwrap(); // +11 = 31
        assert_eq!((over.cumulative.days, over.authority), (31, Authority::Higher));
        assert!(over.notices.iter().any(|n| matches!(n, LeaveNotice::CumulativeLimitExceeded { .. })));
    }

    #[test]
    fn short_leave_over_the_cumulative_limit_is_not_for_the_office() {
        // Art 27: the cumulative rule applies to any length, so a 5-day leave can need the level above.
        let mut c = ctx();
        c.other_leaves.push(other(1, "2025-02-01", "2025-02-26", OtherLeaveStatus::Approved)); // 26
        let a = assess(&draft("2025-03-10", "2025-03-14"), &c, &national()).unwrap(); // +5 = 31
        assert_eq!(a.authority, Authority::Higher);
    }

    #[test]
    fn cumulative_window_starts_n_months_before_the_end_inclusive() {
        // Window for a leave ending 2025-04-30 is [2025-02-28, 2025-04-30].
        let rules = national();
        let inside = [other(1, "2025-02-01", "2025-02-28", OtherLeaveStatus::Completed)];
        let before = [other(1, "2025-02-01", "2025-02-27", OtherLeaveStatus::Completed)];
        let period = r("2025-04-29", "2025-04-30");
        assert_eq!(cumulative_use(period, 2, &inside, &rules).days, 3);
        assert_eq!(cumulative_use(period, 2, &before, &rules).days, 2);
    }

    #[test]
    fn cumulative_ignores_pending_rejected_and_cancelled_but_notes_pending() {
        let mut c = ctx();
        c.other_leaves.push(other(1, "2025-02-01", "2025-02-25", OtherLeaveStatus::Void));
        c.other_leaves.push(other(2, "2025-02-26", "2025-02-28", OtherLeaveStatus::Pending));
        let a = assess(&draft("2025-03-01", "2025-03-10"), &c, &national()).unwrap();
        assert_eq!(a.cumulative.days, 10);
        assert!(a.notices.contains(&LeaveNotice::PendingLeaveInWindow {
            id: id(2),
            range: r("2025-02-26", "2025-02-28"),
            days: 3
        }));
    }

    #[test]
    fn cumulative_counts_a_later_approved_leave() {
        // Two months containing both this leave and an approved later one count together (Art 27).
        let mut c = ctx();
        c.other_leaves.push(other(1, "2025-04-01", "2025-04-20", OtherLeaveStatus::Approved)); // 20
        let a = assess(&draft("2025-03-01", "2025-03-11"), &c, &national()).unwrap(); // 11
        assert_eq!(a.cumulative.days, 31);
        assert_eq!(a.authority, Authority::Higher);
    }

    #[test]
    fn a_longer_leave_never_drops_to_a_lower_authority_at_month_end() {
        // Art 27 counts any two months. Anchoring the window only at the end would let the window
        // for a leave ending Mar 1 start on Jan 1 and skip Dec 28–31, so one more day would
        // lower the authority; the window ending Feb 28 still overlaps the leave and counts.
        let mut c = ctx();
        c.other_leaves.push(other(1, "2025-12-28", "2025-12-31", OtherLeaveStatus::Completed)); // 4
        c.other_leaves.push(other(2, "2026-01-01", "2026-01-23", OtherLeaveStatus::Completed)); // 23
        let to_feb_28 = assess(&draft("2026-02-25", "2026-02-28"), &c, &national()).unwrap();
        assert_eq!((to_feb_28.cumulative.days, to_feb_28.authority), (31, Authority::Higher));
        let to_mar_1 = assess(&draft("2026-02-25", "2026-03-01"), &c, &national()).unwrap();
        assert_eq!(to_mar_1.authority, Authority::Higher);
        assert_eq!(to_mar_1.cumulative.window, r("2025-12-28", "2026-02-28"));
    }

    // --- refusals ---

    #[test]
    fn refuses_end_before_start() {
        let e = assess(&draft("2025-03-05", "2025-03-04"), &ctx(), &national()).unwrap_err();
        assert_eq!(e, LeaveError::EndBeforeStart { start: d("2025-03-05"), end: d("2025-03-04") });
    }

    #[test]
    fn refuses_dates_outside_the_term() {
        let mut c = ctx();
        c.term = r("2025-03-03", "2025-06-30");
        let early = assess(&draft("2025-03-02", "2025-03-05"), &c, &national()).unwrap_err();
        assert_eq!(
            early,
            LeaveError::OutsideTerm { field: LeaveDateField::Start, date: d("2025-03-02"), term: c.term }
        );
        let late = assess(&draft("2025-06-28", "2025-07-01"), &c, &national()).unwrap_err();
        assert_eq!(late, LeaveError::OutsideTerm { field: LeaveDateField::End, date: d("2025-07-01"), term: c.term });
        assert!(assess(&draft("2025-06-28", "2025-06-30"), &c, &national()).is_ok());
    }

    #[test]
    fn refuses_overlap_with_active_or_pending_leave() {
        // domain.md §8.3: no two active leaves may overlap.
        for status in [OtherLeaveStatus::Pending, OtherLeaveStatus::Approved, OtherLeaveStatus::OnLeave] {
            let mut c = ctx();
            c.other_leaves.push(other(7, "2025-03-05", "2025-03-06", status));
            let e = assess(&draft("2025-03-01", "2025-03-05"), &c, &national()).unwrap_err();
            assert_eq!(
                e,
                LeaveError::OverlapsOtherLeave {
                    other: id(7),
                    other_range: r("2025-03-05", "2025-03-06"),
                    other_status: status
                }
            );
        }
    }

    #[test]
    fn completed_or_void_leave_does_not_block_overlap() {
        for status in [OtherLeaveStatus::Completed, OtherLeaveStatus::Void] {
            let mut c = ctx();
            c.other_leaves.push(other(7, "2025-03-05", "2025-03-06", status));
            assert!(assess(&draft("2025-03-01", "2025-03-05"), &c, &national()).is_ok(), "{status:?}");
        }
    }

    #[test]
    fn refuses_leave_while_detained_or_lost_or_not_supervised() {
        // 社区矫正法 Art 32; domain.md §8.3.
        let with = |status| {
            let mut c = ctx();
            c.status = status;
            assess(&draft("2025-03-01", "2025-03-05"), &c, &national())
        };
        assert_eq!(with(SubjectStatus::Detained).unwrap_err(), LeaveError::SubjectDetained);
        assert_eq!(with(SubjectStatus::LostContact).unwrap_err(), LeaveError::SubjectLostContact);
        assert_eq!(
            with(SubjectStatus::Released).unwrap_err(),
            LeaveError::SubjectNotUnderSupervision { status: SubjectStatus::Released }
        );
        assert!(with(SubjectStatus::OnLeave).is_ok());
    }

    #[test]
    fn refuses_retroactive_leave() {
        let mut req = draft("2025-03-01", "2025-03-05");
        req.applied_on = d("2025-03-02");
        assert_eq!(
            assess(&req, &ctx(), &national()).unwrap_err(),
            LeaveError::Retroactive { start: d("2025-03-01"), applied_on: d("2025-03-02") }
        );
    }

    #[test]
    fn refuses_missing_destination_address() {
        // The application names the destination, not only its area code (实施办法 Arts 27–28).
        let mut req = draft("2025-03-01", "2025-03-05");
        req.destination.detail = " ".into();
        assert_eq!(assess(&req, &ctx(), &national()).unwrap_err(), LeaveError::DestinationMissing);
    }

    #[test]
    fn refuses_missing_reason() {
        let mut req = draft("2025-03-01", "2025-03-05");
        req.reason_text = "  ".into();
        assert_eq!(
            assess(&req, &ctx(), &national()).unwrap_err(),
            LeaveError::ReasonMissing { kind: LeaveReasonKind::Medical }
        );
    }

    fn to(code: &str) -> Result<LeaveAssessment, LeaveError> {
        let mut req = draft("2025-03-01", "2025-03-05");
        req.destination.division_code = code.into();
        assess(&req, &ctx(), &national())
    }

    #[test]
    fn refuses_abroad_hong_kong_macao_taiwan() {
        // 出境入境管理法 Art 12(2).
        let region = |code| match to(code) {
            Err(LeaveError::DestinationOutsideMainland { region }) => Some(region),
            _ => None,
        };
        assert_eq!(region("810000"), Some(OutsideMainland::HongKong));
        assert_eq!(region("820000"), Some(OutsideMainland::Macao));
        assert_eq!(region("710000"), Some(OutsideMainland::Taiwan));
        let mut req = draft("2025-03-01", "2025-03-05");
        req.destination = Destination { division_code: String::new(), detail: "泰国曼谷".into(), abroad: true };
        assert_eq!(
            assess(&req, &ctx(), &national()).unwrap_err(),
            LeaveError::DestinationOutsideMainland { region: OutsideMainland::Abroad }
        );
    }

    #[test]
    fn refuses_destination_in_the_same_city_districts() {
        // 实施办法 Art 26: moving among the districts of 福州 is not leaving.
        assert_eq!(
            to("350104").unwrap_err(),
            LeaveError::DestinationWithinResidenceCity {
                residence_code: "350102".into(),
                destination_code: "350104".into()
            }
        );
        // A township code under a district of the same city.
        assert!(matches!(to("350111001"), Err(LeaveError::DestinationWithinResidenceCity { .. })));
        // A county of the same prefecture (闽侯县 350121) is outside the 市区.
        assert!(to("350121").is_ok());
        // Another city of the same province.
        assert!(to("350203").is_ok());
    }

    #[test]
    fn county_and_county_level_city_residence_only_covers_itself() {
        let city = residence_city("350121").unwrap(); // 闽侯县
        assert!(destination_within(&city, "350121").unwrap());
        assert!(destination_within(&city, "350121100").unwrap());
        assert!(!destination_within(&city, "350102").unwrap());
        assert!(!destination_within(&city, "350122").unwrap());
        let county_city = residence_city("350181").unwrap(); // 福清市
        assert!(destination_within(&county_city, "350181").unwrap());
        assert!(!destination_within(&county_city, "350182").unwrap());
    }

    #[test]
    fn municipality_districts_form_one_city_but_chongqing_counties_do_not() {
        let beijing = residence_city("110105").unwrap();
        assert_eq!(beijing, ResidenceCity::MunicipalDistricts { province: "11".into() });
        assert!(destination_within(&beijing, "110118").unwrap()); // 密云区
        let chongqing = residence_city("500103").unwrap(); // 渝中区
        assert!(destination_within(&chongqing, "500156").unwrap()); // 武隆区
        assert!(!destination_within(&chongqing, "500229").unwrap()); // 城口县
        let county = residence_city("500229").unwrap();
        assert_eq!(county, ResidenceCity::CountyLevel { code: "500229".into() });
        assert!(!destination_within(&county, "500103").unwrap());
        assert!(!destination_within(&county, "500230").unwrap());
    }

    #[test]
    fn province_administered_units_and_cities_without_districts_are_single_units() {
        let xiantao = residence_city("429004").unwrap(); // 湖北 仙桃市
        assert!(!destination_within(&xiantao, "429005").unwrap()); // 潜江市
        let dongguan = residence_city("441900").unwrap();
        assert!(destination_within(&dongguan, "441900003").unwrap());
        assert!(!destination_within(&dongguan, "442000").unwrap()); // 中山市
    }

    #[test]
    fn coarse_or_invalid_codes_are_refused_precisely() {
        let coarse_dest =
            |code: &str| LeaveError::DivisionCodeTooCoarse { field: DivisionField::Destination, code: code.into() };
        assert_eq!(to("350100").unwrap_err(), coarse_dest("350100"));
        assert_eq!(to("350000").unwrap_err(), coarse_dest("350000"));
        // Coarse but clearly elsewhere: another province is outside.
        assert!(to("440000").is_ok());
        let invalid =
            |code: &str| LeaveError::InvalidDivisionCode { field: DivisionField::Destination, code: code.into() };
        assert_eq!(to("3501").unwrap_err(), invalid("3501"));
        assert_eq!(to("35010X").unwrap_err(), invalid("35010X"));
        assert_eq!(to("990101").unwrap_err(), invalid("990101"));
        let mut c = ctx();
        c.residence_code = "350100".into();
        assert_eq!(
            assess(&draft("2025-03-01", "2025-03-05"), &c, &national()).unwrap_err(),
            LeaveError::DivisionCodeTooCoarse { field: DivisionField::Residence, code: "350100".into() }
        );
    }

    // --- warnings ---

    #[test]
    fn lead_time_national_three_calendar_days() {
        // 实施办法 Art 27: apply generally 3 days before.
        let mut req = draft("2025-03-10", "2025-03-12");
        req.applied_on = d("2025-03-07");
        let ok = assess(&req, &ctx(), &national()).unwrap();
        assert!(ok.lead_time.met);
        assert!(ok.notices.is_empty());
        req.applied_on = d("2025-03-08");
        let short = assess(&req, &ctx(), &national()).unwrap();
        assert!(matches!(short.notices.as_slice(), [LeaveNotice::LeadTimeShort { .. }]));
        assert_eq!(short.notices[0].level(), NoticeLevel::Warning);
    }

    #[test]
    fn urgent_turns_short_lead_time_into_a_note() {
        // domain.md §8.3: urgent reasons override with a note, never a block.
        let mut req = draft("2025-03-10", "2025-03-12");
        req.applied_on = d("2025-03-10");
        req.urgent = true;
        let a = assess(&req, &ctx(), &national()).unwrap();
        assert!(matches!(a.notices.as_slice(), [LeaveNotice::LeadTimeWaivedUrgent { .. }]));
        assert_eq!(a.notices[0].level(), NoticeLevel::Note);
    }

    #[test]
    fn fujian_short_leave_needs_three_working_days() {
        // 福建 (闽侯 2016): ≤ 7 days → 3 working days ahead. Thursday 2025-03-06 → Monday 03-03.
        let mut req = draft("2025-03-06", "2025-03-12");
        req.applied_on = d("2025-03-03");
        let a = assess(&req, &ctx(), &fujian()).unwrap();
        assert_eq!(
            (a.lead_time.required, a.lead_time.latest_application_day, a.lead_time.met),
            (3, d("2025-03-03"), true)
        );
        req.applied_on = d("2025-03-04");
        assert!(!assess(&req, &ctx(), &fujian()).unwrap().lead_time.met);
    }

    #[test]
    fn fujian_long_leave_needs_seven_working_days_across_holidays() {
        // 福建: > 7 days → 7 working days ahead. Before Thursday 2025-10-09: Sep 30, 29, 28 (调休
        // Sunday), 26, 25, 24, 23 — so Sep 23 is the last day.
        let mut req = draft("2025-10-09", "2025-10-18");
        req.applied_on = d("2025-09-23");
        let a = assess(&req, &ctx(), &fujian()).unwrap();
        assert_eq!(a.lead_time.required, 7);
        assert!(a.lead_time.in_working_days);
        assert_eq!(a.lead_time.latest_application_day, d("2025-09-23"));
        assert!(a.lead_time.met);
        req.applied_on = d("2025-09-24");
        let late = assess(&req, &ctx(), &fujian()).unwrap();
        assert!(matches!(late.notices.as_slice(), [LeaveNotice::LeadTimeShort { .. }]));
    }

    #[test]
    fn annual_cap_warns_above_60_days() {
        // 福建/四川: ≤ 60 days a year (provincial, a warning).
        let mut c = ctx();
        c.other_leaves.push(other(1, "2025-01-05", "2025-01-29", OtherLeaveStatus::Completed)); // 25
        c.other_leaves.push(other(2, "2025-05-01", "2025-05-25", OtherLeaveStatus::Completed)); // 25
        let at_cap = assess(&draft("2025-09-01", "2025-09-10"), &c, &fujian()).unwrap(); // 60
        assert_eq!(at_cap.annual, Some(AnnualUse { year: 2025, days: 60, cap: 60 }));
        assert!(!at_cap.notices.iter().any(|n| matches!(n, LeaveNotice::AnnualCapExceeded { .. })));
        let over = assess(&draft("2025-09-01", "2025-09-11"), &c, &fujian()).unwrap(); // 61
        assert!(over
            .notices
            .contains(&LeaveNotice::AnnualCapExceeded { annual: AnnualUse { year: 2025, days: 61, cap: 60 } }));
        assert_eq!(over.authority, Authority::County);
        assert_eq!(assess(&draft("2025-09-01", "2025-09-11"), &c, &national()).unwrap().annual, None);
    }

    #[test]
    fn annual_total_splits_a_leave_across_new_year() {
        let period = r("2025-12-29", "2026-01-02"); // 3 days in 2025, 2 in 2026
        let others = [other(1, "2026-01-10", "2026-01-12", OtherLeaveStatus::Approved)];
        assert_eq!(annual_use(period, 5, &others, 60), AnnualUse { year: 2026, days: 5, cap: 60 });
    }

    // --- lifecycle ---

    const OFFICE: Actor = Actor::Office { delegated: true };

    fn facts<'a>(period: DateRange, others: &'a [OtherLeave], rules: &'a LeaveRules) -> LeaveFacts<'a> {
        let decided_by = check_authority(period, others, rules).required;
        LeaveFacts { period, term: r("2025-01-01", "2026-12-31"), others, rules, decided_by }
    }

    fn run(events: &[(LeaveEvent, Actor)], f: &LeaveFacts<'_>) -> Result<LeaveState, LeaveError> {
        events.iter().try_fold(LeaveState::Draft, |s, (e, a)| apply(s, e, *a, f))
    }

    fn approve() -> LeaveEvent {
        LeaveEvent::OfficeDecide { approve: true, reason: String::new() }
    }

    fn opinion() -> LeaveEvent {
        LeaveEvent::OfficeOpinion { text: "同意外出".into() }
    }

    fn ret(date: &str) -> LeaveEvent {
        LeaveEvent::Return { date: d(date), verified_by_method: ReportMethod::InPerson, summary: "按期返回".into() }
    }

    fn on_leave_5_days(rules: &LeaveRules) -> (LeaveState, DateRange) {
        let period = r("2025-03-01", "2025-03-05");
        let f = facts(period, &[], rules);
        let s = run(
            &[
                (LeaveEvent::Submit, OFFICE),
                (approve(), OFFICE),
                (LeaveEvent::IssueCertificate, OFFICE),
                (LeaveEvent::Depart { date: d("2025-03-01") }, OFFICE),
            ],
            &f,
        )
        .unwrap();
        (s, period)
    }

    #[test]
    fn office_path_to_return_on_time() {
        // 实施办法 Arts 27–28: delegated office approves ≤ 7 days; 销假 by the last day is on time.
        let rules = national();
        let (s, period) = on_leave_5_days(&rules);
        assert_eq!(s, LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: None });
        let f = facts(period, &[], &rules);
        assert_eq!(apply(s, &ret("2025-03-05"), OFFICE, &f), Ok(LeaveState::Returned { on: d("2025-03-05") }));
        assert_eq!(apply(s, &ret("2025-03-06"), OFFICE, &f), Ok(LeaveState::ReturnedLate { on: d("2025-03-06") }));
    }

    #[test]
    fn office_may_not_decide_a_10_day_leave() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-10"), &[], &rules);
        let e = run(&[(LeaveEvent::Submit, OFFICE), (approve(), OFFICE)], &f).unwrap_err();
        assert_eq!(e, LeaveError::OfficeLacksAuthority { required: Authority::County, days: 10, cumulative_days: 10 });
        // Rejecting is a decision too.
        let reject = LeaveEvent::OfficeDecide { approve: false, reason: "理由不足".into() };
        assert!(matches!(
            apply(LeaveState::Submitted, &reject, OFFICE, &f),
            Err(LeaveError::OfficeLacksAuthority { .. })
        ));
    }

    #[test]
    fn office_without_delegation_may_not_decide() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-02"), &[], &rules);
        let undelegated = Actor::Office { delegated: false };
        assert_eq!(apply(LeaveState::Submitted, &approve(), undelegated, &f), Err(LeaveError::OfficeNotDelegated));
        let pack_undelegated = LeaveRules { office_delegated: false, ..national() };
        let f = facts(r("2025-03-01", "2025-03-02"), &[], &pack_undelegated);
        assert_eq!(apply(LeaveState::Submitted, &approve(), OFFICE, &f), Err(LeaveError::OfficeNotDelegated));
    }

    #[test]
    fn an_entrusted_office_decides_its_short_leave_itself() {
        // 实施办法 Art 27: a leave of 7 days or fewer the county has entrusted to the office is
        // the office's to decide (our rule: the county takes it up only once it withdraws the
        // delegation).
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-05"), &[], &rules);
        assert_eq!(f.decided_by, Authority::Office);
        assert_eq!(apply(LeaveState::Submitted, &opinion(), OFFICE, &f), Err(LeaveError::OfficeDecidesItself));
        // Submitted while the office was not entrusted: the county decides, the office gives its opinion.
        let f_county = LeaveFacts { decided_by: Authority::County, ..f };
        assert_eq!(apply(LeaveState::Submitted, &opinion(), OFFICE, &f_county), Ok(LeaveState::AwaitingCounty));
        // Entrusted at submission, withdrawn since: the office may no longer decide, so it reports up.
        let withdrawn = Actor::Office { delegated: false };
        assert_eq!(apply(LeaveState::Submitted, &opinion(), withdrawn, &f), Ok(LeaveState::AwaitingCounty));
        // Submitted for the county, entrusted since: the county still decides it.
        assert_eq!(
            apply(LeaveState::Submitted, &approve(), OFFICE, &f_county),
            Err(LeaveError::SubmittedAbove { decided_by: Authority::County })
        );
    }

    #[test]
    fn county_path_for_8_to_30_days() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-30"), &[], &rules);
        let county_ok = LeaveEvent::CountyDecide { approve: true, reason: String::new() };
        let s = run(&[(LeaveEvent::Submit, OFFICE), (opinion(), OFFICE), (county_ok, Actor::County)], &f);
        assert_eq!(s, Ok(LeaveState::Approved { by: Authority::County }));
        // Not the county's call to send it up.
        assert_eq!(
            apply(LeaveState::AwaitingCounty, &LeaveEvent::EscalateToHigher, Actor::County, &f),
            Err(LeaveError::EscalationNotRequired { required: Authority::County })
        );
    }

    #[test]
    fn county_must_escalate_over_30_days_and_higher_decides() {
        // 实施办法 Art 27: > 30 days → the level above.
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-31"), &[], &rules);
        let county_ok = LeaveEvent::CountyDecide { approve: true, reason: String::new() };
        assert_eq!(
            apply(LeaveState::AwaitingCounty, &county_ok, Actor::County, &f),
            Err(LeaveError::CountyMustEscalate {
                days: 31,
                cumulative_days: 31,
                county_max_days: 30,
                cumulative_limit_days: 30
            })
        );
        let higher_ok = LeaveEvent::HigherDecide { approve: true, reason: String::new() };
        let s = run(
            &[
                (LeaveEvent::Submit, OFFICE),
                (opinion(), OFFICE),
                (LeaveEvent::EscalateToHigher, Actor::County),
                (higher_ok, Actor::Higher),
            ],
            &f,
        );
        assert_eq!(s, Ok(LeaveState::Approved { by: Authority::Higher }));
    }

    #[test]
    fn county_must_escalate_over_the_cumulative_limit() {
        let rules = national();
        let others = [other(1, "2025-02-01", "2025-02-20", OtherLeaveStatus::Completed)];
        let f = facts(r("2025-03-01", "2025-03-11"), &others, &rules);
        let county_ok = LeaveEvent::CountyDecide { approve: true, reason: String::new() };
        assert!(matches!(
            apply(LeaveState::AwaitingCounty, &county_ok, Actor::County, &f),
            Err(LeaveError::CountyMustEscalate { days: 11, cumulative_days: 31, .. })
        ));
    }

    #[test]
    fn county_may_refuse_what_it_would_have_to_escalate() {
        // 实施办法 Art 27: the county reviews before forwarding; its refusal ends the request.
        let rules = national();
        let f = facts(r("2025-03-01", "2025-04-15"), &[], &rules);
        let refuse = LeaveEvent::CountyDecide { approve: false, reason: "外出理由不充分".into() };
        assert_eq!(
            apply(LeaveState::AwaitingCounty, &refuse, Actor::County, &f),
            Ok(LeaveState::Rejected { by: Authority::County })
        );
    }

    #[test]
    fn rejection_needs_a_reason() {
        // 福建: 及时告知并说明理由.
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-31"), &[], &rules);
        let blank = || "  ".to_string();
        assert_eq!(
            apply(
                LeaveState::AwaitingCounty,
                &LeaveEvent::CountyDecide { approve: false, reason: blank() },
                Actor::County,
                &f
            ),
            Err(LeaveError::RejectionWithoutReason { by: Authority::County })
        );
        assert_eq!(
            apply(
                LeaveState::AwaitingHigher,
                &LeaveEvent::HigherDecide { approve: false, reason: blank() },
                Actor::Higher,
                &f
            ),
            Err(LeaveError::RejectionWithoutReason { by: Authority::Higher })
        );
        let short = facts(r("2025-03-01", "2025-03-02"), &[], &rules);
        assert_eq!(
            apply(LeaveState::Submitted, &LeaveEvent::OfficeDecide { approve: false, reason: blank() }, OFFICE, &short),
            Err(LeaveError::RejectionWithoutReason { by: Authority::Office })
        );
    }

    #[test]
    fn decisions_belong_to_their_level() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-02"), &[], &rules);
        assert_eq!(
            apply(LeaveState::Submitted, &approve(), Actor::County, &f),
            Err(LeaveError::WrongActor {
                event: LeaveEventKind::OfficeDecide,
                expected: Authority::Office,
                actor: Actor::County
            })
        );
        let for_county = LeaveFacts { decided_by: Authority::County, ..f };
        assert_eq!(
            apply(LeaveState::Submitted, &LeaveEvent::OfficeOpinion { text: String::new() }, OFFICE, &for_county),
            Err(LeaveError::OpinionEmpty)
        );
        // The county decides only after the office's opinion.
        let county_ok = LeaveEvent::CountyDecide { approve: true, reason: String::new() };
        assert!(matches!(
            apply(LeaveState::Submitted, &county_ok, Actor::County, &f),
            Err(LeaveError::InvalidTransition { .. })
        ));
    }

    #[test]
    fn no_departure_before_approval_and_certificate() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-05"), &[], &rules);
        let depart = LeaveEvent::Depart { date: d("2025-03-01") };
        assert_eq!(
            apply(LeaveState::Submitted, &depart, OFFICE, &f),
            Err(LeaveError::NotApproved { state: LeaveState::Submitted })
        );
        let approved = LeaveState::Approved { by: Authority::Office };
        assert_eq!(apply(approved, &depart, OFFICE, &f), Err(LeaveError::CertificateNotIssued));
        assert_eq!(
            apply(LeaveState::AwaitingCounty, &LeaveEvent::IssueCertificate, OFFICE, &f),
            Err(LeaveError::NotApproved { state: LeaveState::AwaitingCounty })
        );
        let early = LeaveEvent::Depart { date: d("2025-02-28") };
        assert_eq!(
            apply(LeaveState::CertificateIssued, &early, OFFICE, &f),
            Err(LeaveError::DepartureOutsidePeriod { date: d("2025-02-28"), period: f.period })
        );
    }

    #[test]
    fn no_return_before_departure() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-05"), &[], &rules);
        assert_eq!(
            apply(LeaveState::CertificateIssued, &ret("2025-03-02"), OFFICE, &f),
            Err(LeaveError::NotDeparted { state: LeaveState::CertificateIssued })
        );
        let away = LeaveState::OnLeave { departed_on: d("2025-03-02"), extended_to: None };
        assert_eq!(
            apply(away, &ret("2025-03-01"), OFFICE, &f),
            Err(LeaveError::ReturnBeforeDeparture { departed_on: d("2025-03-02"), returned_on: d("2025-03-01") })
        );
    }

    #[test]
    fn cancel_only_before_departure() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-05"), &[], &rules);
        let cancel = LeaveEvent::Cancel { reason: "行程取消".into() };
        assert_eq!(apply(LeaveState::CertificateIssued, &cancel, OFFICE, &f), Ok(LeaveState::Cancelled));
        let away = LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: None };
        assert_eq!(apply(away, &cancel, OFFICE, &f), Err(LeaveError::CancelAfterDeparture { state: away }));
    }

    #[test]
    fn closed_states_accept_nothing() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-05"), &[], &rules);
        for state in [
            LeaveState::Rejected { by: Authority::County },
            LeaveState::Returned { on: d("2025-03-05") },
            LeaveState::ReturnedLate { on: d("2025-03-07") },
            LeaveState::Cancelled,
        ] {
            assert!(state.is_closed());
            assert_eq!(apply(state, &LeaveEvent::Submit, OFFICE, &f), Err(LeaveError::LeaveClosed { state }));
            assert_eq!(apply(state, &ret("2025-03-05"), OFFICE, &f), Err(LeaveError::LeaveClosed { state }));
        }
    }

    #[test]
    fn extension_is_rerouted_on_the_new_total() {
        // domain.md §8.2: 5 days + 5 days = 10 days, which the county must decide.
        let rules = national();
        let (s, period) = on_leave_5_days(&rules);
        let f = facts(period, &[], &rules);
        let pending = apply(s, &LeaveEvent::RequestExtension { new_end: d("2025-03-10") }, OFFICE, &f).unwrap();
        let by_office = LeaveEvent::DecideExtension { approve: true, by: Authority::Office };
        assert_eq!(
            apply(pending, &by_office, OFFICE, &f),
            Err(LeaveError::OfficeLacksAuthority { required: Authority::County, days: 10, cumulative_days: 10 })
        );
        let by_county = LeaveEvent::DecideExtension { approve: true, by: Authority::County };
        let extended = apply(pending, &by_county, Actor::County, &f).unwrap();
        assert_eq!(extended, LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: Some(d("2025-03-10")) });
        // Back on the extended end is on time.
        assert_eq!(apply(extended, &ret("2025-03-10"), OFFICE, &f), Ok(LeaveState::Returned { on: d("2025-03-10") }));
        // A short extension stays with the office.
        let small = apply(s, &LeaveEvent::RequestExtension { new_end: d("2025-03-07") }, OFFICE, &f).unwrap();
        assert!(apply(small, &by_office, OFFICE, &f).is_ok());
    }

    #[test]
    fn extension_past_30_days_goes_to_the_higher_level() {
        let rules = national();
        let f = facts(r("2025-03-01", "2025-03-25"), &[], &rules);
        let away = LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: None };
        let pending = apply(away, &LeaveEvent::RequestExtension { new_end: d("2025-04-05") }, OFFICE, &f).unwrap();
        let by_county = LeaveEvent::DecideExtension { approve: true, by: Authority::County };
        assert!(matches!(
            apply(pending, &by_county, Actor::County, &f),
            Err(LeaveError::CountyMustEscalate { days: 36, .. })
        ));
        let by_higher = LeaveEvent::DecideExtension { approve: true, by: Authority::Higher };
        assert!(apply(pending, &by_higher, Actor::Higher, &f).is_ok());
        assert_eq!(
            apply(pending, &by_higher, Actor::County, &f),
            Err(LeaveError::DeciderMismatch { by: Authority::Higher, actor: Actor::County })
        );
    }

    #[test]
    fn extension_must_be_later_within_term_and_not_overlap() {
        let rules = national();
        let others = [other(9, "2025-03-12", "2025-03-14", OtherLeaveStatus::Approved)];
        let f =
            LeaveFacts { term: r("2025-01-01", "2025-03-20"), ..facts(r("2025-03-01", "2025-03-05"), &others, &rules) };
        let away = LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: None };
        let ext = |e: &str| apply(away, &LeaveEvent::RequestExtension { new_end: d(e) }, OFFICE, &f);
        assert_eq!(
            ext("2025-03-05"),
            Err(LeaveError::ExtensionNotLater { current_end: d("2025-03-05"), new_end: d("2025-03-05") })
        );
        assert_eq!(
            ext("2025-03-21"),
            Err(LeaveError::ExtensionBeyondTerm { new_end: d("2025-03-21"), term_end: d("2025-03-20") })
        );
        assert!(matches!(ext("2025-03-12"), Err(LeaveError::OverlapsOtherLeave { .. })));
        assert!(ext("2025-03-11").is_ok());
    }

    #[test]
    fn rejected_extension_keeps_the_old_end() {
        let rules = national();
        let (s, period) = on_leave_5_days(&rules);
        let f = facts(period, &[], &rules);
        let pending = apply(s, &LeaveEvent::RequestExtension { new_end: d("2025-03-07") }, OFFICE, &f).unwrap();
        let refused =
            apply(pending, &LeaveEvent::DecideExtension { approve: false, by: Authority::Office }, OFFICE, &f).unwrap();
        assert_eq!(refused, s);
        assert_eq!(
            apply(refused, &ret("2025-03-06"), OFFICE, &f),
            Ok(LeaveState::ReturnedLate { on: d("2025-03-06") })
        );
    }

    #[test]
    fn recall_then_return() {
        // domain.md §8.2: RECALLED → RETURNED.
        let rules = national();
        let (s, period) = on_leave_5_days(&rules);
        let f = facts(period, &[], &rules);
        let recall = |date: &str| LeaveEvent::Recall { date: d(date), reason: "责令返回".into() };
        assert_eq!(
            apply(s, &recall("2025-02-28"), Actor::County, &f),
            Err(LeaveError::RecallBeforeDeparture { departed_on: d("2025-03-01"), recalled_on: d("2025-02-28") })
        );
        let recalled = apply(s, &recall("2025-03-03"), Actor::County, &f).unwrap();
        assert_eq!(apply(recalled, &ret("2025-03-04"), OFFICE, &f), Ok(LeaveState::Returned { on: d("2025-03-04") }));
    }

    #[test]
    fn overdue_when_away_past_the_effective_end() {
        // domain.md §8.2 OVERDUE: on leave, end < today, no 销假, no approved extension.
        let end = d("2025-03-05");
        let away = LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: None };
        assert!(!is_overdue(away, end, d("2025-03-05")));
        assert!(is_overdue(away, end, d("2025-03-06")));
        let extended = LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: Some(d("2025-03-10")) };
        assert!(!is_overdue(extended, end, d("2025-03-08")));
        assert!(is_overdue(extended, end, d("2025-03-11")));
        let pending =
            LeaveState::ExtensionPending { departed_on: d("2025-03-01"), extended_to: None, new_end: d("2025-03-10") };
        assert!(is_overdue(pending, end, d("2025-03-06")));
        assert!(!is_overdue(LeaveState::Returned { on: d("2025-03-09") }, end, d("2025-03-20")));
        assert!(!is_overdue(LeaveState::CertificateIssued, end, d("2025-03-20")));
    }

    #[test]
    fn derived_status_shows_overdue_with_days() {
        let away = LeaveState::OnLeave { departed_on: d("2025-03-01"), extended_to: None };
        assert_eq!(
            derived_status(away, d("2025-03-05"), d("2025-03-05")),
            DerivedLeaveStatus::Recorded { state: away }
        );
        assert_eq!(
            derived_status(away, d("2025-03-05"), d("2025-03-08")),
            DerivedLeaveStatus::Overdue { state: away, due: d("2025-03-05"), days_overdue: 3 }
        );
    }

    #[test]
    fn events_and_states_serialize_with_stable_tags() {
        // Events are stored append-only as JSON; their shape must not drift silently.
        let e = LeaveEvent::Depart { date: d("2025-03-01") };
        assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"event":"depart","date":"2025-03-01"}"#);
        let s = LeaveState::Approved { by: Authority::County };
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"{"state":"approved","by":"county"}"#);
        let back: LeaveEvent = serde_json::from_str(&serde_json::to_string(&ret("2025-03-05")).unwrap()).unwrap();
        assert_eq!(back, ret("2025-03-05"));
    }

    // --- monotonicity (more days never need a lower authority) ---

    fn any_rules() -> impl Strategy<Value = LeaveRules> {
        (any::<bool>(), 1u32..15, 15u32..60, 10u32..60, 1u32..4).prop_map(
            |(delegated, office, county, limit, months)| LeaveRules {
                office_delegated: delegated,
                office_max_days: office,
                county_max_days: county,
                cumulative_limit_days: limit,
                cumulative_window_months: months,
                ..national()
            },
        )
    }

    proptest! {
        #[test]
        fn required_authority_is_monotone(rules in any_rules(), d1 in 0u32..100, extra in 0u32..100, prior in 0u32..100, more_prior in 0u32..20) {
            let d2 = d1 + extra;
            let lower = required_authority(d1, prior + d1, &rules);
            let higher = required_authority(d2, prior + more_prior + d2, &rules);
            prop_assert!(lower <= higher);
        }

        #[test]
        fn assessed_authority_is_monotone_in_days(
            rules in any_rules(),
            len in 1i64..70,
            extra in 0i64..40,
            start_offset in 0i64..60,
            history in proptest::collection::vec((0i64..200, 1i64..25), 0..5),
        ) {
            let start = d("2025-06-01") + chrono::Duration::days(start_offset);
            let mut c = ctx();
            // Past and future granted leave, completed so that overlaps do not refuse the request.
            for (i, (off, n)) in history.iter().enumerate() {
                let s = d("2025-03-01") + chrono::Duration::days(*off);
                let range = DateRange::new(s, s + chrono::Duration::days(n - 1));
                c.other_leaves.push(OtherLeave { id: id(i as u128), range, status: OtherLeaveStatus::Completed, days: leave_days(range, &rules) });
            }
            let mut short = draft("2025-06-01", "2025-06-01");
            short.start = start;
            short.end = start + chrono::Duration::days(len - 1);
            let mut long = short.clone();
            long.end = short.end + chrono::Duration::days(extra);
            let a = assess_leave(&short, &c, &rules, &cal()).unwrap();
            let b = assess_leave(&long, &c, &rules, &cal()).unwrap();
            prop_assert!(a.authority <= b.authority, "{:?} then {:?}", a, b);
            prop_assert!(a.cumulative.days <= b.cumulative.days);
        }
    }
}
