//! 演示所: a deterministic township office (司法所) generated from a seed, for `jiaowu demo` and
//! for tests.
//!
//! Every row goes through the public use cases of [`Core`] (register_subject, record_visit,
//! submit_leave_request …), so demo data passes the same validation as a clerk's entry and lands
//! with its audit entry and outbox op. Randomness comes only from `ChaCha8Rng::seed_from_u64`,
//! "today" only from the injected clock: the same seed on the same day gives the same office.
//!
//! The generator first plans every subject's story (term, class history, leaves, sanctions,
//! gaps) as plain data, then replays it through the use cases in an order the state machine
//! accepts: registration, intake events, teams and plans, class decisions, monthly group work
//! (before anyone leaves the register), routine records, proposals, leave, custody, corrections,
//! lost contact, and finally release at expiry.
//!
//! Routine duties follow the rule pack in force (class policy per window, hour quotas per month,
//! medical cadences), so the obligations page is clean in the past — except for the deliberate
//! gaps: in the current and previous month several subjects miss reports and visits and are short
//! of study and service hours.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use jiaowu_domain::calendar::add_months;
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::leave::{destination_within, residence_city, Authority, LeaveReasonKind};
use jiaowu_domain::obligations::{ActivityKind, ObligationKind};
use jiaowu_domain::rule_pack::{ClassPolicy, Duty, Period, RulePack};
use jiaowu_domain::{id_number, term, DateRange, ReportMethod, SentenceType, Sex, SupervisionClass};
use jiaowu_store::{
    AssessmentInput, Attendance, ClassChangeInput, ContactMethod, CorrectionPlanInput, CostKind, CounsellingInput,
    CounsellingKind, DecidedBy, DecisionInput, DecisionTarget, Grade, HelpKind, HelpRecordInput, Interviewee,
    ItCheckInput, ItCheckMethod, ItCheckResult, LedgerEntryInput, LedgerTheme, LostContactEpisodeInput,
    LostContactStepInput, LostContactStepKind, MedicalReportInput, MedicalReportKind, PermitKind, PlaceType,
    ReceivedSource, Record, ReleaseStepInput, ReleaseStepKind, ReportInput, SanctionInput, SanctionKind, StudyMode,
    SubjectEventInput, SubjectEventKind, TalkInput, TalkType, TeamMemberInput, TravelPermitInput, TravelTripInput,
    ViolationKind, VisitInput,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::leave::{LeaveForm, LeaveStep, LeaveStepInput};
use crate::printing::cn_date;
use crate::records::{CorrectRecordInput, RecordKind};
use crate::sessions::{AttendanceLine, ParticipationLine, ServiceActivityForm, StudySessionForm};
use crate::subjects::RegisterSubjectInput;
use crate::{zh, Core};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoSpec {
    pub seed: u64,
    /// Subjects registered (default 60).
    pub subjects: usize,
    /// Years of history before today (default 2).
    pub years: u32,
}

impl Default for DemoSpec {
    fn default() -> Self {
        DemoSpec { seed: 42, subjects: 60, years: 2 }
    }
}

/// What was generated. Subject counts are taken from the store after generation; labels are the
/// Chinese ones shown in the app. Deterministic for a seed and a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub seed: u64,
    pub today: NaiveDate,
    /// First day of the generated history.
    pub from: NaiveDate,
    pub subjects: usize,
    /// 矫正类别 → subjects.
    pub by_type: BTreeMap<String, usize>,
    /// 管理类别 → subjects (all demo subjects, current class).
    pub by_class: BTreeMap<String, usize>,
    /// 状态 → subjects.
    pub by_status: BTreeMap<String, usize>,
    pub minors: usize,
    pub women: usize,
    pub medical_parole: usize,
    /// Table (or use case) → rows written through the use cases.
    pub records: BTreeMap<String, usize>,
    pub records_total: usize,
    /// 外出 state → requests.
    pub leaves: BTreeMap<String, usize>,
    /// 逾期未归.
    pub overdue_leaves: usize,
}

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------

/// Office staff who appear in records (the logged-in head records them).
const STAFF: [&str; 4] = ["刘建华", "张磊", "王晓燕", "李倩"];
const FEMALE_STAFF: &str = "王晓燕";
const SOCIAL_WORKER: &str = "李倩";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "王", "李", "张", "刘", "陈", "杨", "赵", "徐", "孙",
    "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "潘", "杜",
    "戴", "田", "任", "姜", "范", "石", "姚", "谭", "邹", "金", "郝", "孔", "白", "崔", "康", "毛", "秦", "史", "侯",
    "邵", "孟", "段", "尹", "常", "武", "乔", "贺", "耿", "齐", "霍", "牛", "甄", "闫",
];
const MALE_GIVEN: &[&str] = &[
    "建国", "志强", "伟", "磊", "军", "勇", "海涛", "俊杰", "浩然", "鹏", "超", "明", "晓东", "国庆", "红军", "立新",
    "振华", "宏伟", "春生", "永刚", "金宝", "文博", "建军", "卫东", "新民", "保平", "小龙", "大伟", "占军", "春雷",
    "德胜", "福来", "志国", "学军", "利民", "海军", "胜利", "国强", "树林", "文杰", "宏亮", "少华", "建平", "振国",
    "二虎", "铁军", "旭", "强", "辉", "刚", "亮", "涛",
];
const FEMALE_GIVEN: &[&str] = &[
    "秀英", "桂英", "丽娟", "美玲", "丽", "静", "敏", "艳", "芳", "娜", "婷婷", "雪梅", "春燕", "晓红", "玉兰", "淑珍",
    "桂芝", "凤英", "红梅", "秀兰", "海燕", "丽华", "晓丽", "玉梅", "翠霞", "素芳",
];
const MINOR_MALE_GIVEN: &[&str] = &["子轩", "浩宇", "宇航", "一鸣", "博文", "俊熙", "梓豪", "天佑"];
const MINOR_FEMALE_GIVEN: &[&str] = &["欣怡", "梓萱", "雨桐", "思雨"];
/// A registered name with a CJK Extension B character (U+2A6A5): stored byte-exact.
const RARE_NAME: &str = "王𪚥";
/// A minority name with U+00B7 MIDDLE DOT, as 公安 registers it.
const MINORITY_NAME: &str = "艾力·买买提";
/// The showcase: a 缓刑 subject near the end of his term whose file holds every kind of record
/// a 缓刑 case can have (all but the 暂予监外执行 medical reports), for the dossier's hand
/// check (README). Offices of 12 subjects or more have one.
pub const SHOWCASE_NAME: &str = "周立诚";

/// Villages and communities of the office's township.
const VILLAGES: &[&str] = &[
    "东关村",
    "西关村",
    "南关村",
    "北关村",
    "东街村",
    "西街村",
    "小营村",
    "大营村",
    "王家庄村",
    "李家庄村",
    "孙村",
    "河北村",
    "柳林铺村",
    "高家屯村",
    "马家寨村",
    "新华社区",
    "建设路社区",
    "府前街社区",
];

/// Places outside the county a subject may travel to: (division code, place).
const DESTINATIONS: &[(&str, &str)] = &[
    ("130102", "河北省石家庄市长安区"),
    ("130104", "河北省石家庄市桥西区"),
    ("130108", "河北省石家庄市裕华区"),
    ("130602", "河北省保定市竞秀区"),
    ("131102", "河北省衡水市桃城区"),
    ("110105", "北京市朝阳区"),
    ("110108", "北京市海淀区"),
    ("120104", "天津市南开区"),
    ("370102", "山东省济南市历下区"),
    ("410105", "河南省郑州市金水区"),
    ("320106", "江苏省南京市鼓楼区"),
    ("440106", "广东省广州市天河区"),
];

/// Birthplaces (first 6 digits of ID numbers) of subjects not born in the county.
const BIRTHPLACES: &[(&str, &str)] = &[
    ("130104", "河北省石家庄市桥西区"),
    ("130121", "河北省井陉县"),
    ("130125", "河北省行唐县"),
    ("130126", "河北省灵寿县"),
    ("130183", "河北省晋州市"),
    ("130602", "河北省保定市竞秀区"),
    ("410523", "河南省汤阴县"),
    ("371402", "山东省德州市德城区"),
];

const EDUCATION: &[&str] =
    &["小学", "初中", "初中", "初中", "初中", "高中", "高中", "中专", "中专", "大学专科", "大学专科", "大学本科"];

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158",
    "159", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "199",
];

/// Crimes for 缓刑 with 有期徒刑, with a fine (元) where the judgment usually adds one.
const PROBATION_CRIMES: &[(&str, u32)] = &[
    ("盗窃罪", 5000),
    ("盗窃罪", 3000),
    ("诈骗罪", 10000),
    ("故意伤害罪", 0),
    ("故意伤害罪", 0),
    ("交通肇事罪", 0),
    ("开设赌场罪", 20000),
    ("帮助信息网络犯罪活动罪", 5000),
    ("帮助信息网络犯罪活动罪", 3000),
    ("掩饰、隐瞒犯罪所得罪", 5000),
    ("寻衅滋事罪", 0),
    ("非法吸收公众存款罪", 50000),
    ("拒不支付劳动报酬罪", 20000),
    ("滥伐林木罪", 5000),
    ("非法占用农用地罪", 10000),
    ("职务侵占罪", 0),
    ("失火罪", 0),
    ("妨害公务罪", 0),
];
const PAROLE_CRIMES: &[&str] =
    &["抢劫罪", "故意伤害罪", "贩卖毒品罪", "诈骗罪", "盗窃罪", "非法拘禁罪", "聚众斗殴罪", "职务侵占罪"];
const OUTSIDE_CRIMES: &[&str] = &["诈骗罪", "非法吸收公众存款罪", "合同诈骗罪", "故意伤害罪", "盗窃罪", "贩卖毒品罪"];
/// Offences whose 法定刑 includes 管制 (刑法 Arts 264, 234, 293, 277, 245, 261, 246).
const CONTROL_CRIMES: &[&str] =
    &["盗窃罪", "故意伤害罪", "寻衅滋事罪", "妨害公务罪", "非法侵入住宅罪", "遗弃罪", "侮辱罪"];
const MINOR_CRIMES: &[&str] = &["盗窃罪", "寻衅滋事罪", "抢劫罪", "故意伤害罪"];

/// 保外就医 grounds (刑事诉讼法 Art 265 (1)).
const ILLNESSES: &[&str] = &[
    "患尿毒症，需维持性血液透析（每周三次）",
    "患肝癌，术后需继续化疗",
    "患严重冠心病，心功能Ⅲ级",
    "患肝硬化失代偿期",
    "患肺癌，需定期放化疗",
];

const STUDY_TOPICS: &[&str] = &[
    "《社区矫正法》及实施办法解读：社区矫正对象的权利与义务",
    "认罪悔罪教育：从案例看犯罪的代价",
    "《民法典》婚姻家庭编与家庭责任",
    "反电信网络诈骗宣传教育：不出租出借银行卡、电话卡",
    "道路交通安全法规与酒驾醉驾的危害",
    "禁毒知识教育：珍爱生命，远离毒品",
    "心理健康讲座：情绪管理与压力调适",
    "就业创业政策与职业技能培训介绍",
    "遵守外出请假、报告制度专题教育",
    "宪法学习：尊崇宪法，遵守法律",
    "安全生产与消防常识",
    "传统文化与家风建设：孝老爱亲",
    "《治安管理处罚法》常见违法行为解读",
    "防范非法集资知识讲座",
];
const MINOR_TOPICS: &[&str] = &[
    "《未成年人保护法》《预防未成年人犯罪法》学习",
    "青春期心理健康与人际交往",
    "网络安全与防沉迷教育",
    "学业规划与职业启蒙",
    "法治小课堂：校园欺凌的法律后果",
];
const SERVICE_WORK: &[(&str, &str)] = &[
    ("清扫村道及公共区域卫生，清理垃圾死角", "{town}主要街道"),
    ("到敬老院打扫卫生、陪护老人", "{town}敬老院"),
    ("协助网格员入户开展反诈宣传、发放宣传资料", "{town}各村（社区）"),
    ("植树及绿化带养护", "{town}滹沱河沿岸绿化带"),
    ("整理图书、维护阅览室秩序", "{town}综合文化站图书室"),
    ("清理河道漂浮物及岸边垃圾", "{town}北环河段"),
    ("协助开展交通劝导，文明出行宣传", "{town}十字路口"),
    ("为村小学清理操场、修整围栏", "{town}中心小学"),
];
const MINOR_SERVICE: &[(&str, &str)] = &[
    ("整理图书、协助开展儿童阅读活动", "{town}综合文化站图书室"),
    ("到敬老院为老人表演节目、打扫卫生", "{town}敬老院"),
    ("参加禁毒宣传志愿服务", "{town}文化广场"),
];

/// Province abbreviations (GB/T 2260 first two digits) for document numbers.
fn province_abbr(code2: &str) -> &'static str {
    match code2 {
        "11" => "京",
        "12" => "津",
        "13" => "冀",
        "14" => "晋",
        "15" => "蒙",
        "21" => "辽",
        "22" => "吉",
        "23" => "黑",
        "31" => "沪",
        "32" => "苏",
        "33" => "浙",
        "34" => "皖",
        "35" => "闽",
        "36" => "赣",
        "37" => "鲁",
        "41" => "豫",
        "42" => "鄂",
        "43" => "湘",
        "44" => "粤",
        "45" => "桂",
        "46" => "琼",
        "50" => "渝",
        "51" => "川",
        "52" => "黔",
        "53" => "滇",
        "54" => "藏",
        "61" => "陕",
        "62" => "甘",
        "63" => "青",
        "64" => "宁",
        _ => "新",
    }
}

/// Names of the local organs, from the office's division code.
struct Local {
    county6: String,
    town: String,
    abbr: &'static str,
    /// One character used in county document numbers (正社矫训字…).
    short: String,
    court: String,
    mid_court: String,
    prison: String,
    prison_admin: String,
    police: String,
    station: String,
    procuratorate: String,
    hospital: String,
    designated_hospital: String,
    county_agency: String,
    office_name: String,
}

impl Local {
    fn new(office: &crate::Office) -> Local {
        let digits: String = office.division_code.chars().take(6).collect();
        let county6 = if digits.len() == 6 && residence_city(&digits).is_ok() { digits } else { "130123".to_string() };
        let town = office.name.replace("（演示）", "").replace("司法所", "");
        let town = if town.trim().is_empty() { "城关镇".to_string() } else { town.trim().to_string() };
        let abbr = province_abbr(&county6[..2]);
        let real = county6 == "130123";
        let (county, city, province) =
            if real { ("正定县", "石家庄市", "河北省") } else { ("某县", "某市", "某省") };
        Local {
            abbr,
            short: county.chars().next().unwrap_or('某').to_string(),
            court: format!("{county}人民法院"),
            mid_court: format!("{city}中级人民法院"),
            prison: if real { "河北省石家庄监狱".into() } else { format!("{province}第一监狱") },
            prison_admin: format!("{province}监狱管理局"),
            police: format!("{county}公安局"),
            station: format!("{county}公安局{town}派出所"),
            procuratorate: format!("{county}人民检察院"),
            hospital: format!("{county}人民医院"),
            designated_hospital: if real {
                "河北医科大学第二医院".into()
            } else {
                format!("{city}第一医院")
            },
            county_agency: office.county_name.clone(),
            office_name: office.name.clone(),
            county6,
            town,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + Duration::days(days)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

fn intersect(a: DateRange, b: DateRange) -> Option<DateRange> {
    let r = DateRange::new(a.start.max(b.start), a.end.min(b.end));
    (r.start <= r.end).then_some(r)
}

fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

fn month_of(d: NaiveDate) -> DateRange {
    let s = month_start(d);
    DateRange::new(s, plus(add_months(s, 1), -1))
}

/// `times × days / window_days`, rounded half up (as the obligations engine prorates).
fn prorate_half_up(times: u32, days: i64, window_days: i64) -> u32 {
    if days <= 0 || window_days <= 0 {
        return 0;
    }
    u32::try_from((2 * i64::from(times) * days + window_days) / (2 * window_days)).unwrap_or(0)
}

/// Whole hours × days / window_days, rounded up (the engine's hour proration).
fn prorate_up(hours: u32, days: i64, window_days: i64) -> u32 {
    if days <= 0 || window_days <= 0 {
        return 0;
    }
    u32::try_from((i64::from(hours) * days + window_days - 1) / window_days).unwrap_or(0)
}

/// Calendar-aligned windows of `period` that touch `span`.
fn windows(period: Period, span: DateRange) -> Vec<DateRange> {
    let mut out = Vec::new();
    let mut w = period.window_containing(span.start);
    while w.start <= span.end {
        out.push(w);
        w = period.window_containing(plus(w.end, 1));
    }
    out
}

fn covered_days(spans: &[DateRange], range: DateRange) -> i64 {
    (0..range.days_inclusive()).filter(|i| spans.iter().any(|s| s.contains(plus(range.start, *i)))).count() as i64
}

/// 1–99 in Chinese numerals as judgments write them (二年, 十八个月 is written 一年六个月).
fn cn(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ if n % 10 == 0 => format!("{}十", D[(n / 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

fn cn_months(m: u32) -> String {
    match (m / 12, m % 12) {
        (0, r) => format!("{}个月", cn(r)),
        (y, 0) => format!("{}年", cn(y)),
        (y, r) => format!("{}年{}个月", cn(y), cn(r)),
    }
}

fn yuan(n: u32) -> String {
    if n % 10000 == 0 {
        format!("{}万元", cn(n / 10000))
    } else if n % 1000 == 0 {
        format!("{}千元", cn(n / 1000))
    } else {
        format!("{n}元")
    }
}

fn hm(h: u32, m: u32) -> String {
    format!("{h:02}:{m:02}")
}

/// Clock time `minutes` after `h:m`.
fn after(h: u32, m: u32, minutes: u32) -> String {
    let t = (h * 60 + m + minutes).min(23 * 60 + 59);
    hm(t / 60, t % 60)
}

/// Prefixes a refusal with the step that produced it, so a generator bug names itself.
fn ctx(what: &'static str) -> impl Fn(AppError) -> AppError {
    move |mut e| {
        for p in &mut e.problems {
            p.message = crate::zh::demo_step_failed(what, &p.message);
        }
        e
    }
}

fn beijing(d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    d.and_hms_opt(h, m, 0)
        .expect("valid time")
        .and_local_timezone(crate::clock::shanghai())
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// Judgment effective in the last days, not yet reported.
    Pending,
    /// Reported within the last month (入矫教育期), recorded through intake events.
    Entry,
    /// Term over: released at expiry.
    Released,
    Regular,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tk {
    Entry,
    Routine,
    Violation,
    BeforeLeave,
    OnReturn,
    PreRelease,
}

/// A planned routine act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Report(ReportMethod),
    /// 实地查访; `first` is the first visit after 报到.
    Visit {
        first: bool,
    },
    /// A visit where the subject was not met (does not count toward the duty).
    VisitAbsent,
    Talk(Tk),
    ItCheck {
        anomaly: bool,
    },
}

impl Act {
    fn activity(self) -> Option<ActivityKind> {
        match self {
            Act::Report(m) => Some(ActivityKind::Report(m)),
            Act::Visit { .. } => Some(ActivityKind::Visit),
            Act::VisitAbsent => None,
            Act::Talk(_) => Some(ActivityKind::Talk),
            Act::ItCheck { .. } => Some(ActivityKind::ItCheck),
        }
    }
    /// Needs the subject at home (not while away on leave).
    fn in_person(self) -> bool {
        matches!(self, Act::Report(ReportMethod::InPerson | ReportMethod::Written) | Act::Visit { .. } | Act::Talk(_))
    }
}

#[derive(Debug, Clone)]
struct ChangePlan {
    proposed_on: NaiveDate,
    old: SupervisionClass,
    new: SupervisionClass,
    reason: String,
    decided_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Decided by the office (or the county when not delegated), departed, returned on time.
    Returned {
        extension: bool,
    },
    /// 8–15 days: office opinion, county decision, returned.
    CountyReturned,
    AwaitingCounty,
    AwaitingOffice,
    Rejected,
    Overdue,
    ReturnedLate,
    Cancelled,
}

#[derive(Debug, Clone)]
struct LeavePlan {
    sub: usize,
    fate: Fate,
    applied: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    /// End after an approved extension.
    extended_to: Option<NaiveDate>,
    returned: Option<NaiveDate>,
    dest: (&'static str, &'static str),
    reason_kind: LeaveReasonKind,
    reason: String,
    urgent: bool,
}

#[derive(Debug, Clone)]
struct SanctionPlan {
    sub: usize,
    kind: SanctionKind,
    proposed_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    facts: String,
    basis: &'static str,
}

#[derive(Debug, Clone)]
struct Sub {
    name: String,
    sex: Sex,
    birth: NaiveDate,
    id_number: String,
    ethnicity: &'static str,
    phone: String,
    minor: bool,
    village: &'static str,
    address: String,
    household: Option<(String, String)>,
    employer: Option<String>,
    education: &'static str,
    ty: SentenceType,
    crime: &'static str,
    sentence: String,
    judgment: NaiveDate,
    term_start: NaiveDate,
    term_end: NaiveDate,
    organ: String,
    doc_no: String,
    injunction: Option<String>,
    medical_parole: bool,
    ground: Option<&'static str>,
    able_to_work: bool,
    guardian: Option<(String, String)>,
    received: ReceivedSource,
    profile: Profile,
    reported_on: Option<NaiveDate>,
    release_on: Option<NaiveDate>,
    family: Vec<(String, &'static str, Sex)>,
    classes: Vec<(NaiveDate, SupervisionClass)>,
    changes: Vec<ChangePlan>,
    lagging: bool,
    lost_on: Option<NaiveDate>,
    custody: Vec<DateRange>,
    detained_now: Option<NaiveDate>,
    away: Vec<DateRange>,
    entrepreneur: bool,
    commuter: bool,
    busy: bool,
    monthly_assessment: bool,
    /// The showcase subject (`SHOWCASE_NAME`).
    showcase: bool,
    /// A past 失联 of a day or two, found again.
    lost_past: Option<DateRange>,
    /// Days the subject is already met in person (a group session, a report, a talk, a
    /// visit): one such act a day, so no record puts him in two places at once.
    met_days: std::collections::BTreeSet<NaiveDate>,
    /// A hazard found in the office's screening, from its finding to its resolution.
    hazard: Option<DateRange>,
    /// A travel permit: applied for, valid from.
    permit: Option<(NaiveDate, NaiveDate)>,
    /// Days off sick from a group session (the afternoon's public welfare too).
    ill_days: std::collections::BTreeSet<NaiveDate>,
    id: Option<SubjectId>,
}

impl Sub {
    /// Last day of supervision activity up to today.
    fn last_day(&self, today: NaiveDate) -> NaiveDate {
        let mut last = self.term_end.min(today);
        if let Some(l) = self.lost_on {
            last = last.min(l);
        }
        if let Some(d) = self.detained_now {
            last = last.min(plus(d, -1));
        }
        last
    }
    /// Supervision so far: from 报到 to the last day of activity.
    fn sup(&self, today: NaiveDate) -> Option<DateRange> {
        let start = self.reported_on?;
        let end = self.last_day(today);
        (start <= end).then(|| DateRange::new(start, end))
    }
    fn class_at(&self, d: NaiveDate) -> SupervisionClass {
        jiaowu_domain::obligations::class_on(&self.classes, self.classes[0].1, d)
    }
    /// In custody, or lost to contact for a while: no act of the office reaches the subject.
    fn out_of_reach(&self, d: NaiveDate) -> bool {
        self.custody.iter().any(|c| c.contains(d))
            || self.detained_now.is_some_and(|s| d >= s)
            || self.lost_past.is_some_and(|l| l.contains(d))
    }
    fn away_on(&self, d: NaiveDate) -> bool {
        self.away.iter().any(|a| a.contains(d))
    }
    fn age_on(&self, d: NaiveDate) -> i32 {
        let mut a = d.year() - self.birth.year();
        if (d.month(), d.day()) < (self.birth.month(), self.birth.day()) {
            a -= 1;
        }
        a
    }
    fn he(&self) -> &'static str {
        if self.sex == Sex::Female {
            "她"
        } else {
            "他"
        }
    }
    fn relative(&self) -> Option<&(String, &'static str, Sex)> {
        self.family.first()
    }
}

/// Sentence and term length, chosen together so they agree with 刑法.
struct SentencePlan {
    months: u32,
    crime: &'static str,
    text: String,
    injunction: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

struct Demo<'a> {
    core: &'a mut Core,
    rng: ChaCha8Rng,
    today: NaiveDate,
    from: NaiveDate,
    local: Local,
    subs: Vec<Sub>,
    leaves: Vec<LeavePlan>,
    sanctions: Vec<SanctionPlan>,
    counts: BTreeMap<String, usize>,
    doc_seq: BTreeMap<String, u32>,
    used_ids: std::collections::BTreeSet<String>,
    used_names: std::collections::BTreeSet<String>,
    cadres: Vec<(String, &'static str)>,
    /// Record ids kept for the corrections at the end.
    to_correct: Vec<(RecordKind, RecordId, usize)>,
}

impl Core {
    /// Fills the office with a realistic demo caseload (see the module notes). Needs the 负责人
    /// (leave decisions and transcribed county decisions are the head's).
    pub fn seed_demo(&mut self, spec: &DemoSpec) -> Result<DemoSummary, AppError> {
        self.require_head("生成演示数据")?;
        if spec.subjects == 0 || spec.subjects > 3000 {
            return Err(AppError::invalid("subjects", "demo.subjects", crate::zh::DEMO_BAD_SUBJECTS));
        }
        if !(1..=5).contains(&spec.years) {
            return Err(AppError::invalid("years", "demo.years", crate::zh::DEMO_BAD_YEARS));
        }
        let today = self.today();
        let from = add_months(today, -12 * spec.years as i32);
        let local = Local::new(&self.office);
        let mut demo = Demo {
            core: self,
            rng: ChaCha8Rng::seed_from_u64(spec.seed),
            today,
            from,
            local,
            subs: Vec::new(),
            leaves: Vec::new(),
            sanctions: Vec::new(),
            counts: BTreeMap::new(),
            doc_seq: BTreeMap::new(),
            used_ids: Default::default(),
            used_names: Default::default(),
            cadres: Vec::new(),
            to_correct: Vec::new(),
        };
        demo.run(spec)
    }
}

impl Demo<'_> {
    fn run(&mut self, spec: &DemoSpec) -> Result<DemoSummary, AppError> {
        self.plan_cadres();
        self.plan_subjects(spec.subjects)?;
        self.plan_classes();
        self.plan_showcase();
        self.plan_roles();
        self.register_all()?;
        self.intake_all()?;
        self.teams_and_plans()?;
        self.class_decisions()?;
        self.group_work()?;
        self.routine()?;
        self.medical()?;
        self.assessments_and_education()?;
        self.proposals()?;
        self.showcase_records()?;
        self.travel_permits()?;
        self.leave_all()?;
        self.custody_events()?;
        self.corrections()?;
        self.lost_contact()?;
        self.releases()?;
        self.summary(spec)
    }

    fn bump(&mut self, what: &str) {
        *self.counts.entry(what.to_string()).or_default() += 1;
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        *xs.choose(&mut self.rng).expect("non-empty list")
    }

    fn day_in(&mut self, a: NaiveDate, b: NaiveDate) -> NaiveDate {
        if b <= a {
            return a;
        }
        plus(a, self.rng.gen_range(0..=days_between(a, b)))
    }

    fn working(&self, d: NaiveDate) -> bool {
        self.core.calendar.is_working_day(d)
    }

    /// Same day or the next working day.
    fn next_working(&self, mut d: NaiveDate) -> NaiveDate {
        for _ in 0..15 {
            if self.working(d) {
                return d;
            }
            d = plus(d, 1);
        }
        d
    }

    fn staff(&mut self) -> &'static str {
        self.pick(&STAFF[1..])
    }

    fn pair(&mut self) -> Vec<String> {
        let a = self.pick(&STAFF[1..]);
        let b = if a == FEMALE_STAFF { "张磊" } else { FEMALE_STAFF };
        vec![a.to_string(), b.to_string()]
    }

    /// Next number of a county document series (训诫决定书 …), by year.
    fn doc(&mut self, series: &str, d: NaiveDate) -> String {
        let key = format!("{series}{}", d.year());
        let start = self.rng.gen_range(3..20);
        let n = self.doc_seq.entry(key).or_insert(start);
        *n += self.rng.gen_range(1..4);
        format!("{}{}〔{}〕{}号", self.local.short, series, d.year(), n)
    }

    fn pack_at(&self, d: NaiveDate) -> Option<&RulePack> {
        self.core.rules.pack_for(d).or_else(|| self.core.rules.pack_for(self.today))
    }

    fn person_name(&mut self, sex: Sex, minor: bool) -> String {
        for _ in 0..50 {
            let s = self.pick(SURNAMES);
            let g = match (sex, minor) {
                (Sex::Male, false) => self.pick(MALE_GIVEN),
                (Sex::Female, false) => self.pick(FEMALE_GIVEN),
                (Sex::Male, true) => self.pick(MINOR_MALE_GIVEN),
                (Sex::Female, true) => self.pick(MINOR_FEMALE_GIVEN),
            };
            let n = format!("{s}{g}");
            if self.used_names.insert(n.clone()) {
                return n;
            }
        }
        let n = format!("{}{}", self.pick(SURNAMES), self.pick(MALE_GIVEN));
        self.used_names.insert(n.clone());
        n
    }

    fn relative_name(&mut self, sex: Sex, surname: Option<&str>) -> String {
        let s = surname.map(str::to_string).unwrap_or_else(|| self.pick(SURNAMES).to_string());
        let g = if sex == Sex::Male { self.pick(MALE_GIVEN) } else { self.pick(FEMALE_GIVEN) };
        format!("{s}{g}")
    }

    fn mobile(&mut self) -> String {
        let p = self.pick(MOBILE_PREFIXES);
        format!("{p}{:08}", self.rng.gen_range(0..100_000_000u32))
    }

    fn id_number(&mut self, area: &str, birth: NaiveDate, sex: Sex) -> Result<String, AppError> {
        for _ in 0..200 {
            let mut seq: u32 = self.rng.gen_range(1..=999);
            if (seq % 2 == 1) != (sex == Sex::Male) {
                seq = if seq == 999 { 998 } else { seq + 1 };
            }
            let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
            let check = id_number::check_digit(&first17).ok_or_else(|| AppError::internal("demo id"))?;
            let n = format!("{first17}{check}");
            if self.used_ids.contains(&n) || self.core.store.subject_by_id_number(&n)?.is_some() {
                continue;
            }
            self.used_ids.insert(n.clone());
            return Ok(n);
        }
        Err(AppError::internal("demo: no free ID number"))
    }

    fn plan_cadres(&mut self) {
        for _ in VILLAGES {
            let female = self.chance(0.25);
            let sex = if female { Sex::Female } else { Sex::Male };
            let name = self.person_name(sex, false);
            let role = if female {
                "村妇联主席"
            } else {
                self.pick(&["村党支部书记", "村委会主任", "网格员"])
            };
            self.cadres.push((name, role));
        }
    }

    fn cadre(&self, village: &str) -> (String, &'static str) {
        let i = VILLAGES.iter().position(|v| *v == village).unwrap_or(0);
        self.cadres[i].clone()
    }

    // -----------------------------------------------------------------------------------------
    // Planning subjects
    // -----------------------------------------------------------------------------------------

    fn plan_subjects(&mut self, n: usize) -> Result<(), AppError> {
        // Types by largest remainder: 缓刑 70 %, 假释 15 %, 暂予监外执行 10 %, 管制 5 %.
        let shares = [
            (SentenceType::Probation, 70usize),
            (SentenceType::Parole, 15),
            (SentenceType::TemporaryOutside, 10),
            (SentenceType::Control, 5),
        ];
        let mut counts: Vec<(SentenceType, usize, usize)> =
            shares.iter().map(|(t, p)| (*t, n * p / 100, (n * p) % 100)).collect();
        let mut left = n - counts.iter().map(|c| c.1).sum::<usize>();
        let mut order: Vec<usize> = (0..counts.len()).collect();
        order.sort_by(|a, b| counts[*b].2.cmp(&counts[*a].2).then(a.cmp(b)));
        for i in order {
            if left == 0 {
                break;
            }
            counts[i].1 += 1;
            left -= 1;
        }
        let mut types: Vec<SentenceType> = counts.iter().flat_map(|(t, k, _)| std::iter::repeat_n(*t, *k)).collect();
        types.shuffle(&mut self.rng);

        let pending = if n >= 10 { (n / 30).max(1) } else { 0 };
        let entry = if n >= 6 { (n / 15).max(1) } else { 0 };
        let released = if n >= 6 { (n / 6).max(1) } else { 0 };
        let mut profiles: Vec<Profile> = std::iter::repeat_n(Profile::Pending, pending)
            .chain(std::iter::repeat_n(Profile::Entry, entry))
            .chain(std::iter::repeat_n(Profile::Released, released))
            .collect();
        profiles.resize(n, Profile::Regular);
        profiles.shuffle(&mut self.rng);
        // 暂予监外执行 subjects are handed over by the organs: none pending here.
        for i in 0..n {
            if types[i] == SentenceType::TemporaryOutside && profiles[i] == Profile::Pending {
                if let Some(j) =
                    (0..n).find(|j| types[*j] == SentenceType::Probation && profiles[*j] == Profile::Regular)
                {
                    profiles.swap(i, j);
                }
            }
        }

        // Minors: 缓刑 cases, about 5 %; women about 13 % (one 暂予监外执行 for nursing).
        let minors_wanted = if n >= 10 { (n / 20).max(1) } else { 0 };
        let mut minor = vec![false; n];
        let mut k = 0;
        for i in 0..n {
            if k < minors_wanted
                && types[i] == SentenceType::Probation
                && matches!(profiles[i], Profile::Regular | Profile::Entry)
            {
                minor[i] = true;
                k += 1;
            }
        }
        let mut female = vec![false; n];
        let outside: Vec<usize> = (0..n).filter(|i| types[*i] == SentenceType::TemporaryOutside).collect();
        let nursing = if outside.len() >= 3 { Some(outside[0]) } else { None };
        if let Some(i) = nursing {
            female[i] = true;
        }
        let women_wanted = (n * 13).div_ceil(100);
        let mut tries = 0;
        while female.iter().filter(|f| **f).count() < women_wanted && tries < 10 * n {
            tries += 1;
            let i = self.rng.gen_range(0..n);
            if !female[i] && Some(i) != outside.get(1).copied() {
                female[i] = true;
            }
        }
        // The rare-character and the minority name go to two adult men.
        let men: Vec<usize> =
            (0..n).filter(|i| !female[*i] && !minor[*i] && profiles[*i] != Profile::Pending).collect();
        let rare = men.first().copied();
        let minority = men.get(men.len() / 2).copied().filter(|m| Some(*m) != rare);
        let showcase = (n >= 12)
            .then(|| {
                men.iter().copied().find(|i| {
                    types[*i] == SentenceType::Probation
                        && profiles[*i] == Profile::Regular
                        && Some(*i) != rare
                        && Some(*i) != minority
                })
            })
            .flatten();

        for i in 0..n {
            let sex = if female[i] { Sex::Female } else { Sex::Male };
            let special = if Some(i) == rare {
                Some(RARE_NAME)
            } else if Some(i) == minority {
                Some(MINORITY_NAME)
            } else {
                None
            };
            let special = if Some(i) == showcase { Some(SHOWCASE_NAME) } else { special };
            let s = self.plan_subject(types[i], profiles[i], sex, minor[i], special, Some(i) == nursing)?;
            self.subs.push(s);
        }
        // Register in the order the files arrived.
        self.subs.sort_by_key(|s| s.term_start);
        Ok(())
    }

    fn sentence(&mut self, ty: SentenceType, minor: bool, cap: u32) -> SentencePlan {
        let cap = cap.max(2);
        match ty {
            SentenceType::Probation => {
                if minor {
                    let crime = self.pick(MINOR_CRIMES);
                    let orig = self.pick(&[6u32, 8, 10, 12]);
                    let months = self.pick(&[12u32, 18, 24]).min(cap).max(12.max(orig));
                    return SentencePlan {
                        months,
                        crime,
                        text: format!("有期徒刑{}，缓刑{}", cn_months(orig), cn_months(months)),
                        injunction: Some("禁止进入网吧、酒吧等娱乐场所".into()),
                    };
                }
                // 拘役 (mostly 危险驾驶) or 有期徒刑, probation within 刑法 Art 73.
                if cap < 12 || self.chance(0.22) {
                    let orig = self.rng.gen_range(1..=5u32);
                    let months = (orig + self.rng.gen_range(1..=6)).clamp(orig.max(2), 12).min(cap.max(orig.max(2)));
                    let (crime, fine) = if self.chance(0.8) {
                        ("危险驾驶罪", self.pick(&[2000u32, 3000, 4000, 5000, 6000]))
                    } else {
                        ("盗窃罪", self.pick(&[1000u32, 2000, 3000]))
                    };
                    return SentencePlan {
                        months,
                        crime,
                        text: format!(
                            "拘役{}，缓刑{}，并处罚金人民币{}",
                            cn_months(orig),
                            cn_months(months),
                            yuan(fine)
                        ),
                        injunction: None,
                    };
                }
                let (crime, fine) = self.pick(PROBATION_CRIMES);
                let origs: Vec<u32> = [6u32, 7, 8, 9, 10, 12, 12, 14, 18, 24, 30, 36]
                    .into_iter()
                    .filter(|o| (*o).max(12) <= cap)
                    .collect();
                let orig = self.pick(&origs);
                let lo = orig.max(12);
                // 刑法 Art 73: probation not shorter than the sentence, at least 1 year, at most 5.
                let months = ((lo + self.pick(&[0u32, 6, 6, 12, 12, 24])) / 6 * 6).clamp(lo, 60).min(cap);
                let fine_text =
                    if fine > 0 { format!("，并处罚金人民币{}", yuan(fine)) } else { String::new() };
                let injunction = match crime {
                    "开设赌场罪" => Some("禁止在缓刑考验期内进入棋牌室、娱乐场所".to_string()),
                    "寻衅滋事罪" | "故意伤害罪" if self.chance(0.5) => {
                        Some("禁止在缓刑考验期内进入夜总会、酒吧、迪厅等娱乐场所".to_string())
                    }
                    "非法吸收公众存款罪" => Some("禁止在缓刑考验期内从事金融业务活动".to_string()),
                    _ => None,
                };
                SentencePlan {
                    months,
                    crime,
                    text: format!("有期徒刑{}，缓刑{}{fine_text}", cn_months(orig), cn_months(months)),
                    injunction,
                }
            }
            SentenceType::Parole => {
                let crime = self.pick(PAROLE_CRIMES);
                let months = self.rng.gen_range(6..=30u32).min(cap);
                let orig_years = ((months * 2) / 12 + self.rng.gen_range(1..=5)).max(3);
                SentencePlan {
                    months,
                    crime,
                    text: format!("有期徒刑{}（假释，剩余刑期{}）", cn_months(orig_years * 12), cn_months(months)),
                    injunction: None,
                }
            }
            SentenceType::TemporaryOutside => {
                let crime = self.pick(OUTSIDE_CRIMES);
                let months = self.rng.gen_range(8..=30u32).min(cap);
                let orig_years = (months / 12 + self.rng.gen_range(1..=6)).max(2);
                SentencePlan {
                    months,
                    crime,
                    text: format!(
                        "有期徒刑{}（暂予监外执行，剩余刑期{}）",
                        cn_months(orig_years * 12),
                        cn_months(months)
                    ),
                    injunction: None,
                }
            }
            SentenceType::Control => {
                let crime = self.pick(CONTROL_CRIMES);
                let months = self.pick(&[6u32, 8, 10, 12, 12, 18, 24]).min(cap).max(3);
                SentencePlan { months, crime, text: format!("管制{}", cn_months(months)), injunction: None }
            }
        }
    }

    /// The showcase's sentence: 故意伤害 (so psychological counselling), probation as long as
    /// the history allows (刑法 Art 73: not shorter than the sentence, 拘役 2 months to a year,
    /// 有期徒刑 at least a year).
    fn showcase_sentence(&mut self, months_back: u32) -> SentencePlan {
        let months = months_back.saturating_sub(1).clamp(2, 36);
        let text = if months >= 12 {
            let months = months / 6 * 6;
            let orig = if months >= 18 { 12 } else { 8 };
            return SentencePlan {
                months,
                crime: "故意伤害罪",
                text: format!("有期徒刑{}，缓刑{}", cn_months(orig), cn_months(months)),
                injunction: Some("禁止在缓刑考验期内进入夜总会、酒吧、迪厅等娱乐场所".into()),
            };
        } else {
            format!("拘役{}，缓刑{}", cn_months((months / 2).max(1)), cn_months(months))
        };
        SentencePlan { months, crime: "故意伤害罪", text, injunction: None }
    }

    fn plan_subject(
        &mut self,
        ty: SentenceType,
        profile: Profile,
        sex: Sex,
        minor: bool,
        special: Option<&'static str>,
        nursing: bool,
    ) -> Result<Sub, AppError> {
        let today = self.today;
        let months_back =
            ((today.year() - self.from.year()) * 12 + today.month() as i32 - self.from.month() as i32).max(2) as u32;
        let cap = match profile {
            Profile::Released => months_back.saturating_sub(1).max(2),
            _ => 60,
        };
        let showcase = special == Some(SHOWCASE_NAME);
        let sp = if showcase { self.showcase_sentence(months_back) } else { self.sentence(ty, minor, cap) };
        // Term dates by profile.
        let (term_start, reported_on) = match profile {
            Profile::Pending => (plus(today, -self.rng.gen_range(1..=6)), None),
            Profile::Entry => {
                let s = plus(today, -self.rng.gen_range(7..=27));
                (s, Some(plus(s, self.rng.gen_range(1..=4)).min(plus(today, -1))))
            }
            Profile::Released => {
                let latest_end = plus(today, -3);
                let earliest_start = self.from;
                let first_end = term::term_end(earliest_start, sp.months).unwrap_or(latest_end);
                let end = if first_end < latest_end { self.day_in(first_end, latest_end) } else { latest_end };
                // Back from the end: the day whose term of `months` ends on `end`.
                let mut s = add_months(plus(end, 1), -(sp.months as i32));
                if s < earliest_start {
                    s = earliest_start;
                }
                let rep = plus(s, self.rng.gen_range(1..=6));
                (s, Some(rep))
            }
            // The showcase's term ends in a fortnight: long enough behind it for every kind of
            // record, and close enough to its end for the release steps to have begun.
            Profile::Regular if showcase => {
                let s = add_months(plus(today, 16), -(sp.months as i32)).max(self.from);
                (s, Some(plus(s, self.rng.gen_range(1..=4))))
            }
            Profile::Regular => {
                let lo = self.from.max(plus(add_months(today, -(sp.months as i32)), 6));
                let hi = plus(today, -35);
                let s = if lo < hi { self.day_in(lo, hi) } else { hi.min(lo) };
                let rep = plus(s, self.rng.gen_range(1..=7)).min(plus(today, -1));
                (s, Some(rep))
            }
        };
        let mut term_end = term::term_end(term_start, sp.months).unwrap_or(plus(term_start, 365));
        if profile == Profile::Regular && term_end <= plus(today, 2) {
            term_end = plus(today, self.rng.gen_range(10..=60));
        }
        if profile == Profile::Released && term_end >= today {
            term_end = plus(today, -3);
        }
        let reported_on = reported_on.map(|r| r.min(term_end));
        let release_on = (profile == Profile::Released).then(|| {
            let r = self.next_working(term_end);
            if r <= today {
                r
            } else {
                term_end
            }
        });

        // Person.
        let age_at_start: i64 = if showcase {
            self.rng.gen_range(32..=45)
        } else if minor {
            self.rng.gen_range(15..=17)
        } else {
            match ty {
                SentenceType::TemporaryOutside if !nursing => self.rng.gen_range(40..=68),
                SentenceType::TemporaryOutside => self.rng.gen_range(24..=33),
                SentenceType::Parole => self.rng.gen_range(26..=58),
                _ => {
                    if self.chance(0.7) {
                        self.rng.gen_range(22..=50)
                    } else {
                        self.rng.gen_range(51..=66)
                    }
                }
            }
        };
        let birth = plus(add_months(term_start, -(age_at_start as i32) * 12), -self.rng.gen_range(0..=360));
        let (name, ethnicity, area, household) = match special {
            Some(MINORITY_NAME) => (
                MINORITY_NAME.to_string(),
                "维吾尔族",
                "650102".to_string(),
                Some(("650102".to_string(), "新疆维吾尔自治区乌鲁木齐市天山区".to_string())),
            ),
            Some(n) => {
                self.used_names.insert(n.to_string());
                (n.to_string(), "汉族", self.local.county6.clone(), None)
            }
            None => {
                let name = self.person_name(sex, minor);
                let eth = if self.chance(0.06) { self.pick(&["回族", "满族"]) } else { "汉族" };
                if self.chance(0.15) && !minor {
                    let (code, place) = self.pick(BIRTHPLACES);
                    let hh = self.chance(0.5).then(|| (code.to_string(), format!("{place}（户籍地）")));
                    (name, eth, code.to_string(), hh)
                } else {
                    (name, eth, self.local.county6.clone(), None)
                }
            }
        };
        let id_number = self.id_number(&area, birth, sex)?;
        let village = self.pick(VILLAGES);
        let address = if village.ends_with("社区") {
            format!(
                "{}{}{}号楼{}单元{}室",
                self.local.town,
                village,
                self.rng.gen_range(1..=18),
                self.rng.gen_range(1..=4),
                self.rng.gen_range(1..=6) * 100 + self.rng.gen_range(1..=4)
            )
        } else {
            format!("{}{}{}组{}号", self.local.town, village, self.rng.gen_range(1..=8), self.rng.gen_range(1..=120))
        };
        let surname: String = name.chars().next().map(String::from).unwrap_or_default();
        let age = age_at_start as i32;
        let mut family = Vec::new();
        if special == Some(MINORITY_NAME) {
            family.push(("阿依古丽·吐尔逊".to_string(), "妻子", Sex::Female));
            family.push(("迪丽拜尔·艾力".to_string(), "女儿", Sex::Female));
        } else if minor {
            family.push((self.relative_name(Sex::Male, Some(&surname)), "父亲", Sex::Male));
            family.push((self.relative_name(Sex::Female, None), "母亲", Sex::Female));
        } else {
            if age >= 24 && self.chance(0.8) {
                let (rel, s) = if sex == Sex::Male { ("妻子", Sex::Female) } else { ("丈夫", Sex::Male) };
                family.push((self.relative_name(s, None), rel, s));
            }
            if age < 45 {
                family.push((self.relative_name(Sex::Female, None), "母亲", Sex::Female));
            }
            if age >= 32 {
                let s = if self.chance(0.5) { Sex::Male } else { Sex::Female };
                let rel = if s == Sex::Male { "儿子" } else { "女儿" };
                let child_surname = if sex == Sex::Male { Some(surname.as_str()) } else { None };
                family.push((self.relative_name(s, child_surname), rel, s));
            }
            if family.is_empty() {
                family.push((self.relative_name(Sex::Male, Some(&surname)), "哥哥", Sex::Male));
            }
        }
        let education = if minor {
            self.pick(&["初中（在读）", "高中（在读）", "初中"])
        } else {
            self.pick(EDUCATION)
        };
        let employer = if minor {
            Some(if education.contains("在读") { "在校学生".to_string() } else { "无业".to_string() })
        } else {
            let w = self.rng.gen_range(0..10);
            Some(match w {
                0..=2 => "务农".to_string(),
                3 => {
                    let firm = self.pick(&["恒达", "鑫源", "宏盛"]);
                    format!("{}{firm}建材有限公司工人", self.local.town)
                }
                4 => "个体经营（餐饮）".to_string(),
                5 => "自由职业（网约车司机）".to_string(),
                6 => {
                    let firm = self.pick(&["顺达", "通远"]);
                    format!("{}{firm}物流有限公司司机", self.local.town)
                }
                7 => "无业".to_string(),
                8 => "建筑工地务工".to_string(),
                _ => "超市营业员".to_string(),
            })
        };
        let (medical_parole, ground) = match ty {
            SentenceType::TemporaryOutside if nursing => (false, Some("哺乳自己婴儿（子女未满一周岁）")),
            SentenceType::TemporaryOutside if self.chance(0.8) => (true, Some(self.pick(ILLNESSES))),
            SentenceType::TemporaryOutside => (false, Some("因脑梗死后遗症生活不能自理")),
            _ => (false, None),
        };
        let able_to_work = ty != SentenceType::TemporaryOutside && age < 65;
        // 暂予监外执行 on grounds of illness, incapacity or nursing: not at work.
        let employer = match ty {
            SentenceType::TemporaryOutside if nursing => Some("无（哺乳期在家）".to_string()),
            SentenceType::TemporaryOutside => Some("无（病休在家）".to_string()),
            _ => employer,
        };
        let guardian = if minor {
            let (n, _, _) = family[0].clone();
            Some((n, self.mobile()))
        } else if ty == SentenceType::TemporaryOutside {
            let n = family.first().map(|f| f.0.clone()).unwrap_or_default();
            Some((n, self.mobile()))
        } else {
            None
        };
        let judgment = term_start;
        let (organ, doc_no, received) = match ty {
            SentenceType::Parole => (
                self.local.mid_court.clone(),
                format!(
                    "（{}）{}{}刑更{}号",
                    judgment.year(),
                    self.local.abbr,
                    &self.local.county6[2..4],
                    self.rng.gen_range(100..3000)
                ),
                ReceivedSource::Prison,
            ),
            SentenceType::TemporaryOutside if medical_parole && self.chance(0.5) => (
                self.local.prison_admin.clone(),
                format!("{}狱暂字〔{}〕{}号", self.local.abbr, judgment.year(), self.rng.gen_range(10..200)),
                ReceivedSource::Prison,
            ),
            _ => (
                self.local.court.clone(),
                format!(
                    "（{}）{}{}刑初{}号",
                    judgment.year(),
                    self.local.abbr,
                    &self.local.county6[2..],
                    self.rng.gen_range(20..600)
                ),
                ReceivedSource::Court,
            ),
        };
        let sentence = match (ty, ground) {
            (SentenceType::TemporaryOutside, Some(g)) => format!("{}；暂予监外执行事由：{g}", sp.text),
            _ => sp.text.clone(),
        };
        let phone = self.mobile();
        Ok(Sub {
            name,
            sex,
            birth,
            id_number,
            ethnicity,
            phone,
            minor,
            village,
            address,
            household,
            employer,
            education,
            ty,
            crime: sp.crime,
            sentence,
            judgment,
            term_start,
            term_end,
            organ,
            doc_no,
            injunction: sp.injunction,
            medical_parole,
            ground,
            able_to_work,
            guardian,
            received,
            profile,
            reported_on,
            release_on,
            family,
            classes: Vec::new(),
            changes: Vec::new(),
            lagging: false,
            lost_on: None,
            custody: Vec::new(),
            detained_now: None,
            away: Vec::new(),
            entrepreneur: false,
            commuter: false,
            busy: false,
            monthly_assessment: showcase,
            showcase,
            lost_past: None,
            met_days: Default::default(),
            hazard: None,
            permit: None,
            ill_days: Default::default(),
            id: None,
        })
    }

    /// Class history: 严管 for the pack's first months, then 普管 on a county decision; some move
    /// on to 宽管 after six good months.
    fn plan_classes(&mut self) {
        let today = self.today;
        for k in 0..self.subs.len() {
            let s = &self.subs[k];
            let strict_months = self.pack_at(s.term_start).map(|p| p.intake.initial_strict_months).unwrap_or(0);
            let initial = if strict_months > 0 { SupervisionClass::Strict } else { SupervisionClass::Ordinary };
            let stop = s.release_on.map(|r| plus(r, -1)).unwrap_or(today).min(plus(today, -1));
            let reported = s.reported_on;
            let term_end = s.term_end;
            let mut classes = vec![(s.term_start, initial)];
            let mut changes = Vec::new();
            let mut current = initial;
            let mut since = s.term_start;
            if let Some(rep) = reported {
                if initial == SupervisionClass::Strict {
                    // Proposed once the months are over, as the reason says.
                    let due = add_months(rep, strict_months as i32);
                    let proposed = plus(due, self.rng.gen_range(0..=2));
                    let decided = plus(proposed, self.rng.gen_range(2..=5));
                    if decided <= stop {
                        changes.push(ChangePlan {
                            proposed_on: proposed,
                            old: current,
                            new: SupervisionClass::Ordinary,
                            reason: format!(
                                "入矫已满{}个月，严管期间按时报告、参加教育学习和公益活动，无违规行为，拟调整为普管",
                                strict_months
                            ),
                            decided_on: Some(decided),
                        });
                        classes.push((decided, SupervisionClass::Ordinary));
                        current = SupervisionClass::Ordinary;
                        since = decided;
                    } else if proposed <= stop {
                        changes.push(ChangePlan {
                            proposed_on: proposed,
                            old: current,
                            new: SupervisionClass::Ordinary,
                            reason: format!("入矫即将满{}个月，表现良好，拟调整为普管", strict_months),
                            decided_on: None,
                        });
                    }
                }
                if current == SupervisionClass::Ordinary && self.chance(0.45) {
                    let proposed = plus(add_months(since, self.rng.gen_range(6..=9)), self.rng.gen_range(0..20));
                    let decided = plus(proposed, self.rng.gen_range(4..=10));
                    if decided <= stop && decided < plus(term_end, -45) {
                        changes.push(ChangePlan {
                            proposed_on: proposed,
                            old: current,
                            new: SupervisionClass::Lenient,
                            reason: "普管已满六个月，月度考核均为合格以上，认罪悔罪态度好，拟调整为宽管".into(),
                            decided_on: Some(decided),
                        });
                        classes.push((decided, SupervisionClass::Lenient));
                    }
                }
            }
            let s = &mut self.subs[k];
            s.classes = classes;
            s.changes = changes;
        }
    }

    /// Special stories: lagging duties, lost contact, custody, sanctions, permits and leave.
    fn plan_roles(&mut self) {
        let today = self.today;
        let prev = add_months(month_start(today), -1);
        let n = self.subs.len();
        // Regular subjects in correction for at least four months, in random order.
        let mut pool: Vec<usize> = (0..n)
            .filter(|k| {
                let s = &self.subs[*k];
                s.profile == Profile::Regular && s.reported_on.is_some_and(|r| r <= plus(today, -120))
            })
            .collect();
        pool.shuffle(&mut self.rng);
        let mut take = |subs: &mut Vec<Sub>, pred: &dyn Fn(&Sub) -> bool| -> Option<usize> {
            let i = pool.iter().position(|k| !subs[*k].busy && pred(&subs[*k]))?;
            let k = pool.remove(i);
            subs[k].busy = true;
            Some(k)
        };
        let adult = |s: &Sub| !s.minor && s.term_end > plus(today, 40);

        // 失联: last contact six days ago, still missing.
        if n >= 20 {
            if let Some(k) = take(&mut self.subs, &|s| adult(s) && s.ty != SentenceType::TemporaryOutside) {
                self.subs[k].lost_on = Some(plus(today, -6));
            }
        }
        // Currently detained on suspicion of a new offence (社区矫正法 Art 32).
        if n >= 30 {
            if let Some(k) = take(&mut self.subs, &|s| adult(s) && s.sex == Sex::Male) {
                self.subs[k].detained_now = Some(plus(today, -self.rng.gen_range(8..=15)));
            }
        }
        // Past 行政拘留 for gambling → 警告 → 严管.
        if n >= 15 {
            if let Some(k) = take(&mut self.subs, &|s| adult(s) && s.reported_on.is_some_and(|r| r < plus(today, -200)))
            {
                let start = plus(today, -self.rng.gen_range(75..=150));
                self.subs[k].custody.push(DateRange::new(start, plus(start, 4)));
                let proposed = plus(start, self.rng.gen_range(7..=10));
                let decided = plus(proposed, self.rng.gen_range(5..=9));
                self.sanctions.push(SanctionPlan {
                    sub: k,
                    kind: SanctionKind::Warning,
                    proposed_on: proposed,
                    decided_on: Some(decided),
                    facts: format!(
                        "该对象于{}在本镇某村民家中参与赌博，被{}处以行政拘留五日。缓刑考验期内违反监督管理规定，情节较重。",
                        cn_date(start),
                        self.local.police
                    ),
                    basis: "《中华人民共和国社区矫正法实施办法》第三十五条第（六）项",
                });
                let on = plus(decided, self.rng.gen_range(3..=6));
                self.make_strict(k, on, "受到警告处罚，依规调整为严管");
            }
        }
        // 未经批准外出 → 警告 → 严管.
        if n >= 10 {
            if let Some(k) = take(&mut self.subs, &|s| adult(s) && s.ty != SentenceType::TemporaryOutside) {
                let found = plus(today, -self.rng.gen_range(45..=110));
                let proposed = plus(found, self.rng.gen_range(3..=6));
                let decided = plus(proposed, self.rng.gen_range(5..=9));
                self.sanctions.push(SanctionPlan {
                    sub: k,
                    kind: SanctionKind::Warning,
                    proposed_on: proposed,
                    decided_on: Some(decided),
                    facts: format!(
                        "{}信息化核查发现该对象手机定位在石家庄市裕华区，经核实其未经批准于当日前往石家庄市区务工，次日返回，未请假、未报告。违反外出规定，情节较重。",
                        cn_date(found)
                    ),
                    basis: "《中华人民共和国社区矫正法实施办法》第三十五条第（三）项",
                });
                let on = plus(decided, self.rng.gen_range(3..=6));
                self.make_strict(k, on, "未经批准外出受到警告，调整为严管");
            }
        }
        // Two 训诫 decided.
        for (what, basis) in [
            (
                "未按规定时间向司法所报告，经电话督促后次日才补报",
                "《中华人民共和国社区矫正法实施办法》第三十四条第（二）项",
            ),
            (
                "无正当理由两次未参加集中教育学习，经教育后仍未改正",
                "《中华人民共和国社区矫正法实施办法》第三十四条第（三）项",
            ),
        ] {
            if n < 12 {
                break;
            }
            if let Some(k) = take(&mut self.subs, &adult) {
                let rep = self.subs[k].reported_on.unwrap_or(self.subs[k].term_start);
                let on = self.day_in(plus(rep, 30).max(plus(today, -220)), plus(today, -40));
                let decided = plus(on, self.rng.gen_range(5..=10));
                self.sanctions.push(SanctionPlan {
                    sub: k,
                    kind: SanctionKind::Admonition,
                    proposed_on: on,
                    decided_on: Some(decided),
                    facts: format!("该对象于{}年{}月前后{}。", plus(on, -5).year(), plus(on, -5).month(), what),
                    basis,
                });
            }
        }
        // 表扬.
        if n >= 12 {
            if let Some(k) = take(&mut self.subs, &|s| adult(s) && s.reported_on.is_some_and(|r| r < plus(today, -240)))
            {
                let on = plus(today, -self.rng.gen_range(20..=90));
                self.sanctions.push(SanctionPlan {
                    sub: k,
                    kind: SanctionKind::Praise,
                    proposed_on: on,
                    decided_on: Some(plus(on, self.rng.gen_range(5..=12))),
                    facts: "矫正期间认罪悔罪，遵守法律法规和监督管理规定，积极参加教育学习和公益活动，并在汛期主动参与村内抢险排水，表现突出。".into(),
                    basis: "《中华人民共和国社区矫正法》第二十八条；《中华人民共和国社区矫正法实施办法》第三十三条",
                });
            }
        }
        // A private entrepreneur with a business-travel permit; a commuter with a frequent-travel one.
        if n >= 8 {
            if let Some(k) = take(&mut self.subs, &adult) {
                let surname: String = self.subs[k].name.chars().next().map(String::from).unwrap_or_default();
                self.subs[k].entrepreneur = true;
                self.subs[k].employer =
                    Some(format!("{}{}记建材经营部（个体工商户，本人经营）", self.local.town, surname));
                self.plan_permit(k);
            }
        }
        if n >= 25 {
            if let Some(k) = take(&mut self.subs, &adult) {
                self.subs[k].commuter = true;
                self.subs[k].employer = Some("石家庄市长安区某物流有限公司（驾驶员）".into());
                self.plan_permit(k);
            }
        }

        // Leave.
        // Most telling first, so a small office still gets an overdue return.
        let mut fates = vec![
            Fate::Overdue,
            Fate::Returned { extension: false },
            Fate::CountyReturned,
            Fate::Overdue,
            Fate::AwaitingCounty,
            Fate::Rejected,
            Fate::Returned { extension: true },
            Fate::ReturnedLate,
            Fate::Returned { extension: false },
            Fate::Returned { extension: false },
            Fate::Cancelled,
            Fate::AwaitingOffice,
            Fate::Returned { extension: false },
            Fate::Returned { extension: false },
        ];
        if n < 30 {
            fates.truncate((n / 3).max(1));
        }
        for fate in fates {
            let Some(k) = take(&mut self.subs, &|s| {
                s.term_end > plus(today, 45) && s.reported_on.is_some_and(|r| r < plus(today, -90))
            }) else {
                break;
            };
            self.plan_leave(k, fate);
        }
        // 训诫 proposed for the late return, not yet decided.
        if let Some(l) = self.leaves.iter().find(|l| l.fate == Fate::ReturnedLate).cloned() {
            let back = l.returned.unwrap_or(l.end);
            self.sanctions.push(SanctionPlan {
                sub: l.sub,
                kind: SanctionKind::Admonition,
                proposed_on: plus(back, 2),
                decided_on: None,
                facts: format!(
                    "该对象经批准外出至{}，应于{}前返回并销假，实际于{}返回，逾期{}日，且未及时说明理由。",
                    l.dest.1,
                    cn_date(l.end),
                    cn_date(back),
                    days_between(l.end, back)
                ),
                basis: "《中华人民共和国社区矫正法实施办法》第三十四条第（二）项",
            });
        }
        // Monthly assessments for about 40 %.
        for k in 0..n {
            self.subs[k].monthly_assessment = self.chance(0.4) || self.subs[k].showcase;
        }
        // Deliberate gaps this month and last: about one in seven subjects on register.
        let mut cands: Vec<usize> = (0..n)
            .filter(|k| {
                let s = &self.subs[*k];
                s.profile == Profile::Regular
                    && !s.showcase
                    && s.lost_on.is_none()
                    && s.detained_now.is_none()
                    && s.reported_on.is_some_and(|r| r < prev)
                    && !self.leaves.iter().any(|l| l.sub == *k && l.fate == Fate::Overdue)
            })
            .collect();
        cands.shuffle(&mut self.rng);
        for k in cands.into_iter().take((n / 7).max(usize::from(n >= 5))) {
            self.subs[k].lagging = true;
        }
    }

    /// The showcase's story, so that his file holds every kind of record: a business of his
    /// own with a travel permit, a 训诫, a leave extended once, a day lost to contact, a hazard
    /// found in a screening, a refused change of place (`showcase_records`) and a monthly
    /// assessment, besides what every subject has.
    fn plan_showcase(&mut self) {
        let today = self.today;
        let Some(k) = self.subs.iter().position(|s| s.showcase) else { return };
        let rep = self.subs[k].reported_on.unwrap_or(self.subs[k].term_start);
        let surname: String = self.subs[k].name.chars().next().map(String::from).unwrap_or_default();
        self.subs[k].busy = true;
        self.subs[k].entrepreneur = true;
        self.subs[k].employer = Some(format!("{}{}记建材经营部（个体工商户，本人经营）", self.local.town, surname));
        self.plan_permit(k);
        self.plan_leave(k, Fate::Returned { extension: true });
        // A neighbour dispute found in the screening about three months ago, settled in two or
        // three weeks.
        let found = plus(plus(today, -100).max(plus(rep, 10)), self.rng.gen_range(3..=8));
        self.subs[k].hazard =
            Some(DateRange::new(found, plus(found, self.rng.gen_range(12..=20)).min(plus(today, -1))));
        // A day lost to contact, a week clear of the leave; the 训诫 for it follows.
        let leave: Vec<DateRange> = self.subs[k].away.clone();
        for _ in 0..20 {
            let d = self.day_in(plus(rep, 40), plus(today, -60));
            let lost = DateRange::new(d, plus(d, 1));
            let near = |r: &DateRange| r.start <= plus(lost.end, 10) && plus(lost.start, -10) <= r.end;
            if leave.iter().any(near) {
                continue;
            }
            self.subs[k].lost_past = Some(lost);
            let on = plus(lost.end, self.rng.gen_range(3..=5));
            self.sanctions.push(SanctionPlan {
                sub: k,
                kind: SanctionKind::Admonition,
                proposed_on: on,
                decided_on: Some(plus(on, self.rng.gen_range(5..=10))),
                facts: format!(
                    "该对象于{}外出进货途中手机损坏，未按约定时间报告，经司法所查找，于{}到所说明情况，脱离监管一日。",
                    cn_date(lost.start),
                    cn_date(lost.end)
                ),
                // 脱离监管 under ten days.
                basis: "《中华人民共和国社区矫正法实施办法》第三十四条第（一）项",
            });
            let decided = self.sanctions.last().and_then(|x| x.decided_on).unwrap_or(on);
            let strict_on = plus(decided, self.rng.gen_range(3..=6));
            self.make_strict(k, strict_on, "受到训诫，依规调整为严管");
            break;
        }
    }

    /// A travel permit applied for three or so months ago (实施办法 Art 29), valid a week later.
    fn plan_permit(&mut self, k: usize) {
        let s = &self.subs[k];
        let rep = s.reported_on.unwrap_or(s.term_start);
        let applied = plus(self.today, -self.rng.gen_range(70..=110)).max(plus(rep, 30));
        let valid_from = plus(applied, self.rng.gen_range(6..=10));
        self.subs[k].permit = Some((applied, valid_from));
    }

    fn make_strict(&mut self, k: usize, decided: NaiveDate, reason: &str) {
        let today = self.today;
        if decided >= today {
            return;
        }
        let s = &mut self.subs[k];
        let old = s.class_at(decided);
        if old == SupervisionClass::Strict {
            return;
        }
        // Later routine changes give way to the sanction.
        s.changes.retain(|c| c.proposed_on < decided && c.decided_on.is_none_or(|d| d < decided));
        s.classes.retain(|c| c.0 < decided);
        s.changes.push(ChangePlan {
            proposed_on: plus(decided, -4),
            old,
            new: SupervisionClass::Strict,
            reason: reason.to_string(),
            decided_on: Some(decided),
        });
        s.classes.push((decided, SupervisionClass::Strict));
    }

    fn plan_leave(&mut self, k: usize, fate: Fate) {
        let today = self.today;
        let s = &self.subs[k];
        let rep = s.reported_on.unwrap_or(s.term_start);
        let city = residence_city(&self.local.county6).ok();
        let dests: Vec<(&'static str, &'static str)> = DESTINATIONS
            .iter()
            .copied()
            .filter(|(c, _)| city.as_ref().is_some_and(|city| destination_within(city, c) == Ok(false)))
            .collect();
        let dest = if dests.is_empty() { ("110105", "北京市朝阳区") } else { self.pick(&dests) };
        let (kind, reason, urgent) = match self.rng.gen_range(0..6) {
            0 => (LeaveReasonKind::Medical, format!("陪同母亲到{}医院复查（附病历及复查通知）", dest.1), false),
            1 => (LeaveReasonKind::Family, format!("到{}参加侄子婚礼（附请柬）", dest.1), false),
            2 => (LeaveReasonKind::Work, format!("到{}洽谈供货合同并签约（附单位证明）", dest.1), false),
            3 => (LeaveReasonKind::Litigation, format!("到{}人民法院参加民事诉讼开庭（附传票）", dest.1), false),
            4 => (LeaveReasonKind::Family, format!("父亲在{}住院病危，前往探视照料（附病危通知书）", dest.1), true),
            _ => (LeaveReasonKind::Study, format!("到{}参加成人高等教育面授及考试（附通知）", dest.1), false),
        };
        let len = |lo: i64, hi: i64, rng: &mut ChaCha8Rng| rng.gen_range(lo..=hi);
        let earliest = plus(rep, 60);
        let (start, days) = match fate {
            Fate::Returned { .. } | Fate::Rejected | Fate::Cancelled => {
                let d = len(2, 5, &mut self.rng);
                (self.day_in(earliest, plus(today, -25)), d)
            }
            Fate::CountyReturned => {
                let d = len(9, 14, &mut self.rng);
                (self.day_in(earliest, plus(today, -30)), d)
            }
            Fate::ReturnedLate => {
                let d = len(3, 5, &mut self.rng);
                (self.day_in(plus(today, -40), plus(today, -20)), d)
            }
            Fate::Overdue => {
                let d = len(3, 5, &mut self.rng);
                let end = plus(today, -self.rng.gen_range(1..=4));
                (plus(end, -(d - 1)), d)
            }
            Fate::AwaitingCounty => (plus(today, self.rng.gen_range(5..=9)), len(10, 15, &mut self.rng)),
            Fate::AwaitingOffice => (plus(today, self.rng.gen_range(4..=8)), len(2, 4, &mut self.rng)),
        };
        let start = start.max(earliest.min(plus(today, -5)));
        let end = plus(start, days - 1);
        let applied = match fate {
            Fate::AwaitingCounty | Fate::AwaitingOffice => plus(today, -self.rng.gen_range(0..=2)),
            _ if urgent => plus(start, -1),
            Fate::CountyReturned => plus(start, -self.rng.gen_range(8..=12)),
            _ => plus(start, -self.rng.gen_range(4..=7)),
        };
        let extended_to = matches!(fate, Fate::Returned { extension: true }).then(|| plus(end, 2));
        let returned = match fate {
            Fate::Returned { .. } => Some(extended_to.unwrap_or(end)),
            Fate::CountyReturned => Some(plus(end, -self.rng.gen_range(0..=1))),
            Fate::ReturnedLate => Some(plus(end, 2)),
            _ => None,
        };
        let away_end = match fate {
            Fate::Overdue => Some(today),
            _ => returned,
        };
        if let Some(e) = away_end {
            self.subs[k].away.push(DateRange::new(start, e));
        }
        self.leaves.push(LeavePlan {
            sub: k,
            fate,
            applied,
            start,
            end,
            extended_to,
            returned,
            dest,
            reason_kind: kind,
            reason,
            urgent,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Registration and intake
    // -----------------------------------------------------------------------------------------

    fn register_all(&mut self) -> Result<(), AppError> {
        for k in 0..self.subs.len() {
            let s = &self.subs[k];
            let via_events = matches!(s.profile, Profile::Entry | Profile::Pending);
            let notes = match (s.ty, s.ground) {
                (SentenceType::TemporaryOutside, Some(g)) => Some(format!(
                    "暂予监外执行事由：{g}。保证人：{}。",
                    s.guardian.as_ref().map(|g| g.0.as_str()).unwrap_or("")
                )),
                _ if s.minor => Some("未成年人案件，犯罪记录依法封存，身份信息保密。".to_string()),
                _ => None,
            };
            let input = RegisterSubjectInput {
                name: s.name.clone(),
                former_name: None,
                sex: Some(s.sex),
                birth_date: Some(s.birth),
                id_number: s.id_number.clone(),
                ethnicity: Some(s.ethnicity.to_string()),
                phone: Some(s.phone.clone()),
                residence_code: self.local.county6.clone(),
                residence_detail: s.address.clone(),
                household_code: s.household.as_ref().map(|h| h.0.clone()),
                household_detail: s.household.as_ref().map(|h| h.1.clone()),
                employer: s.employer.clone(),
                education: Some(s.education.to_string()),
                crime: s.crime.to_string(),
                original_sentence: s.sentence.clone(),
                sentence_type: s.ty,
                term_start: s.term_start,
                term_end: s.term_end,
                judgment_effective: Some(s.judgment),
                deciding_organ: Some(s.organ.clone()),
                decision_doc_no: Some(s.doc_no.clone()),
                injunction: s.injunction.clone(),
                reported_on: if via_events { None } else { s.reported_on },
                class: Some(s.classes[0].1),
                is_minor_case: Some(s.minor),
                medical_parole: s.medical_parole,
                able_to_work: s.able_to_work,
                guardian_name: s.guardian.as_ref().map(|g| g.0.clone()),
                guardian_phone: s.guardian.as_ref().map(|g| g.1.clone()),
                notes,
                received_source: Some(s.received),
                external_no: Some(format!("{}{:05}", s.term_start.format("%Y"), 10 + k)),
            };
            let d = self.core.register_subject(input).map_err(ctx("接收登记"))?;
            self.subs[k].id = Some(d.subject.id);
            self.bump("subjects");
        }
        Ok(())
    }

    fn sid(&self, k: usize) -> SubjectId {
        self.subs[k].id.expect("registered")
    }

    fn event(
        &mut self,
        k: usize,
        kind: SubjectEventKind,
        date: NaiveDate,
        doc_no: Option<String>,
        organ: Option<String>,
        detail: &str,
    ) -> Result<(), AppError> {
        let input = SubjectEventInput {
            subject_id: self.sid(k),
            kind,
            event_date: date,
            doc_no,
            organ,
            detail: Some(detail.to_string()),
        };
        self.core.record_subject_event(input).map_err(ctx("案件事件"))?;
        self.bump("subject_events");
        Ok(())
    }

    fn intake_all(&mut self) -> Result<(), AppError> {
        for k in 0..self.subs.len() {
            let s = &self.subs[k];
            let Some(rep) = s.reported_on else { continue };
            let via_events = s.profile == Profile::Entry;
            let office = self.local.office_name.clone();
            if via_events {
                let detail = format!(
                    "本人持{}到县社区矫正机构报到，经核对法律文书、核实身份后办理登记，当日到司法所报到",
                    s.doc_no
                );
                self.event(k, SubjectEventKind::Reported, rep, None, Some(self.local.county_agency.clone()), &detail)?;
            }
            let on = plus(rep, self.rng.gen_range(0..=2)).min(self.today);
            let detail = "在司法所进行入矫宣告，宣读判决主要内容、矫正期限、应遵守的规定及权利义务，矫正小组成员到场，本人签字并捺手印确认";
            self.event(k, SubjectEventKind::EntryAnnounced, on, None, Some(office), detail)?;
        }
        Ok(())
    }

    fn teams_and_plans(&mut self) -> Result<(), AppError> {
        for k in 0..self.subs.len() {
            let Some(rep) = self.subs[k].reported_on else { continue };
            let s = self.subs[k].clone();
            let sid = self.sid(k);
            let leader = self.pick(&["刘建华", "张磊"]);
            let (cadre, role) = self.cadre(s.village);
            let cadre_sex = if role == "村妇联主席" { Sex::Female } else { Sex::Male };
            let mut members: Vec<(String, String, Option<String>, Sex, bool)> = vec![
                (
                    leader.to_string(),
                    "司法所工作人员（组长）".into(),
                    Some(self.local.office_name.clone()),
                    Sex::Male,
                    true,
                ),
                (
                    cadre.clone(),
                    role.to_string(),
                    Some(format!(
                        "{}{}{}",
                        self.local.town,
                        s.village,
                        if s.village.ends_with("社区") { "居民委员会" } else { "村民委员会" }
                    )),
                    cadre_sex,
                    false,
                ),
            ];
            if let Some((n, rel, sx)) = s.relative().cloned() {
                members.push((n, format!("家庭成员（{rel}）"), None, sx, false));
            }
            if s.minor {
                members.push((
                    SOCIAL_WORKER.to_string(),
                    "社会工作者（熟悉未成年人身心特点）".into(),
                    Some("县青少年事务服务中心".into()),
                    Sex::Female,
                    false,
                ));
                let teacher = self.relative_name(Sex::Female, None);
                members.push((
                    teacher,
                    "学校老师".into(),
                    Some(format!("{}中学", self.local.town)),
                    Sex::Female,
                    false,
                ));
            }
            // 社区矫正法 Art 25: a woman on a woman's team.
            if s.sex == Sex::Female && !members.iter().any(|m| m.3 == Sex::Female) {
                members.push((
                    FEMALE_STAFF.to_string(),
                    "司法所工作人员".into(),
                    Some(self.local.office_name.clone()),
                    Sex::Female,
                    false,
                ));
            }
            // An employer's representative for an employee; the owner of a business is his own
            // employer, and the village's cadre stands in.
            if s.commuter {
                let boss = self.relative_name(Sex::Male, None);
                members.push((boss, "所在单位负责人".into(), s.employer.clone(), Sex::Male, false));
            }
            for (name, relation, unit, sex, leader) in members {
                let phone = Some(self.mobile());
                let input = TeamMemberInput {
                    subject_id: sid,
                    member_name: name,
                    relation,
                    unit,
                    phone,
                    sex,
                    is_leader: leader,
                    joined_on: rep,
                    left_on: None,
                };
                self.core.add_team_member(input).map_err(ctx("矫正小组"))?;
                self.bump(jiaowu_store::TeamMember::TABLE);
            }
            // 矫正方案 within a month of 报到.
            let eff = plus(rep, self.rng.gen_range(5..=20)).min(self.today);
            if eff <= self.today && s.release_on.is_none_or(|r| eff < r) {
                let input = self.plan_input(&s, sid, 1, eff, s.classes[0].1, None);
                self.core.record_correction_plan(input).map_err(ctx("矫正方案"))?;
                self.bump(jiaowu_store::CorrectionPlan::TABLE);
            }
        }
        Ok(())
    }

    fn plan_input(
        &mut self,
        s: &Sub,
        sid: SubjectId,
        version: u32,
        eff: NaiveDate,
        class: SupervisionClass,
        reason: Option<String>,
    ) -> CorrectionPlanInput {
        let age = s.age_on(eff);
        let family = s.family.iter().map(|(n, r, _)| format!("{r}{n}")).collect::<Vec<_>>().join("、");
        let basic_info = format!(
            "{}，{}，{}岁，{}，{}文化，{}。因犯{}被判处{}。矫正类别：{}；矫正期限自{}起至{}止。家庭成员：{}。",
            s.name,
            zh::sex(s.sex),
            age,
            s.ethnicity,
            s.education,
            s.employer.as_deref().unwrap_or("无业"),
            s.crime,
            s.sentence,
            zh::sentence_type(s.ty),
            cn_date(s.term_start),
            cn_date(s.term_end),
            family
        );
        let risk = match s.crime {
            "抢劫罪" | "故意伤害罪" | "寻衅滋事罪" | "聚众斗殴罪" | "贩卖毒品罪" => "中等",
            _ => "较低",
        };
        let assessment = format!(
            "综合评估：再犯罪风险{risk}。认罪悔罪态度{}，家庭支持{}，{}。管理类别：{}。",
            self.pick(&["较好", "好", "一般"]),
            self.pick(&["较好", "一般"]),
            if s.able_to_work { "有劳动能力" } else { "无劳动能力，公益活动予以免除" },
            zh::class(class)
        );
        let psychology = if s.minor {
            "处于青春期，自尊心强，对犯罪后果认识不足，与父母沟通较少，需加强心理辅导和家庭教育指导。".to_string()
        } else {
            self.pick(&[
                "心理状态基本稳定，对犯罪行为有悔意，担心影响子女就业，存在一定焦虑情绪。",
                "性格内向，不善表达，对社区矫正有抵触情绪，需加强个别教育。",
                "心理状态稳定，家庭关系和睦，对今后生活有明确打算。",
                "性格急躁，遇事易冲动，需重点开展情绪管理教育。",
            ])
            .to_string()
        };
        let mut measures = vec![
            format!("1.按{}要求定期报告，每周电话报告一次，按规定当面报告、提交书面思想汇报；", zh::class(class)),
            "2.矫正小组定期实地查访，掌握其工作、生活和家庭情况；".to_string(),
            "3.每月参加集中教育学习和公益活动，确保时数达标；".to_string(),
            format!("4.结合所犯{}开展有针对性的个别教育和账本式警示教育；", s.crime),
        ];
        let mut more: Vec<String> = Vec::new();
        if s.minor {
            more.push("与学校、家庭配合，落实心理辅导和学业帮扶，身份信息严格保密；".into());
        }
        if s.ty == SentenceType::TemporaryOutside {
            more.push("每月报告身体情况，保外就医的每三个月提交病情复查情况，核实保证人履行保证义务情况；".into());
        }
        if let Some(inj) = &s.injunction {
            more.push(format!("监督执行禁止令：{inj}；"));
        }
        if s.entrepreneur {
            more.push("支持其正常经营；确需跨市县经营的，依规申请外出或经营性外出许可，并按许可报告行程；".into());
        }
        // Numbered on from the four above, without gaps.
        for m in more {
            measures.push(format!("{}.{m}", measures.len() + 1));
        }
        CorrectionPlanInput {
            subject_id: sid,
            plan_version: version,
            effective_from: eff,
            basic_info,
            assessment,
            psychology,
            measures: measures.join("\n"),
            extra_duties: None,
            adjustment_reason: reason,
        }
    }

    /// Class-change proposals and the county decisions on them, oldest first (decisions move
    /// the subject's class).
    fn class_decisions(&mut self) -> Result<(), AppError> {
        let mut all: Vec<(NaiveDate, usize, usize)> = Vec::new();
        for (k, s) in self.subs.iter().enumerate() {
            for (j, c) in s.changes.iter().enumerate() {
                all.push((c.proposed_on, k, j));
            }
        }
        all.sort();
        for (_, k, j) in all {
            let c = self.subs[k].changes[j].clone();
            let sid = self.sid(k);
            let input = ClassChangeInput {
                subject_id: sid,
                old_class: c.old,
                new_class: c.new,
                reason: c.reason.clone(),
                proposed_on: c.proposed_on,
                office_opinion: Some(format!(
                    "经司法所集体研究，同意调整为{}，报请县社区矫正机构审批。",
                    zh::class(c.new)
                )),
            };
            let rec = self.core.propose_class_change(input).map_err(ctx("分类管理调整"))?;
            self.bump(jiaowu_store::ClassChange::TABLE);
            if let Some(d) = c.decided_on {
                let doc = self.doc("社矫分字", d);
                self.decide(sid, DecisionTarget::ClassChanges, rec.id, d, doc)?;
                // 矫正方案 adjusted with the class (实施办法 Art 22).
                let s = self.subs[k].clone();
                let eff = plus(d, self.rng.gen_range(1..=5)).min(self.today);
                let version = 2 + j as u32;
                let reason =
                    format!("管理类别由{}调整为{}，相应调整监管和教育措施", zh::class(c.old), zh::class(c.new));
                let input = self.plan_input(&s, sid, version, eff, c.new, Some(reason));
                self.core.record_correction_plan(input).map_err(ctx("矫正方案调整"))?;
                self.bump(jiaowu_store::CorrectionPlan::TABLE);
            }
        }
        Ok(())
    }

    fn decide(
        &mut self,
        sid: SubjectId,
        target: DecisionTarget,
        id: RecordId,
        on: NaiveDate,
        doc: String,
    ) -> Result<(), AppError> {
        let input = DecisionInput {
            subject_id: sid,
            target_table: target,
            target_id: id,
            decided_by: DecidedBy::County,
            approve: true,
            decision_date: on,
            doc_no: Some(doc),
            reason: None,
        };
        self.core.record_decision(input).map_err(ctx("县级决定"))?;
        self.bump(jiaowu_store::Decision::TABLE);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Group work: 集中教育学习 and 公益活动, monthly, minors apart
    // -----------------------------------------------------------------------------------------

    fn group_work(&mut self) -> Result<(), AppError> {
        let today = self.today;
        let prev = add_months(month_start(today), -1);
        let mut m = month_start(self.from);
        while m <= today {
            let month = month_of(m);
            let pack_hours = |p: Option<&RulePack>, study: bool| -> u32 {
                p.map(|p| {
                    SupervisionClass::ALL
                        .iter()
                        .filter_map(|c| {
                            let pol = p.classes.get(*c);
                            if study {
                                pol.study_hours_per_month.as_ref().map(|h| h.hours)
                            } else {
                                pol.service_hours_per_month.as_ref().map(|h| h.hours)
                            }
                        })
                        .max()
                        .unwrap_or(4)
                })
                .unwrap_or(8)
            };
            let study_h = pack_hours(self.pack_at(m), true).max(4);
            let service_h = pack_hours(self.pack_at(m), false).max(4);
            for minors in [false, true] {
                self.sessions_for_month(month, study_h, minors, true, prev)?;
                self.sessions_for_month(month, service_h, minors, false, prev)?;
            }
            m = add_months(m, 1);
        }
        Ok(())
    }

    /// Who may attend on `d`: reported, in term, on register when the group is recorded.
    fn eligible(&self, k: usize, d: NaiveDate, minors: bool) -> bool {
        let s = &self.subs[k];
        s.minor == minors
            && s.reported_on.is_some_and(|r| r <= d)
            && d <= s.term_end
            && s.release_on.is_none_or(|r| d <= r)
            && !s.out_of_reach(d)
    }

    fn sessions_for_month(
        &mut self,
        month: DateRange,
        hours: u32,
        minors: bool,
        study: bool,
        prev: NaiveDate,
    ) -> Result<(), AppError> {
        let today = self.today;
        let per = 240u32;
        let count = (hours * 60).div_ceil(per).max(1);
        let mut credited: BTreeMap<usize, u32> = BTreeMap::new();
        let dim = month.days_inclusive();
        for i in 0..count {
            let nominal =
                plus(month.start, (dim * (2 * i64::from(i) + 1)) / (2 * i64::from(count)) + if minors { 1 } else { 0 });
            let mut d = self.next_working(nominal.min(month.end));
            if d > month.end {
                d = nominal.min(month.end);
            }
            if d > today {
                continue;
            }
            let in_gap = d >= prev;
            let mut attendance = Vec::new();
            let mut lines = Vec::new();
            for k in 0..self.subs.len() {
                if !self.eligible(k, d, minors) {
                    continue;
                }
                let (lost, away, exempt, lag, ground) = {
                    let s = &self.subs[k];
                    (
                        s.lost_on.is_some_and(|l| d > l),
                        s.away_on(d),
                        !study && !s.able_to_work,
                        s.lagging && in_gap,
                        s.ground,
                    )
                };
                if study {
                    let (att, note, credit) = if away {
                        (Attendance::AbsentLeave, Some("经批准外出".to_string()), None)
                    } else if lost {
                        (Attendance::AbsentOther, Some("失联，正在查找".to_string()), None)
                    } else if lag && (i % 2 == 1 || d >= month_start(today)) {
                        (Attendance::AbsentOther, Some("无正当理由缺席".to_string()), None)
                    } else if self.chance(0.03) {
                        self.subs[k].ill_days.insert(d);
                        (Attendance::AbsentIll, Some("因病请假（附诊断证明）".to_string()), None)
                    } else {
                        (Attendance::Present, None, Some(per))
                    };
                    if let Some(c) = credit {
                        *credited.entry(k).or_default() += c;
                        self.subs[k].met_days.insert(d);
                    }
                    attendance.push(AttendanceLine {
                        subject_id: self.sid(k),
                        attendance: att,
                        credited_minutes: credit,
                        sign_in: credit.map(|_| "08:25".to_string()),
                        sign_out: credit.map(|_| "12:30".to_string()),
                        note,
                    });
                } else {
                    let (credit, perf, why) = if exempt {
                        (
                            Some(0),
                            None,
                            Some(format!(
                                "{}，无劳动能力，依实施办法第四十四条免于参加公益活动",
                                ground.unwrap_or("身体原因")
                            )),
                        )
                    } else if away || lost {
                        (Some(0), Some(if away { "经批准外出，未参加" } else { "失联，未参加" }.to_string()), None)
                    } else if self.subs[k].ill_days.contains(&d) {
                        (Some(0), Some("因病请假，未参加（附诊断证明）".to_string()), None)
                    } else if lag {
                        let c = if i % 2 == 1 || d >= month_start(today) { 0 } else { per / 2 };
                        (Some(c), Some(if c == 0 { "无故未参加" } else { "迟到早退，按实际时长计" }.to_string()), None)
                    } else {
                        (
                            Some(per),
                            Some(self.pick(&["劳动积极，表现良好", "能服从安排，完成任务", "态度认真"]).to_string()),
                            None,
                        )
                    };
                    if why.is_none() {
                        *credited.entry(k).or_default() += credit.unwrap_or(0);
                    }
                    if credit.unwrap_or(0) > 0 {
                        self.subs[k].met_days.insert(d);
                    }
                    lines.push(ParticipationLine {
                        subject_id: self.sid(k),
                        credited_minutes: credit,
                        performance: perf,
                        exempt_reason: why,
                    });
                }
            }
            if study && !attendance.is_empty() {
                self.study_session(d, per, minors, i, attendance, false)?;
            } else if !study && !lines.is_empty() {
                self.service_activity(d, per, minors, lines, false)?;
            }
        }
        // Make-up session at the end of a finished month for whoever is short of the quota
        // (leave, illness, a late start) — except this month's and last month's gaps.
        let mut makeup = self.next_working(plus(month.end, -3)).min(month.end);
        if month.end >= today {
            return Ok(());
        }
        let mut short: Vec<(usize, u32)> = Vec::new();
        for k in 0..self.subs.len() {
            if !self.eligible(k, month.end, minors) {
                continue;
            }
            let s = &self.subs[k];
            if (s.lagging && month.end >= prev)
                || s.lost_on.is_some_and(|l| l < month.end)
                || (!study && !s.able_to_work)
            {
                continue;
            }
            let Some(need) = self.quota_minutes(k, month, study) else { continue };
            let have = credited.get(&k).copied().unwrap_or(0);
            if have < need {
                short.push((k, need - have));
            }
        }
        if short.is_empty() {
            return Ok(());
        }
        // Subjects who reported after the usual make-up day get theirs on the month's last days.
        for (k, _) in &short {
            makeup = makeup.max(self.subs[*k].reported_on.unwrap_or(makeup));
        }
        let minutes = short.iter().map(|s| s.1).max().unwrap_or(60).div_ceil(60) * 60;
        for (k, _) in &short {
            self.subs[*k].met_days.insert(makeup);
        }
        if study {
            let lines = short
                .iter()
                .map(|(k, m)| AttendanceLine {
                    subject_id: self.sid(*k),
                    attendance: Attendance::Present,
                    credited_minutes: Some(*m),
                    sign_in: None,
                    sign_out: None,
                    note: Some("补学".into()),
                })
                .collect();
            self.study_session(makeup, minutes, minors, 99, lines, true)
        } else {
            let lines = short
                .iter()
                .map(|(k, m)| ParticipationLine {
                    subject_id: self.sid(*k),
                    credited_minutes: Some(*m),
                    performance: Some("补足本月公益活动时数".into()),
                    exempt_reason: None,
                })
                .collect();
            self.service_activity(makeup, minutes, minors, lines, true)
        }
    }

    /// The month's hour quota in minutes for subject `k`, prorated as the engine does.
    fn quota_minutes(&self, k: usize, month: DateRange, study: bool) -> Option<u32> {
        let s = &self.subs[k];
        let sup = DateRange::new(s.reported_on?, s.term_end);
        let active = intersect(month, sup)?;
        let pack = self.core.rules.pack_for(active.start).or_else(|| self.core.rules.pack_for(month.end))?;
        let pol = pack.classes.get(s.class_at(active.start));
        let h =
            if study { pol.study_hours_per_month.as_ref()?.hours } else { pol.service_hours_per_month.as_ref()?.hours };
        let free = active.days_inclusive() - covered_days(&s.custody, active);
        Some(prorate_up(h, free, month.days_inclusive()) * 60)
    }

    fn study_session(
        &mut self,
        d: NaiveDate,
        minutes: u32,
        minors: bool,
        i: u32,
        lines: Vec<AttendanceLine>,
        makeup: bool,
    ) -> Result<(), AppError> {
        let topic = if makeup {
            "本月集中教育学习补学（观看教学录像并完成学习心得）".to_string()
        } else if minors {
            self.pick(MINOR_TOPICS).to_string()
        } else {
            self.pick(STUDY_TOPICS).to_string()
        };
        let (mode, place, speaker) = if makeup {
            (StudyMode::Video, format!("{}会议室", self.local.office_name), None)
        } else if minors {
            (
                StudyMode::InPerson,
                format!("{}心理咨询室", self.local.office_name),
                Some(format!("{SOCIAL_WORKER}（社会工作者）")),
            )
        } else if i % 2 == 1 {
            (StudyMode::Online, "线上（社区矫正教育学习平台）".to_string(), None)
        } else {
            let sp = self.pick(&[
                "县司法局普法讲师团 赵律师",
                "县人民检察院 检察官",
                "县公安局交警大队 民警",
                "县心理咨询中心 心理咨询师",
            ]);
            (StudyMode::InPerson, format!("{}会议室", self.local.office_name), Some(sp.to_string()))
        };
        let form = StudySessionForm {
            session_date: d,
            start_time: Some("08:30".into()),
            end_time: Some(after(8, 30, minutes)),
            minutes,
            place,
            organiser: self.local.office_name.clone(),
            speaker,
            topic: topic.clone(),
            summary: Some(format!("围绕“{topic}”开展集中教育，学习后组织讨论并撰写心得体会。")),
            mode,
            attendance: lines,
        };
        let v = self.core.record_study_session(form).map_err(ctx("集中教育学习"))?;
        self.bump(jiaowu_store::StudySession::TABLE);
        *self.counts.entry(jiaowu_store::StudyAttendance::TABLE.to_string()).or_default() += v.attendance.len();
        Ok(())
    }

    fn service_activity(
        &mut self,
        d: NaiveDate,
        minutes: u32,
        minors: bool,
        lines: Vec<ParticipationLine>,
        makeup: bool,
    ) -> Result<(), AppError> {
        let (content, place) = if makeup {
            ("补足本月公益活动时数：清扫村道及公共区域卫生", "{town}主要街道")
        } else if minors {
            self.pick(MINOR_SERVICE)
        } else {
            self.pick(SERVICE_WORK)
        };
        let form = ServiceActivityForm {
            activity_date: d,
            start_time: Some("14:00".into()),
            end_time: Some(after(14, 0, minutes)),
            minutes,
            place: place.replace("{town}", &self.local.town),
            content: content.to_string(),
            supervisor: self.staff().to_string(),
            participants: lines,
        };
        let v = self.core.record_service_activity(form).map_err(ctx("公益活动"))?;
        self.bump(jiaowu_store::ServiceActivity::TABLE);
        *self.counts.entry(jiaowu_store::ServiceParticipation::TABLE.to_string()).or_default() += v.participants.len();
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Routine supervision records
    // -----------------------------------------------------------------------------------------

    /// Acts that meet the class duties of every window of the subject's supervision so far.
    fn plan_acts(&mut self, k: usize) -> Vec<(NaiveDate, Act)> {
        let today = self.today;
        let prev = add_months(month_start(today), -1);
        let mut s = self.subs[k].clone();
        let Some(sup) = s.sup(today) else { return Vec::new() };
        let mut acts: Vec<(NaiveDate, Act)> = vec![(sup.start, Act::Talk(Tk::Entry))];
        let first_visit_days = self.pack_at(sup.start).map(|p| i64::from(p.intake.first_visit_days)).unwrap_or(10);
        let fv_end = plus(sup.start, (first_visit_days - 1).max(1)).min(sup.end);
        if let Some(d) = self.free_day(&s, DateRange::new(plus(sup.start, 1).min(fv_end), fv_end), true) {
            acts.push((d, Act::Visit { first: true }));
        }
        // Talks around leave and sanctions, before-release talk.
        for l in self.leaves.iter().filter(|l| l.sub == k) {
            let before = plus(l.start, -1);
            if before >= sup.start && before <= sup.end && l.returned.is_some() {
                acts.push((before, Act::Talk(Tk::BeforeLeave)));
            }
            if let Some(r) = l.returned {
                if r <= sup.end {
                    acts.push((r, Act::Talk(Tk::OnReturn)));
                }
            }
        }
        for sp in self.sanctions.iter().filter(|x| x.sub == k && x.kind != SanctionKind::Praise) {
            let d = plus(sp.proposed_on, -1);
            if sup.contains(d) && !s.out_of_reach(d) {
                acts.push((d, Act::Talk(Tk::Violation)));
            }
        }
        let pre = plus(s.term_end, -20);
        if sup.contains(pre) && s.ty != SentenceType::TemporaryOutside {
            acts.push((pre, Act::Talk(Tk::PreRelease)));
        }
        // A talk set by an event moves off a group day: earlier before a leave, later otherwise.
        for (d, a) in acts.iter_mut() {
            let step = if *a == Act::Talk(Tk::BeforeLeave) { -1 } else { 1 };
            for _ in 0..3 {
                if !s.met_days.contains(d) {
                    break;
                }
                let next = plus(*d, step);
                if !sup.contains(next) || s.out_of_reach(next) || s.away_on(next) {
                    break;
                }
                *d = next;
            }
        }
        s.met_days.extend(acts.iter().filter(|(_, a)| a.in_person()).map(|(d, _)| *d));
        // The team visits weekly while a hazard is open (the measures it recorded).
        if let Some(h) = s.hazard {
            let mut w = plus(h.start, 1);
            while w <= h.end {
                if let Some(d) = self.free_day(&s, DateRange::new(w, plus(w, 3).min(h.end.max(w))), true) {
                    s.met_days.insert(d);
                    acts.push((d, Act::Visit { first: false }));
                }
                w = plus(w, 7);
            }
        }
        // Class duties, window by window; in-person kinds first so they also cover the
        // weekly phone report.
        let order = [
            ObligationKind::InPersonReport,
            ObligationKind::WrittenReport,
            ObligationKind::Visit,
            ObligationKind::Talk,
            ObligationKind::ItCheck,
            ObligationKind::PhoneReport,
        ];
        for kind in order {
            for period in Period::ALL {
                for w in windows(period, sup) {
                    let Some(active) = intersect(w, sup) else { continue };
                    let Some(pack) = self.pack_at(active.start) else { continue };
                    let policy: ClassPolicy = pack.classes.get(s.class_at(active.start)).clone();
                    let Some(duty) = duty_of(kind, &policy) else { continue };
                    if duty.per != period {
                        continue;
                    }
                    let wd = w.days_inclusive();
                    if prorate_half_up(duty.times, active.days_inclusive(), wd) == 0 {
                        continue;
                    }
                    let free = active.days_inclusive() - covered_days(&s.custody, active);
                    let required = prorate_half_up(duty.times, free, wd);
                    let have = acts
                        .iter()
                        .filter(|(d, a)| active.contains(*d) && a.activity().is_some_and(|x| kind.counts(x)))
                        .count() as u32;
                    for _ in have..required {
                        let act = match kind {
                            ObligationKind::InPersonReport => Act::Report(ReportMethod::InPerson),
                            ObligationKind::WrittenReport => Act::Report(ReportMethod::Written),
                            ObligationKind::Visit => Act::Visit { first: false },
                            ObligationKind::Talk => Act::Talk(Tk::Routine),
                            ObligationKind::ItCheck => Act::ItCheck { anomaly: false },
                            _ if self.chance(0.1) => Act::Report(ReportMethod::Video),
                            _ => Act::Report(ReportMethod::Phone),
                        };
                        let Some(d) = self.free_day(&s, active, act.in_person()) else { continue };
                        if s.lagging && d >= prev && self.chance(if d >= month_start(today) { 0.85 } else { 0.6 }) {
                            continue;
                        }
                        if act.in_person() {
                            s.met_days.insert(d);
                        }
                        acts.push((d, act));
                    }
                }
            }
        }
        // IT checks monthly where the pack sets no duty; a visit now and then misses the subject.
        for w in windows(Period::Month, sup) {
            let Some(active) = intersect(w, sup) else { continue };
            let has_duty =
                self.pack_at(active.start).is_some_and(|p| p.classes.get(s.class_at(active.start)).it_checks.is_some());
            if !has_duty && active.days_inclusive() >= 10 {
                if let Some(d) = self.free_day(&s, active, false) {
                    let anomaly = self.chance(0.03) && !(s.entrepreneur || s.commuter);
                    acts.push((d, Act::ItCheck { anomaly }));
                }
            }
            if self.chance(0.04) {
                if let Some(d) = self.free_day(&s, active, true) {
                    s.met_days.insert(d);
                    acts.push((d, Act::VisitAbsent));
                }
            }
        }
        // The unauthorised trip behind a 警告 shows first as an IT-check anomaly.
        for sp in self
            .sanctions
            .iter()
            .filter(|x| x.sub == k && x.basis.contains("第（三）项") && x.kind == SanctionKind::Warning)
        {
            let d = plus(sp.proposed_on, -4);
            if sup.contains(d) {
                acts.push((d, Act::ItCheck { anomaly: true }));
            }
        }
        acts.sort_by_key(|a| a.0);
        self.subs[k].met_days = s.met_days;
        acts
    }

    /// A random day of `range` when the subject can be met (not in custody, not away for acts
    /// that need them here); working days preferred for office acts.
    fn free_day(&mut self, s: &Sub, range: DateRange, in_person: bool) -> Option<NaiveDate> {
        let today = self.today;
        let blocked = |d: NaiveDate| s.out_of_reach(d) || (in_person && (s.away_on(d) || s.met_days.contains(&d)));
        let ok = |d: NaiveDate| d <= today && !blocked(d);
        for attempt in 0..16 {
            let d = self.day_in(range.start, range.end);
            if ok(d) && (!in_person || attempt >= 10 || self.working(d)) {
                return Some(d);
            }
        }
        (0..range.days_inclusive()).map(|i| plus(range.start, i)).find(|d| ok(*d))
    }

    fn routine(&mut self) -> Result<(), AppError> {
        for k in 0..self.subs.len() {
            let acts = self.plan_acts(k);
            let s = self.subs[k].clone();
            let sid = self.sid(k);
            for (d, act) in acts {
                match act {
                    Act::Report(method) => self.report(&s, sid, k, d, method)?,
                    Act::Visit { first } => self.visit(&s, sid, k, d, first, true)?,
                    Act::VisitAbsent => self.visit(&s, sid, k, d, false, false)?,
                    Act::Talk(t) => self.talk(&s, sid, k, d, t)?,
                    Act::ItCheck { anomaly } => self.it_check(&s, sid, d, anomaly)?,
                }
            }
        }
        Ok(())
    }

    fn report(
        &mut self,
        s: &Sub,
        sid: SubjectId,
        k: usize,
        d: NaiveDate,
        method: ReportMethod,
    ) -> Result<(), AppError> {
        // The workplace without its bracketed note ("…经营部（个体工商户，本人经营）").
        let full = s.employer.clone().unwrap_or_else(|| "务农".into());
        let work = full.split('（').next().unwrap_or(&full).to_string();
        // What the subject says agrees with the file: a leave or a lost day in the week, travel
        // under a permit once it is valid, odd jobs only for those without steady work, no work
        // for those who cannot.
        let week = DateRange::new(plus(d, -6), d);
        let away_now = s.away_on(d);
        let away = s.away.iter().any(|a| intersect(*a, week).is_some());
        let lost = s.lost_past.is_some_and(|l| intersect(l, week).is_some());
        let travels = s.permit.is_some_and(|(_, from)| d >= from);
        let odd_jobs = matches!(work.as_str(), "务农" | "无业" | "建筑工地务工");
        let working = s.able_to_work && !work.starts_with('无') && work != "在校学生";
        let steady = if s.entrepreneur {
            "本周正常经营（{work}）。"
        } else {
            "本周正常上班（{work}），按时回家，未与他人发生矛盾。"
        };
        let content = match method {
            ReportMethod::Phone | ReportMethod::Video => {
                let via = if method == ReportMethod::Video { "视频报告" } else { "电话报告" };
                let body = if lost {
                    "本周因手机损坏一度未能联系，已到所说明情况，保证今后通讯畅通。".to_string()
                } else if away_now {
                    "正在经批准外出期间，按要求报告行程，将按期返回并办理销假。".to_string()
                } else if away {
                    "本周经批准外出，已按期返回并销假。".to_string()
                } else if !s.able_to_work {
                    "本周在家休养，身体状况稳定，按时服药，未离开本县，无会客情况。".to_string()
                } else {
                    let first = if travels {
                        "本周按外出许可往返周边市县（{work}），其余时间在家，遵守各项规定。"
                    } else {
                        "本周在家，遵守各项监督管理规定，未离开本县，无异常情况。"
                    };
                    let second = if working { steady } else { "本周在家，生活正常，按时报告。" };
                    let fourth = if odd_jobs {
                        "本周在本镇打零工，未外出，无会客情况。"
                    } else {
                        "本周工作、生活正常，无会客情况。"
                    };
                    self.pick(&[first, second, "近期身体状况良好，家庭和睦，按时参加了本月学习。", fourth])
                        .replace("{work}", &work)
                };
                format!("{via}：{body}")
            }
            ReportMethod::InPerson => self
                .pick(&[
                    "到司法所当面报告近期思想、工作和生活情况，表示认罪悔罪，遵守监管规定。",
                    if working {
                        "当面报告：近期工作稳定（{work}），家庭关系正常，无违法违规情况。"
                    } else {
                        "当面报告：近期生活正常，家庭关系正常，无违法违规情况。"
                    },
                    "到所当面报告本阶段活动情况，并领取下阶段学习和公益活动安排。",
                    if travels || away {
                        "当面报告：本人及家庭无重大变化，无迁居、会客情况。"
                    } else {
                        "当面报告：本人及家庭无重大变化，无迁居、会客及外出情况。"
                    },
                ])
                .replace("{work}", &work),
            ReportMethod::Written => self
                .pick(&[
                    "提交书面思想汇报一份：汇报本期遵纪守法、参加教育学习和公益活动情况，对所犯罪行有进一步认识。",
                    "提交书面思想汇报：通过集中学习认识到自身法律意识淡薄，今后将自觉遵守法律法规，踏实工作。",
                    "提交书面报告：本期按时报告、参加学习和公益活动，家庭和工作无变化。",
                ])
                .to_string(),
        };
        let (h, m) = match method {
            ReportMethod::InPerson | ReportMethod::Written => {
                (self.pick(&[8, 9, 10, 11, 14, 15, 16]), self.rng.gen_range(0..60))
            }
            // A call on a group day comes in the evening, after the session.
            _ if s.met_days.contains(&d) => (self.rng.gen_range(19..=20), self.rng.gen_range(0..60)),
            _ => (self.rng.gen_range(8..=20), self.rng.gen_range(0..60)),
        };
        let input = ReportInput {
            subject_id: sid,
            report_date: d,
            report_time: Some(hm(h, m)),
            method,
            received_by: self.staff().to_string(),
            content,
            anomalies: None,
            follow_up: None,
        };
        let rec = self.core.record_report(input).map_err(ctx("报告"))?;
        self.bump(jiaowu_store::Report::TABLE);
        if method == ReportMethod::Written && !self.to_correct.iter().any(|c| c.0 == RecordKind::Report) {
            self.to_correct.push((RecordKind::Report, rec.id, k));
        }
        Ok(())
    }

    fn visit(
        &mut self,
        s: &Sub,
        sid: SubjectId,
        k: usize,
        d: NaiveDate,
        first: bool,
        present: bool,
    ) -> Result<(), AppError> {
        let (cadre, role) = self.cadre(s.village);
        let at_work = !first
            && s.employer.as_deref().is_some_and(|e| e.contains("公司") || e.contains("经营部"))
            && self.chance(0.25);
        let (place_type, address) = if at_work {
            (PlaceType::Workplace, s.employer.clone().unwrap_or_default())
        } else if self.chance(0.08) {
            (PlaceType::VillageCommittee, format!("{}{}村（居）委会", self.local.town, s.village))
        } else {
            (PlaceType::Home, s.address.clone())
        };
        let mut interviewees = Vec::new();
        if let Some((n, rel, _)) = s.relative() {
            interviewees.push(Interviewee { name: n.clone(), relation: rel.to_string(), phone: None });
        }
        if self.chance(0.5) || first {
            interviewees.push(Interviewee { name: cadre.clone(), relation: role.to_string(), phone: None });
        }
        let he = s.he();
        let findings = if !present {
            format!(
                "到{}查访，对象不在（据家属称外出务工，当日返回），向家属及{}了解近期表现，未发现异常。",
                address, role
            )
        } else if first {
            format!(
                "报到后首次实地查访。核实居住地与登记一致，{he}与家人同住，家庭关系和睦。向{role}{cadre}了解其平时表现，告知其监督管理规定和矫正小组成员联系方式。"
            )
        } else if place_type == PlaceType::Workplace && s.entrepreneur {
            "对象在经营部，经营正常，账目清楚。周边商户反映其诚信经营、与人和气，无异常。".to_string()
        } else if place_type == PlaceType::Workplace {
            "对象在工作单位，工作正常，单位负责人反映其遵守纪律、按时上下班，无异常。".to_string()
        } else if place_type == PlaceType::VillageCommittee {
            format!("在{role}约见对象及家属，对象精神状态良好；{role}{cadre}反映其近期表现正常，邻里关系和睦。")
        } else {
            // What the visit says agrees with the file: travel under a permit, a neighbour dispute
            // still open.
            let dispute = s.hazard.is_some_and(|h| h.contains(d));
            let travels = s.permit.is_some_and(|(_, from)| d >= from);
            let farming = matches!(s.employer.as_deref(), Some("务农"));
            self.pick(&[
                "对象在家，精神状态良好，近期工作稳定，家庭和睦。家属反映其按时回家、不与闲杂人员来往。",
                match (travels, dispute) {
                    (_, true) => "对象在场，宅基地纠纷正在村委会调解中，对象情绪平稳，表示不再与邻居争吵。",
                    (true, false) => "对象在场，交谈中表示认真遵守各项规定，外出均按许可报告行程、无会客。向村干部了解，邻里关系正常。",
                    (false, false) => "对象在场，交谈中表示认真遵守各项规定，近期无外出、无会客。向村干部了解，邻里关系正常。",
                },
                if farming {
                    "对象在场，近期忙于农活，生活正常。家属表示将督促其按时报告、参加学习。"
                } else {
                    "对象在场，近期生活正常。家属表示将督促其按时报告、参加学习。"
                },
            ])
            .to_string()
        };
        let input = VisitInput {
            subject_id: sid,
            visit_date: d,
            start_time: Some(hm(self.pick(&[9, 10, 10, 11, 14, 15, 15, 16]), self.pick(&[0, 10, 20, 30, 40]))),
            end_time: None,
            place_type,
            address,
            method: ContactMethod::InPerson,
            visitors: self.pair(),
            interviewees,
            subject_present: present,
            findings,
            // What a clerk writes in the two boxes below the findings.
            problems: Some(match (present, s.hazard.is_some_and(|h| h.contains(d))) {
                (false, _) => "本人不在，未能当面核实。".to_string(),
                (true, true) => "与邻居的宅基地纠纷尚在调解中。".to_string(),
                (true, false) => "未发现问题。".to_string(),
            }),
            follow_up: Some(match (present, s.hazard.is_some_and(|h| h.contains(d))) {
                (false, _) => "电话联系本人补充核实，约定下周到所当面报告".to_string(),
                (true, true) => "矫正小组每周走访，跟进调解进展，防止矛盾激化。".to_string(),
                (true, false) => "按计划继续走访。".to_string(),
            }),
        };
        let rec = self.core.record_visit(input).map_err(ctx("实地查访"))?;
        self.bump(jiaowu_store::Visit::TABLE);
        if first && present && !self.to_correct.iter().any(|c| c.0 == RecordKind::Visit) {
            self.to_correct.push((RecordKind::Visit, rec.id, k));
        }
        Ok(())
    }

    fn talk(&mut self, s: &Sub, sid: SubjectId, k: usize, d: NaiveDate, t: Tk) -> Result<(), AppError> {
        let (talk_type, content) = match t {
            Tk::Entry => (
                TalkType::Entry,
                format!(
                    "入矫谈话：告知社区矫正期限（{}至{}）、应遵守的报告、会客、外出、迁居等规定及违反规定的后果，了解其家庭、工作及犯罪原因。本人表示认罪悔罪，服从管理。",
                    cn_date(s.term_start),
                    cn_date(s.term_end)
                ),
            ),
            Tk::Routine => (
                TalkType::Routine,
                self.pick(&[
                    "个别教育：了解近期思想动态和工作生活情况，针对其所犯罪行开展法治教育，对方表示认识到错误。",
                    "个别教育：询问本月学习和公益活动情况，提醒其按时报告、遵守外出请假制度。",
                    "个别谈话：了解家庭经济状况和就业需求，鼓励其稳定就业，远离不良人员。",
                    "个别教育：结合近期典型案例，讲解违反监督管理规定的后果，对方表示会严格遵守。",
                ])
                .to_string(),
            ),
            Tk::Violation => (TalkType::Violation, "违规谈话：就其违反监督管理规定的事实进行询问并制作笔录，指出错误性质及后果，本人承认违规事实，表示今后改正。".into()),
            Tk::BeforeLeave => (TalkType::BeforeLeave, "外出前谈话：告知外出期间每日电话报告、按期返回并销假等要求，不得前往禁止进入的场所。".into()),
            Tk::OnReturn => (TalkType::OnReturn, "返回销假谈话：了解外出期间活动情况，核对行程与申请一致，无违规情况。".into()),
            Tk::PreRelease => (TalkType::PreRelease, "解矫前谈话：回顾矫正期间表现，告知解除矫正程序及安置帮教衔接事项，提醒其期满前继续遵守各项规定。".into()),
        };
        let talkers = self.pair();
        let note_taker = Some(talkers[1].clone());
        let place = if t != Tk::Routine || self.chance(0.85) {
            format!("{}谈话室", self.local.office_name)
        } else {
            format!("{}家中", s.name)
        };
        let h = self.rng.gen_range(9..=16);
        let input = TalkInput {
            subject_id: sid,
            talk_date: d,
            start_time: Some(hm(h, 0)),
            end_time: Some(hm(h, 40)),
            place,
            talk_type,
            talkers,
            note_taker,
            content,
            // A violation talk says what was wrong and what follows from it.
            problems: (t == Tk::Violation).then(|| {
                let facts = self.sanctions.iter().filter(|x| x.sub == k && x.kind != SanctionKind::Praise);
                facts.min_by_key(|x| (x.proposed_on - d).num_days().abs()).map(|x| x.facts.clone()).unwrap_or_default()
            }),
            follow_up: (t == Tk::Violation)
                .then(|| "提请县社区矫正机构给予处罚；加强电话和信息化核查，督促其按规定报告。".to_string()),
        };
        let rec = self.core.record_talk(input).map_err(ctx("个别教育谈话"))?;
        self.bump(jiaowu_store::Talk::TABLE);
        if t == Tk::Routine && !self.to_correct.iter().any(|c| c.0 == RecordKind::Talk) {
            self.to_correct.push((RecordKind::Talk, rec.id, k));
        }
        Ok(())
    }

    fn it_check(&mut self, s: &Sub, sid: SubjectId, d: NaiveDate, anomaly: bool) -> Result<(), AppError> {
        let method = if anomaly {
            ItCheckMethod::PhoneLocation
        } else {
            self.pick(&[
                ItCheckMethod::AppCheckin,
                ItCheckMethod::AppCheckin,
                ItCheckMethod::PhoneLocation,
                ItCheckMethod::VideoCall,
                ItCheckMethod::FaceRecognition,
            ])
        };
        let input = ItCheckInput {
            subject_id: sid,
            check_date: d,
            method,
            result: if anomaly { ItCheckResult::Anomaly } else { ItCheckResult::Normal },
            anomalies: anomaly
                .then(|| "定位显示在石家庄市裕华区，超出本县范围，已电话核实并要求其到所说明情况".to_string()),
            device_id: Some(s.phone.clone()),
        };
        self.core.record_it_check(input).map_err(ctx("信息化核查"))?;
        self.bump(jiaowu_store::ItCheck::TABLE);
        Ok(())
    }

    /// 暂予监外执行: monthly health report; 保外就医 re-examination every three months.
    fn medical(&mut self) -> Result<(), AppError> {
        let today = self.today;
        let prev = add_months(month_start(today), -1);
        for k in 0..self.subs.len() {
            let s = self.subs[k].clone();
            if s.ty != SentenceType::TemporaryOutside {
                continue;
            }
            let Some(sup) = s.sup(today) else { continue };
            let sid = self.sid(k);
            let (health, reexam) = self
                .pack_at(sup.start)
                .map(|p| (p.medical.health_report_months, p.medical.reexam_months))
                .unwrap_or((1, 3));
            let mut cadences = vec![(MedicalReportKind::HealthReport, health.max(1))];
            if s.medical_parole {
                cadences.push((MedicalReportKind::Reexamination, reexam.max(1)));
            }
            for (kind, n) in cadences {
                let mut i = 0u32;
                loop {
                    let ws = add_months(sup.start, (i * n) as i32);
                    if ws > sup.end {
                        break;
                    }
                    let we = plus(add_months(sup.start, ((i + 1) * n) as i32), -1).min(sup.end);
                    i += 1;
                    let lo = if kind == MedicalReportKind::Reexamination { plus(we, -20).max(ws) } else { ws };
                    let Some(d) = self.free_day(&s, DateRange::new(lo, we), false) else { continue };
                    if s.lagging && d >= prev && self.chance(0.5) {
                        continue;
                    }
                    let ground = s.ground.unwrap_or("病情");
                    let (hospital, result) = match kind {
                        MedicalReportKind::HealthReport => (
                            Some(self.local.hospital.clone()),
                            format!("本月身体情况报告：{ground}，目前病情{}，按医嘱治疗，保证人{}在家照料。", self.pick(&["稳定", "基本稳定", "较上月好转"]), s.guardian.as_ref().map(|g| g.0.as_str()).unwrap_or("")),
                        ),
                        MedicalReportKind::Reexamination => (
                            Some(self.local.designated_hospital.clone()),
                            format!("在省级人民政府指定医院复查：{ground}，复查结论为病情未明显好转，仍符合保外就医条件（附诊断证明书及检查报告）。"),
                        ),
                    };
                    let input = MedicalReportInput { subject_id: sid, report_date: d, kind, hospital, result };
                    self.core.record_medical_report(input).map_err(ctx("病情报告"))?;
                    self.bump(jiaowu_store::MedicalReport::TABLE);
                }
            }
        }
        Ok(())
    }

    /// Monthly assessments (for some), 账本式 ledger entries, counselling and help.
    fn assessments_and_education(&mut self) -> Result<(), AppError> {
        let today = self.today;
        for k in 0..self.subs.len() {
            let s = self.subs[k].clone();
            let Some(sup) = s.sup(today) else { continue };
            let sid = self.sid(k);
            if s.monthly_assessment {
                for w in windows(Period::Month, sup) {
                    if w.end >= today || w.end > sup.end || s.out_of_reach(w.end) {
                        continue;
                    }
                    let start = w.start.max(sup.start);
                    // The month of the violation's proposal or of its decision.
                    let sanctioned = self.sanctions.iter().any(|x| {
                        x.sub == k
                            && x.kind != SanctionKind::Praise
                            && (w.contains(x.proposed_on) || x.decided_on.is_some_and(|d| w.contains(d)))
                    });
                    let (grade, score) = if sanctioned {
                        (Grade::Fail, self.rng.gen_range(40..60))
                    } else if self.chance(0.25) {
                        (Grade::Good, self.rng.gen_range(90..=98))
                    } else {
                        (Grade::Pass, self.rng.gen_range(70..90))
                    };
                    let kind = self
                        .sanctions
                        .iter()
                        .find(|x| x.sub == k && x.kind != SanctionKind::Praise)
                        .map(|x| if x.kind == SanctionKind::Warning { "警告" } else { "训诫" })
                        .unwrap_or("训诫");
                    let items = match grade {
                        Grade::Fail => format!(
                            "遵纪守法：不合格（本月违反监督管理规定，受到{kind}）；服从监管：不合格；教育学习：合格；公益活动：合格"
                        ),
                        Grade::Good => "遵纪守法：良好；服从监管：良好；教育学习：良好；公益活动：良好".into(),
                        Grade::Pass => "遵纪守法：合格；服从监管：合格；教育学习：合格；公益活动：合格".into(),
                    };
                    let input = AssessmentInput {
                        subject_id: sid,
                        period_start: start,
                        period_end: w.end,
                        grade,
                        score: Some(score),
                        items,
                        reviewer: STAFF[0].to_string(),
                    };
                    self.core.record_assessment(input).map_err(ctx("月度考核"))?;
                    self.bump(jiaowu_store::Assessment::TABLE);
                }
            }
            // 账本式 education about once a quarter for about half of the subjects.
            if self.chance(0.55) || s.showcase {
                let violation = match s.crime {
                    "危险驾驶罪" | "交通肇事罪" => ViolationKind::DrunkDriving,
                    "开设赌场罪" => ViolationKind::Gambling,
                    "故意伤害罪" | "寻衅滋事罪" | "聚众斗殴罪" => ViolationKind::Fighting,
                    _ if self.chance(0.5) => ViolationKind::DefyingSupervision,
                    _ => ViolationKind::Other,
                };
                for w in windows(Period::Quarter, sup) {
                    let Some(active) = intersect(w, sup) else { continue };
                    if active.days_inclusive() < 30 {
                        continue;
                    }
                    let Some(d) = self.free_day(&s, active, true) else { continue };
                    let (theme, cost, content) = self.ledger_text(&s, violation);
                    let reflection = self.chance(0.7).then(|| {
                        self.pick(&[
                            "算了这笔账才知道，一次违法要付出这么大的代价，今后一定遵纪守法。",
                            "最对不起的是父母和孩子，以后要踏踏实实做人。",
                            "罚金、误工加上名声受损，得不偿失，一定吸取教训。",
                        ])
                        .to_string()
                    });
                    let input = LedgerEntryInput {
                        subject_id: sid,
                        entry_date: d,
                        theme,
                        violation_kind: violation,
                        cost_kind: cost,
                        content,
                        reflection,
                    };
                    self.core.record_ledger_entry(input).map_err(ctx("账本式教育"))?;
                    self.bump(jiaowu_store::LedgerEntry::TABLE);
                }
            }
            // Counselling: every minor, violent offences, some others.
            let wants = s.minor || matches!(s.crime, "故意伤害罪" | "寻衅滋事罪" | "抢劫罪") || self.chance(0.15);
            let wants = wants || s.showcase;
            if wants {
                let times = if s.minor { 3 } else { self.rng.gen_range(1..=2) };
                for _ in 0..times {
                    let Some(d) = self.free_day(&s, sup, true) else { continue };
                    let legal = !s.minor && self.chance(0.3);
                    let input = CounsellingInput {
                        subject_id: sid,
                        session_date: d,
                        kind: if legal { CounsellingKind::Legal } else { CounsellingKind::Psychological },
                        counsellor: if legal {
                            "县法律援助中心 值班律师".into()
                        } else {
                            format!("{SOCIAL_WORKER}（国家三级心理咨询师）")
                        },
                        summary: if legal {
                            self.pick(&[
                                "咨询民事赔偿款分期履行问题，律师解答了执行和解相关规定。",
                                "咨询离婚诉讼中子女抚养权问题，已告知法律援助申请途径。",
                                "咨询劳动合同纠纷，指导其通过劳动仲裁维护权益。",
                            ])
                            .to_string()
                        } else if s.minor {
                            "心理辅导：开展沙盘游戏和情绪疏导，对方逐步打开心扉，与父母的沟通有所改善。".to_string()
                        } else {
                            self.pick(&[
                                "心理辅导：进行心理健康测评（SCL-90），结果基本正常；就其焦虑情绪开展疏导。",
                                "心理辅导：针对其易冲动的性格开展情绪管理训练，布置放松练习。",
                                "心理辅导：就家庭矛盾开展疏导，建议家属共同参与。",
                            ])
                            .to_string()
                        },
                        follow_up: Some("下月跟进".into()),
                    };
                    self.core.record_counselling(input).map_err(ctx("心理辅导和法律帮助"))?;
                    self.bump(jiaowu_store::Counselling::TABLE);
                }
            }
            // 帮扶: jobs, 低保, medical insurance, schooling.
            let help = if s.minor {
                Some((HelpKind::Schooling, "协调学校为其办理复学手续，安排老师结对辅导功课", "已复学"))
            } else if s.ty == SentenceType::TemporaryOutside {
                Some((HelpKind::Medical, "协助家属办理大病医疗保险报销和医疗救助申请", "已获医疗救助"))
            } else if s.employer.as_deref() == Some("无业") {
                Some((HelpKind::Employment, "推荐到本镇某食品厂应聘普工，协调企业对其一视同仁", "已上岗"))
            } else if s.showcase {
                Some((HelpKind::Skills, "推荐参加县人社局组织的建材销售与电子商务培训", "已结业，网店开始接单"))
            } else if self.chance(0.12) {
                Some(self.pick(&[
                    (HelpKind::Subsistence, "家庭困难，协助向镇民政办申请最低生活保障", "已纳入低保"),
                    (HelpKind::Skills, "推荐参加县人社局组织的电工技能培训", "已取得培训合格证"),
                ]))
            } else {
                None
            };
            if let Some((kind, content, outcome)) = help {
                if let Some(d) = self.free_day(&s, sup, true) {
                    let input = HelpRecordInput {
                        subject_id: sid,
                        help_date: d,
                        kind,
                        content: content.into(),
                        outcome: Some(outcome.into()),
                    };
                    self.core.record_help(input).map_err(ctx("帮扶"))?;
                    self.bump(jiaowu_store::HelpRecord::TABLE);
                }
            }
        }
        Ok(())
    }

    fn ledger_text(&mut self, s: &Sub, v: ViolationKind) -> (LedgerTheme, CostKind, String) {
        let theme = self.pick(&[
            LedgerTheme::Ledger,
            LedgerTheme::Ledger,
            LedgerTheme::Checklist,
            LedgerTheme::Case,
            LedgerTheme::Reminder,
            LedgerTheme::Guidance,
        ]);
        let cost = self.pick(&[
            CostKind::Freedom,
            CostKind::Income,
            CostKind::FamilyParents,
            CostKind::FamilyChildren,
            CostKind::Marriage,
            CostKind::Reputation,
            CostKind::Employment,
            CostKind::Property,
        ]);
        let what = match v {
            ViolationKind::DrunkDriving => "酒后驾驶",
            ViolationKind::Gambling => "参与赌博",
            ViolationKind::Fighting => "打架斗殴",
            ViolationKind::DefyingSupervision => "不服从监管",
            ViolationKind::Other => s.crime,
        };
        let fined = s.sentence.contains("罚金");
        let cost = match cost {
            // Children still at school only for the younger; a fine only where one was imposed.
            CostKind::FamilyChildren if s.age_on(self.today) >= 45 => CostKind::Reputation,
            other => other,
        };
        let loss = match cost {
            CostKind::Freedom => "自由账：一旦被撤销缓刑收监执行，将失去人身自由",
            CostKind::Income if fined => "经济账：罚金、赔偿、误工合计数万元，相当于全家一年收入",
            CostKind::Income => "经济账：赔偿、误工和诉讼花费合计数万元，相当于全家一年收入",
            CostKind::FamilyParents => "亲情账：父母年迈多病，因自己犯罪担惊受怕，无人在身边照顾",
            CostKind::FamilyChildren => "亲情账：孩子在学校抬不起头，今后参军、考公受影响",
            CostKind::Marriage => "婚姻账：夫妻关系紧张，家庭濒临破裂",
            CostKind::Reputation => "名誉账：在村里名声受损，邻里议论",
            CostKind::Employment => "前途账：有犯罪记录，很多岗位无法应聘，驾驶证被吊销",
            CostKind::Property => "财产账：车辆被扣押，财产被执行",
        };
        let lead = match theme {
            LedgerTheme::Ledger => "账本式教育",
            LedgerTheme::Checklist => "清单式教育：对照违规成本清单",
            LedgerTheme::Case => "案例式教育：以本县同类案例",
            LedgerTheme::Reminder => "提醒式教育：节前提醒",
            LedgerTheme::Guidance => "引导式教育",
        };
        (theme, cost, format!("{lead}，与对象一起算“{what}”的违规成本。{loss}。"))
    }

    // -----------------------------------------------------------------------------------------
    // Proposals, permits, leave, custody
    // -----------------------------------------------------------------------------------------

    /// The showcase's records no other demo subject has: a hazard found in the office's
    /// 风险隐患排查 and a change of place of execution the county refused (实施办法 Art 30).
    fn showcase_records(&mut self) -> Result<(), AppError> {
        let today = self.today;
        let Some(k) = self.subs.iter().position(|s| s.showcase) else { return Ok(()) };
        let s = self.subs[k].clone();
        let sid = self.sid(k);
        let Some(sup) = s.sup(today) else { return Ok(()) };
        let Some(hazard) = s.hazard else { return Ok(()) };
        let start = plus(hazard.start, -5).max(sup.start);
        let campaign = self
            .core
            .open_screening_campaign(jiaowu_store::ScreeningCampaignInput {
                office_id: self.core.office.id,
                name: format!("{}年社区矫正对象风险隐患排查", start.year()),
                start_date: start,
                end_date: plus(start, 30),
                scope: Some("本所全体在册社区矫正对象".into()),
            })
            .map_err(ctx("风险隐患排查"))?;
        self.bump(jiaowu_store::ScreeningCampaign::TABLE);
        self.core
            .record_hazard(jiaowu_store::HazardInput {
                subject_id: sid,
                campaign_id: campaign.id,
                found_on: hazard.start,
                description: "与邻居因宅基地边界多次发生争吵，曾扬言“要给对方点颜色看看”，有矛盾激化的风险。".into(),
                measures: Some(format!(
                    "协调{}调解宅基地纠纷；矫正小组每周走访；开展情绪管理辅导，告诫其不得再犯。",
                    self.cadre(s.village).1
                )),
                resolved_on: Some(hazard.end),
            })
            .map_err(ctx("风险隐患"))?;
        self.bump(jiaowu_store::Hazard::TABLE);
        let applied = self.day_in(plus(sup.start, 60), plus(today, -120).max(plus(sup.start, 61)));
        let change = self
            .core
            .apply_place_change(jiaowu_store::PlaceChangeInput {
                subject_id: sid,
                applied_on: applied,
                new_residence_code: "130102".into(),
                new_residence_detail: "河北省石家庄市长安区某小区（儿子租住房）".into(),
                reason: "拟随儿子到石家庄市区居住，便于照看孙子。".into(),
                office_opinion: Some("经核实，新住所为儿子租住房，租期三个月，居所不固定，建议不予同意。".into()),
            })
            .map_err(ctx("变更执行地"))?;
        self.bump(jiaowu_store::PlaceChange::TABLE);
        let decided = plus(applied, self.rng.gen_range(5..=9)).min(today);
        let input = DecisionInput {
            subject_id: sid,
            target_table: DecisionTarget::PlaceChanges,
            target_id: change.id,
            decided_by: DecidedBy::County,
            approve: false,
            decision_date: decided,
            doc_no: Some(self.doc("社矫变字", decided)),
            reason: Some("新执行地无固定住所，不符合变更执行地条件（《社区矫正法实施办法》第三十条）。".into()),
        };
        self.core.record_decision(input).map_err(ctx("县级决定"))?;
        self.bump(jiaowu_store::Decision::TABLE);
        Ok(())
    }

    fn proposals(&mut self) -> Result<(), AppError> {
        let mut plans = self.sanctions.clone();
        plans.sort_by_key(|p| p.proposed_on);
        for p in plans {
            let sid = self.sid(p.sub);
            let opinion = match p.kind {
                SanctionKind::Praise => "建议给予表扬",
                SanctionKind::Warning => "建议给予警告",
                _ => "建议给予训诫",
            };
            let input = SanctionInput {
                subject_id: sid,
                kind: p.kind,
                proposed_on: p.proposed_on,
                facts: p.facts.clone(),
                evidence: Some(
                    if p.kind == SanctionKind::Praise {
                        "村委会证明、群众反映材料"
                    } else if p.basis.contains("第（一）项") {
                        "失联查找记录、谈话笔录、本人陈述"
                    } else {
                        "谈话笔录、信息化核查记录、本人陈述及证人证言"
                    }
                    .into(),
                ),
                legal_basis: p.basis.into(),
                office_opinion: Some(format!("经司法所集体研究，{opinion}，报请县社区矫正机构决定。")),
            };
            let rec = self.core.propose_sanction(input).map_err(ctx("奖惩提请"))?;
            self.bump(jiaowu_store::Sanction::TABLE);
            if let Some(d) = p.decided_on.filter(|d| *d <= self.today) {
                let series = match p.kind {
                    SanctionKind::Praise => "社矫表字",
                    SanctionKind::Warning => "社矫警字",
                    _ => "社矫训字",
                };
                let doc = self.doc(series, d);
                self.decide(sid, DecisionTarget::Sanctions, rec.id, d, doc)?;
            }
        }
        Ok(())
    }

    fn travel_permits(&mut self) -> Result<(), AppError> {
        let today = self.today;
        for k in 0..self.subs.len() {
            let s = self.subs[k].clone();
            if !(s.entrepreneur || s.commuter) {
                continue;
            }
            let sid = self.sid(k);
            let Some((applied, valid_from)) = s.permit else { continue };
            let valid_to = plus(add_months(valid_from, 6), -1).min(s.term_end);
            let (kind, business, dests, reason, freq) = if s.entrepreneur {
                (
                    PermitKind::BusinessTravel,
                    s.employer.clone(),
                    "河北省石家庄市、保定市、衡水市".to_string(),
                    "本人经营建材生意，需定期到周边市县采购、送货及洽谈业务（附营业执照、购销合同）".to_string(),
                    "每月3至5次，每次1至2日".to_string(),
                )
            } else {
                (
                    PermitKind::FrequentTravel,
                    None,
                    "河北省石家庄市长安区".to_string(),
                    "在石家庄市长安区某物流公司任驾驶员，工作日往返（附劳动合同、单位证明）".to_string(),
                    "工作日每日往返".to_string(),
                )
            };
            let input = TravelPermitInput {
                subject_id: sid,
                kind,
                business_name: business,
                destinations: dests,
                reason,
                frequency: freq,
                applied_on: applied,
                valid_from,
                valid_to,
            };
            let rec = self.core.apply_travel_permit(input).map_err(ctx("经常性跨市县活动/商务外出"))?;
            self.bump(jiaowu_store::TravelPermit::TABLE);
            let decided = plus(applied, self.rng.gen_range(3..=5));
            let doc = self.doc("社矫外字", decided);
            self.decide(sid, DecisionTarget::TravelPermits, rec.id, decided, doc)?;
            // Trips reported under the permit.
            let mut d = plus(valid_from, self.rng.gen_range(1..=6));
            while d < plus(today, -1) && d <= valid_to {
                let len = if s.entrepreneur { self.rng.gen_range(0..=1) } else { 0 };
                // Not on a day he is met here, away on leave or lost.
                let busy = |d: NaiveDate| s.met_days.contains(&d) || s.away_on(d) || s.out_of_reach(d);
                if (0..=len).any(|i| busy(plus(d, i))) {
                    d = plus(d, 1);
                    continue;
                }
                let dest = if s.entrepreneur {
                    self.pick(&["石家庄市裕华区建材市场", "保定市竞秀区", "衡水市桃城区"])
                } else {
                    "石家庄市长安区"
                };
                let input = TravelTripInput {
                    subject_id: sid,
                    permit_id: rec.id,
                    trip_start: d,
                    trip_end: plus(d, len).min(plus(today, -1)),
                    destination: dest.into(),
                    reported_via: self.pick(&["微信报告行程及定位", "电话报告"]).into(),
                };
                self.core.record_travel_trip(input).map_err(ctx("外出行程报告"))?;
                self.bump(jiaowu_store::TravelTrip::TABLE);
                d = plus(d, if s.entrepreneur { self.rng.gen_range(6..=12) } else { self.rng.gen_range(10..=20) });
            }
        }
        Ok(())
    }

    /// A step of a leave, dated as the paper was: `on` for decisions and opinions (steps that
    /// carry their own date ignore it).
    fn step(&mut self, id: RecordId, step: LeaveStep, on: NaiveDate) -> Result<(), AppError> {
        let on = Some(on.min(self.today));
        self.core.record_leave_step(LeaveStepInput { leave_id: id, step, on }).map_err(ctx("外出审批"))?;
        self.bump("leave_events");
        Ok(())
    }

    fn leave_all(&mut self) -> Result<(), AppError> {
        let delegated = self.core.leave_delegated()?;
        let mut plans = self.leaves.clone();
        plans.sort_by_key(|l| l.applied);
        for l in plans {
            let sid = self.sid(l.sub);
            let host_sex = if self.chance(0.7) { Sex::Male } else { Sex::Female };
            let host = self.relative_name(host_sex, None);
            let role = match l.reason_kind {
                LeaveReasonKind::Litigation => "代理律师",
                LeaveReasonKind::Work => "业务联系人",
                LeaveReasonKind::Study => "学校联系人",
                _ if host_sex == Sex::Male => self.pick(&["表兄", "亲戚", "朋友"]),
                _ => self.pick(&["表姐", "亲戚", "朋友"]),
            };
            let contact = Some(format!("{host}（{role}），{}", self.mobile()));
            let form = LeaveForm {
                subject_id: sid,
                start_date: l.start,
                end_date: l.end,
                applied_on: Some(l.applied),
                destination_code: l.dest.0.into(),
                destination_detail: match l.reason_kind {
                    LeaveReasonKind::Litigation | LeaveReasonKind::Work | LeaveReasonKind::Study => {
                        format!("{}（住宿：宾馆）", l.dest.1)
                    }
                    _ => format!("{}（住宿：{host}家）", l.dest.1),
                },
                abroad: false,
                destination_contact: contact,
                reason_kind: l.reason_kind,
                reason_text: l.reason.clone(),
                transport: Some(
                    if self.subs[l.sub].ty == SentenceType::TemporaryOutside {
                        "家属陪同乘高铁"
                    } else {
                        self.pick(&["高铁", "长途客车", "自驾（家属驾驶）"])
                    }
                    .into(),
                ),
                urgent: l.urgent,
            };
            let v = self.core.submit_leave_request(form).map_err(ctx("外出申请"))?;
            self.bump("leave_requests");
            self.bump("leave_events");
            let id = v.leave.id;
            let office_may = delegated && v.leave.authority == Authority::Office;
            // The office answers the day after the application, the county two days later, both
            // before the trip (实施办法 Art 27); an urgent one the same day.
            let day_before = plus(l.start, -1).max(l.applied);
            let office_on = plus(l.applied, 1).min(day_before).min(self.today);
            let county_on = plus(office_on, 2).min(day_before).max(office_on).min(self.today);
            let decided_on = if office_may { office_on } else { county_on };
            let approve = |me: &mut Self| -> Result<(), AppError> {
                if office_may {
                    me.step(id, LeaveStep::OfficeDecide { approve: true, reason: String::new() }, office_on)
                } else {
                    me.step(
                        id,
                        LeaveStep::OfficeOpinion {
                            text:
                                "经核实，外出事由属实，有证明材料，对象近期表现良好，同意外出，报请县社区矫正机构审批。"
                                    .into(),
                        },
                        office_on,
                    )?;
                    let doc = me.doc("社矫外批字", county_on);
                    me.step(
                        id,
                        LeaveStep::CountyDecide { approve: true, reason: String::new(), doc_no: doc },
                        county_on,
                    )
                }
            };
            match l.fate {
                Fate::AwaitingOffice => {}
                Fate::AwaitingCounty => {
                    self.step(
                        id,
                        LeaveStep::OfficeOpinion {
                            text: "外出事由属实，附住院证明，同意外出，报请县社区矫正机构审批。".into(),
                        },
                        office_on,
                    )?;
                }
                Fate::Rejected => {
                    let reason = "所附证明材料不能证实外出事由，且近期有未按时报告情况，不予批准；已当面告知本人理由。"
                        .to_string();
                    if office_may {
                        self.step(id, LeaveStep::OfficeDecide { approve: false, reason }, office_on)?;
                    } else {
                        self.step(
                            id,
                            LeaveStep::OfficeOpinion {
                                text: "外出事由证明不足，建议不予批准。".into()
                            },
                            office_on,
                        )?;
                        let doc = self.doc("社矫外批字", county_on);
                        self.step(id, LeaveStep::CountyDecide { approve: false, reason, doc_no: doc }, county_on)?;
                    }
                }
                Fate::Cancelled => {
                    approve(self)?;
                    self.step(
                        id,
                        LeaveStep::Cancel {
                            reason: "家中事务已由亲属代为处理，本人申请撤回外出".into()
                        },
                        plus(decided_on, 1).min(day_before).max(decided_on),
                    )?;
                }
                Fate::Returned { .. } | Fate::CountyReturned | Fate::Overdue | Fate::ReturnedLate => {
                    approve(self)?;
                    self.step(id, LeaveStep::IssueCertificate, decided_on)?;
                    self.step(id, LeaveStep::Depart { date: l.start }, l.start)?;
                    if let Some(new_end) = l.extended_to {
                        self.step(
                            id,
                            LeaveStep::RequestExtension {
                                new_end,
                                reason: match l.reason_kind {
                                    LeaveReasonKind::Litigation => "法院通知庭审顺延，需继续参加诉讼（附法院通知）",
                                    LeaveReasonKind::Medical => "亲属病情反复，需继续陪护两日（附医院证明）",
                                    LeaveReasonKind::Work => "合同洽谈未完成，需延期两日（附对方单位证明）",
                                    _ => "事务未办理完毕，需延期两日返回（附相关证明）",
                                }
                                .into(),
                            },
                            plus(l.end, -1).max(l.start),
                        )?;
                        let by = if delegated { Authority::Office } else { Authority::County };
                        let doc_no = (by != Authority::Office).then(|| self.doc("社矫外批字", l.end));
                        self.step(id, LeaveStep::DecideExtension { approve: true, by, doc_no }, l.end)?;
                    }
                    if let Some(back) = l.returned {
                        let summary = if l.fate == Fate::ReturnedLate {
                            "逾期两日返回，称因返程车票延误，未及时报告。已当面销假并制作谈话笔录。".to_string()
                        } else {
                            format!("按期返回，到所当面销假。经核实，外出期间行程与申请一致（{}）。", l.dest.1)
                        };
                        self.step(id, LeaveStep::Return { date: back, method: ReportMethod::InPerson, summary }, back)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn custody_events(&mut self) -> Result<(), AppError> {
        for k in 0..self.subs.len() {
            let s = self.subs[k].clone();
            for c in &s.custody {
                let doc = format!(
                    "{}公（城）行罚决字〔{}〕{}号",
                    self.local.short,
                    c.start.year(),
                    self.rng.gen_range(100..900)
                );
                self.event(
                    k,
                    SubjectEventKind::Detained,
                    c.start,
                    Some(doc),
                    Some(self.local.station.clone()),
                    "因参与赌博被处以行政拘留五日，公安机关通知司法所",
                )?;
                self.event(
                    k,
                    SubjectEventKind::DetentionEnded,
                    c.end,
                    None,
                    Some(self.local.station.clone()),
                    "行政拘留期满释放，当日到司法所报告",
                )?;
            }
            if let Some(d) = s.detained_now {
                let doc = format!("{}公（刑）拘字〔{}〕{}号", self.local.short, d.year(), self.rng.gen_range(100..900));
                self.event(
                    k,
                    SubjectEventKind::Detained,
                    d,
                    Some(doc),
                    Some(self.local.police.clone()),
                    "因涉嫌盗窃罪被刑事拘留，羁押于县看守所；公安机关于次日书面通知",
                )?;
            }
        }
        Ok(())
    }

    /// A couple of corrections (更正): the old record stays, marked as replaced, with a reason.
    fn corrections(&mut self) -> Result<(), AppError> {
        let list = self.to_correct.clone();
        for (kind, id, k) in list {
            let s = self.subs[k].clone();
            let mut changes = serde_json::Map::new();
            let reason = match kind {
                RecordKind::Visit => {
                    let (cadre, role) = self.cadre(s.village);
                    let mut people = vec![serde_json::json!({ "name": cadre, "relation": role, "phone": null })];
                    if let Some((n, rel, _)) = s.relative() {
                        people.insert(0, serde_json::json!({ "name": n, "relation": rel, "phone": null }));
                    }
                    people.push(serde_json::json!({ "name": self.relative_name(Sex::Male, None), "relation": "邻居", "phone": null }));
                    changes.insert("interviewees".into(), serde_json::Value::Array(people));
                    "漏记被走访人（邻居），补充更正"
                }
                RecordKind::Report => {
                    changes.insert("report_time".into(), serde_json::json!("10:30"));
                    "报告时间录入错误，据接待登记簿更正"
                }
                RecordKind::Talk => {
                    changes.insert("note_taker".into(), serde_json::json!(SOCIAL_WORKER));
                    "记录人填写错误，实际由社工记录，更正"
                }
                _ => continue,
            };
            self.core
                .correct_record(CorrectRecordInput { kind, record_id: id, reason: reason.into(), changes })
                .map_err(ctx("更正记录"))?;
            self.bump("corrections");
        }
        Ok(())
    }

    fn lost_contact(&mut self) -> Result<(), AppError> {
        for k in 0..self.subs.len() {
            let s = self.subs[k].clone();
            if let Some(lost) = s.lost_past {
                self.lost_and_found(k, lost)?;
            }
            let Some(last) = s.lost_on else { continue };
            let sid = self.sid(k);
            let started = plus(last, 1);
            let ep = self
                .core
                .record_lost_contact(LostContactEpisodeInput {
                    subject_id: sid,
                    started_on: started,
                    last_contact_on: Some(last),
                })
                .map_err(ctx("失联"))?;
            self.bump(jiaowu_store::LostContactEpisode::TABLE);
            let relative = s.relative().map(|r| format!("其{}{}", r.1, r.0)).unwrap_or_else(|| "其家属".into());
            let steps = [
                (
                    started,
                    9,
                    30,
                    LostContactStepKind::Search,
                    "电话",
                    format!("未按时电话报告，拨打本人手机关机；联系{relative}，称其三天前外出打工，去向不明。"),
                ),
                (
                    started,
                    15,
                    0,
                    LostContactStepKind::Search,
                    "实地查找",
                    format!("到其住所及常去地点查找未果，向{}了解情况，未发现其下落。", self.cadre(s.village).1),
                ),
                (
                    plus(started, 1),
                    10,
                    0,
                    LostContactStepKind::Search,
                    "信息化核查",
                    "通过手机定位核查，最后定位在石家庄市桥西区，此后无信号。".to_string(),
                ),
                (
                    plus(started, 1),
                    16,
                    0,
                    LostContactStepKind::PoliceNotified,
                    "书面通报",
                    format!("已书面通报{}协助查找。", self.local.station),
                ),
                (
                    plus(started, 2),
                    9,
                    0,
                    LostContactStepKind::ProcuratorateNotified,
                    "书面报告",
                    format!("已书面报告{}。", self.local.procuratorate),
                ),
            ];
            let today = self.today;
            self.search_steps(sid, ep.id, steps.into_iter().filter(|st| st.0 < today))?;
        }
        Ok(())
    }

    /// A past 失联: searched for, notified, and found the next day (社区矫正法 Art 30).
    fn lost_and_found(&mut self, k: usize, lost: DateRange) -> Result<(), AppError> {
        let s = self.subs[k].clone();
        let sid = self.sid(k);
        let ep = self
            .core
            .record_lost_contact(LostContactEpisodeInput {
                subject_id: sid,
                started_on: lost.start,
                last_contact_on: Some(plus(lost.start, -1)),
            })
            .map_err(ctx("失联"))?;
        self.bump(jiaowu_store::LostContactEpisode::TABLE);
        let relative = s.relative().map(|r| format!("其{}{}", r.1, r.0)).unwrap_or_else(|| "其家属".into());
        let steps = [
            (lost.start, 10, 0, LostContactStepKind::Search, "电话", format!("未按约定到所报告，本人手机关机；联系{relative}，称其前一日外出进货未归。")),
            (lost.start, 16, 30, LostContactStepKind::Search, "实地查找", format!("到其经营部及住所查找未果，已请{}协助留意。", self.cadre(s.village).1)),
            (lost.start, 17, 30, LostContactStepKind::PoliceNotified, "电话通报", format!("已通报{}协助查找。", self.local.station)),
            (lost.end, 9, 20, LostContactStepKind::Found, "到所报到", "本人到司法所说明情况：外出进货途中手机损坏，未能及时报告。已当面批评教育，责令其保持通讯畅通，手机已修复。".to_string()),
        ];
        self.search_steps(sid, ep.id, steps)
    }

    /// The steps of a search: (day, hour, minute, kind, method, result).
    fn search_steps(
        &mut self,
        sid: SubjectId,
        episode: RecordId,
        steps: impl IntoIterator<Item = (NaiveDate, u32, u32, LostContactStepKind, &'static str, String)>,
    ) -> Result<(), AppError> {
        for (d, h, m, kind, method, result) in steps {
            let input = LostContactStepInput {
                subject_id: sid,
                episode_id: episode,
                kind,
                step_at: beijing(d, h, m),
                method: Some(method.into()),
                result,
            };
            self.core.record_lost_contact_step(input).map_err(ctx("失联查找"))?;
            self.bump(jiaowu_store::LostContactStep::TABLE);
        }
        Ok(())
    }

    /// Release at expiry: summary, appraisal, announcement, hand-over, then the case event.
    /// Subjects close to expiry have started their summaries.
    fn releases(&mut self) -> Result<(), AppError> {
        let today = self.today;
        for k in 0..self.subs.len() {
            let s = self.subs[k].clone();
            let sid = self.sid(k);
            let Some(rep) = s.reported_on else { continue };
            let prep = self.pack_at(s.term_end).map(|p| i64::from(p.release.prep_reminder_days)).unwrap_or(30);
            let outside = s.ty == SentenceType::TemporaryOutside;
            let mut steps: Vec<(ReleaseStepKind, NaiveDate, String)> = Vec::new();
            if let Some(rel) = s.release_on {
                if !outside {
                    steps.push((
                        ReleaseStepKind::PersonalSummary,
                        plus(s.term_end, -self.rng.gen_range(15..=25)),
                        "本人提交矫正期间个人总结：认罪悔罪，遵守各项规定，按时参加学习和公益活动，今后将遵纪守法。"
                            .into(),
                    ));
                    steps.push((ReleaseStepKind::Appraisal, plus(s.term_end, -self.rng.gen_range(8..=14)), "司法所鉴定意见：矫正期间认罪悔罪，遵守法律法规和监督管理规定，考核合格，建议期满依法解除社区矫正；已征求村委会意见，无异议。".into()));
                }
                let announce = match s.ty {
                    SentenceType::Control => "宣告管制期满，依法解除管制",
                    SentenceType::Probation => "宣告缓刑考验期满，原判刑罚不再执行",
                    SentenceType::Parole => "宣告假释考验期满，原判刑罚执行完毕",
                    SentenceType::TemporaryOutside => "暂予监外执行期间刑期届满，由原关押机关办理释放手续",
                };
                steps.push((ReleaseStepKind::Announcement, rel, format!("在司法所举行解除社区矫正宣告，宣读鉴定意见，{announce}，发放解除社区矫正证明书，矫正小组成员到场。")));
                steps.push((ReleaseStepKind::Handover, rel, "与村委会办理安置帮教衔接手续，档案移交归档。".into()));
            } else if !outside && s.profile == Profile::Regular && s.lost_on.is_none() && s.detained_now.is_none() {
                let open = plus(s.term_end, -prep);
                if open <= plus(today, -3) {
                    steps.push((
                        ReleaseStepKind::PersonalSummary,
                        self.day_in(open, plus(today, -1)),
                        format!(
                            "个人总结（初稿）：本人因{}被判处{}，{}至今接受社区矫正。矫正期间按规定报告、参加教育学习和公益活动，认识到自己法治观念淡薄，给家庭和社会造成了危害。今后将遵纪守法、踏实生活。（司法所已审阅，提出补充意见：补写接受帮扶和参加学习的体会。）",
                            s.crime, s.sentence, cn_date(s.reported_on.unwrap_or(s.term_start))
                        ),
                    ));
                }
            }
            for (kind, d, content) in steps {
                let d = d.max(rep);
                if d > today {
                    continue;
                }
                let input = ReleaseStepInput { subject_id: sid, kind, done_on: d, content };
                self.core.record_release_step(input).map_err(ctx("解除矫正"))?;
                self.bump(jiaowu_store::ReleaseStep::TABLE);
            }
            if let Some(rel) = s.release_on {
                let doc = self.doc("社矫解字", rel);
                let organ = if outside { self.local.prison.clone() } else { self.local.county_agency.clone() };
                let detail = if outside {
                    "刑期届满，原关押监狱办理释放手续，社区矫正依法终结"
                } else {
                    "矫正期满，依法解除社区矫正，书面通知决定机关、检察院和公安机关"
                };
                // The term ends on its last day (社区矫正法 Art 44); the announcement and the
                // certificate's number may follow on the next working day.
                self.event(k, SubjectEventKind::ReleasedExpiry, s.term_end.min(rel), Some(doc), Some(organ), detail)?;
            }
        }
        Ok(())
    }

    fn summary(&mut self, spec: &DemoSpec) -> Result<DemoSummary, AppError> {
        let mut by_type = BTreeMap::new();
        let mut by_class = BTreeMap::new();
        let mut by_status = BTreeMap::new();
        let (mut minors, mut women, mut mp) = (0, 0, 0);
        let mut leaves = BTreeMap::new();
        let mut overdue = 0;
        for k in 0..self.subs.len() {
            let s = self.core.subject_in_office(self.sid(k))?;
            *by_type.entry(zh::sentence_type(s.sentence_type).to_string()).or_insert(0usize) += 1;
            *by_class.entry(zh::class(s.class).to_string()).or_insert(0usize) += 1;
            *by_status.entry(zh::status(s.status).to_string()).or_insert(0usize) += 1;
            minors += usize::from(s.is_minor_case);
            women += usize::from(s.sex == Sex::Female);
            mp += usize::from(s.medical_parole);
            if self.leaves.iter().any(|l| l.sub == k) {
                for v in self.core.list_leaves(Some(s.id))? {
                    *leaves.entry(zh::leave_state(v.state).to_string()).or_insert(0usize) += 1;
                    overdue += usize::from(v.days_overdue.is_some());
                }
            }
        }
        Ok(DemoSummary {
            seed: spec.seed,
            today: self.today,
            from: self.from,
            subjects: self.subs.len(),
            by_type,
            by_class,
            by_status,
            minors,
            women,
            medical_parole: mp,
            records_total: self.counts.values().sum(),
            records: self.counts.clone(),
            leaves,
            overdue_leaves: overdue,
        })
    }
}

fn duty_of(kind: ObligationKind, p: &ClassPolicy) -> Option<Duty> {
    match kind {
        ObligationKind::PhoneReport => p.phone_reports.clone(),
        ObligationKind::InPersonReport => p.in_person_reports.clone(),
        ObligationKind::WrittenReport => p.written_reports.clone(),
        ObligationKind::Visit => p.visits.clone(),
        ObligationKind::Talk => p.talks.clone(),
        ObligationKind::ItCheck => p.it_checks.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::obligations::ObligationsQuery;
    use crate::testing::office;

    #[test]
    fn demo_office_is_realistic_deterministic_and_verifiable() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 18).unwrap();
        let spec = DemoSpec::default();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut core = office(a.path(), today, true);
        let t0 = std::time::Instant::now();
        let s1 = core.seed_demo(&spec).unwrap();
        eprintln!("demo generated in {:?}", t0.elapsed());
        eprintln!("{}", serde_json::to_string_pretty(&s1).unwrap());

        assert_eq!(s1.subjects, 60);
        for t in ["缓刑", "假释", "暂予监外执行", "管制"] {
            assert!(s1.by_type.get(t).copied().unwrap_or(0) > 0, "no {t}");
        }
        for c in ["严管", "普管", "宽管"] {
            assert!(s1.by_class.get(c).copied().unwrap_or(0) > 0, "no {c}");
        }
        for st in ["在矫", "待报到", "已解除矫正", "外出中", "失联"] {
            assert!(s1.by_status.get(st).copied().unwrap_or(0) > 0, "no {st}");
        }
        assert!(s1.overdue_leaves >= 2);
        assert!(s1.leaves.values().sum::<usize>() >= 12);
        assert!(s1.minors > 0 && s1.women > 0 && s1.medical_parole > 0);
        assert!(core.verify().unwrap().ok);

        // The deliberate gaps show on the obligations page; the past is mostly clean.
        let now = core.month_obligations(ObligationsQuery::default()).unwrap();
        assert!(now.overdue > 0, "overdue duties this month");
        let prev =
            core.month_obligations(ObligationsQuery { month: Some("2026-02".into()), subject_id: None }).unwrap();
        assert!(prev.shortfall > 0 && prev.overdue > 0, "gaps last month");
        let old = core.month_obligations(ObligationsQuery { month: Some("2025-09".into()), subject_id: None }).unwrap();
        assert!(
            old.overdue + old.shortfall <= old.done / 20,
            "past months mostly met: {} {} {}",
            old.overdue,
            old.shortfall,
            old.done
        );

        decided_before_the_trip(&core);

        let mut again = office(b.path(), today, true);
        let s2 = again.seed_demo(&spec).unwrap();
        assert_eq!(s1, s2, "same seed, same office");
    }

    /// No record meets a subject in two places on one day (a report at the office during a
    /// study session, a home visit during public-welfare work), nor while he is away on leave.
    #[test]
    fn nobody_is_met_twice_a_day_or_while_away() {
        use jiaowu_store::queries::current;
        use jiaowu_store::{Report, ServiceActivity, ServiceParticipation, StudyAttendance, StudySession, Talk, Visit};
        let dir = tempfile::tempdir().unwrap();
        let mut core = office(dir.path(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), true);
        core.seed_demo(&DemoSpec { seed: 42, subjects: 30, years: 2 }).unwrap();
        let st = &core.store;
        let study: BTreeMap<RecordId, NaiveDate> =
            current(st.all_records::<StudySession>().unwrap()).into_iter().map(|x| (x.id, x.session_date)).collect();
        let service: BTreeMap<RecordId, NaiveDate> = current(st.all_records::<ServiceActivity>().unwrap())
            .into_iter()
            .map(|x| (x.id, x.activity_date))
            .collect();
        let mut met: BTreeMap<(SubjectId, NaiveDate), Vec<&str>> = BTreeMap::new();
        let mut meet = |sid, d, what| met.entry((sid, d)).or_default().push(what);
        for r in current(st.all_records::<Report>().unwrap()) {
            if matches!(r.method, ReportMethod::InPerson | ReportMethod::Written) {
                meet(r.subject_id, r.report_date, "报告");
            }
        }
        for v in current(st.all_records::<Visit>().unwrap()).into_iter().filter(|v| v.subject_present) {
            meet(v.subject_id, v.visit_date, "走访");
        }
        for t in current(st.all_records::<Talk>().unwrap()) {
            meet(t.subject_id, t.talk_date, "谈话");
        }
        for a in current(st.all_records::<StudyAttendance>().unwrap()) {
            if a.attendance == Attendance::Present && a.credited_minutes > 0 {
                meet(a.subject_id, study[&a.session_id], "学习");
            }
        }
        for p in current(st.all_records::<ServiceParticipation>().unwrap()) {
            if p.credited_minutes > 0 {
                meet(p.subject_id, service[&p.activity_id], "公益");
            }
        }
        let twice: Vec<_> = met.iter().filter(|(_, w)| w.len() > 1).collect();
        // The monthly group day is study in the morning and public welfare in the afternoon;
        // nothing else shares a day.
        let clashes: Vec<_> = twice
            .iter()
            .filter(|(_, w)| {
                let mut w: Vec<&str> = w.to_vec();
                w.sort();
                w.len() > 1 && w != ["公益", "学习"]
            })
            .collect();
        assert!(clashes.is_empty(), "{} days with two acts: {:?}", clashes.len(), &clashes[..clashes.len().min(5)]);
        let leaves = core.list_leaves(None).unwrap();
        for ((sid, d), what) in &met {
            for l in leaves.iter().filter(|l| l.leave.subject_id == *sid) {
                let depart = l.events.iter().find(|e| e.kind == jiaowu_domain::leave::LeaveEventKind::Depart);
                let back = l.events.iter().find(|e| e.kind == jiaowu_domain::leave::LeaveEventKind::Return);
                if let (Some(a), Some(b)) = (depart, back) {
                    assert!(
                        !(a.event_date < *d && *d < b.event_date),
                        "{what:?} on {d} while away {}–{}",
                        a.event_date,
                        b.event_date
                    );
                }
            }
        }
    }

    /// Every leave is decided on paper between its application and its first day (实施办法
    /// Art 27), not on the day the demo was made.
    fn decided_before_the_trip(core: &Core) {
        use jiaowu_domain::leave::LeaveEventKind as E;
        let leaves = core.list_leaves(None).unwrap();
        let mut decided = 0;
        for l in &leaves {
            for e in l.events.iter().filter(|e| matches!(e.kind, E::OfficeDecide | E::OfficeOpinion | E::CountyDecide))
            {
                assert!(
                    l.leave.applied_on <= e.event_date && e.event_date <= l.leave.start_date.max(l.leave.applied_on),
                    "{:?} on {} for a leave applied {} from {}",
                    e.kind,
                    e.event_date,
                    l.leave.applied_on,
                    l.leave.start_date
                );
                decided += 1;
            }
        }
        assert!(decided >= 3, "{decided} decisions");
    }

    #[test]
    fn demo_without_delegation_routes_leave_to_the_county() {
        let today = NaiveDate::from_ymd_opt(2026, 7, 2).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut core = office(dir.path(), today, false);
        let s = core.seed_demo(&DemoSpec { seed: 7, subjects: 24, years: 1 }).unwrap();
        assert_eq!(s.subjects, 24);
        assert!(s.overdue_leaves >= 1);
        assert!(core.verify().unwrap().ok);
        decided_before_the_trip(&core);
    }
}
