//! Every user-visible string of the Rust side, in Chinese, in one place: error messages (each
//! naming the field and the rule), enum labels and CLI headings. Code and logs stay in English.

use jiaowu_domain::id_number::IdNumberError;
use jiaowu_domain::text::TextError;
use jiaowu_domain::{Phase, ReportMethod, Role, SentenceType, Sex, SubjectStatus, SupervisionClass};
use jiaowu_store::StoreError;

use crate::error::{AppError, ErrorKind};

/// Chinese label of an input field, as printed on the forms.
pub fn field(name: &str) -> &'static str {
    match name {
        "name" => "姓名",
        "former_name" => "曾用名",
        "sex" => "性别",
        "birth_date" => "出生日期",
        "id_number" => "公民身份号码",
        "phone" => "联系电话",
        "guardian_phone" => "监护人电话",
        "residence_code" => "执行地（居住地）行政区划代码",
        "residence_detail" => "执行地详细地址",
        "crime" => "罪名",
        "original_sentence" => "原判刑罚",
        "sentence_type" => "矫正类别",
        "term_start" => "矫正期限起日",
        "term_end" => "矫正期限止日",
        "judgment_effective" => "判决（裁定）生效日期",
        "reported_on" => "报到日期",
        "subject_id" => "社区矫正对象",
        "start_date" => "外出起始日期",
        "end_date" => "外出结束日期",
        "applied_on" => "申请日期",
        "destination_code" => "外出目的地",
        "new_end" => "延期后的结束日期",
        "on" => "办理日期",
        "date" => "日期",
        "visit_date" => "走访日期",
        "report_date" => "报告日期",
        "talk_date" => "谈话日期",
        "check_date" => "核查日期",
        "session_date" => "学习日期",
        "activity_date" => "活动日期",
        "minutes" => "时长",
        "credited_minutes" => "计入时长",
        "attendance" => "签到名单",
        "participants" => "参加人员",
        "reason" => "理由",
        "correction_reason" => "更正理由",
        "password" => "密码",
        "username" => "用户名",
        "month" => "月份",
        "valid_to" => "有效期止日",
        "content" => "内容",
        "findings" => "走访情况",
        _ => "该项",
    }
}

pub fn sentence_type(t: SentenceType) -> &'static str {
    match t {
        SentenceType::Control => "管制",
        SentenceType::Probation => "缓刑",
        SentenceType::Parole => "假释",
        SentenceType::TemporaryOutside => "暂予监外执行",
    }
}

pub fn class(c: SupervisionClass) -> &'static str {
    match c {
        SupervisionClass::Strict => "严管",
        SupervisionClass::Ordinary => "普管",
        SupervisionClass::Lenient => "宽管",
    }
}

pub fn status(s: SubjectStatus) -> &'static str {
    match s {
        SubjectStatus::PendingIntake => "待报到",
        SubjectStatus::InCorrection => "在矫",
        SubjectStatus::OnLeave => "外出中",
        SubjectStatus::LostContact => "失联",
        SubjectStatus::Detained => "被羁押",
        SubjectStatus::TransferOutPending => "待迁出",
        SubjectStatus::TransferredOut => "已迁出",
        SubjectStatus::Released => "已解除矫正",
        SubjectStatus::Terminated => "已终止矫正",
    }
}

pub fn phase(p: Phase) -> &'static str {
    match p {
        Phase::Entry => "入矫教育期",
        Phase::Regular => "常规教育期",
        Phase::PreRelease => "解矫教育期",
    }
}

pub fn sex(s: Sex) -> &'static str {
    match s {
        Sex::Male => "男",
        Sex::Female => "女",
    }
}

pub fn role(r: Role) -> &'static str {
    match r {
        Role::Head => "负责人",
        Role::Staff => "工作人员",
    }
}

pub fn report_method(m: ReportMethod) -> &'static str {
    match m {
        ReportMethod::Phone => "电话报告",
        ReportMethod::InPerson => "当面报告",
        ReportMethod::Written => "书面报告",
        ReportMethod::Video => "视频报告",
    }
}

pub fn internal(detail: &str) -> String {
    format!("程序内部错误，请联系技术支持（{detail}）")
}

pub fn required(f: &str) -> AppError {
    AppError::invalid(f, "required", format!("{}：必填项，不能为空。", field(f)))
}

pub fn date_in_future(f: &str, date: chrono::NaiveDate, today: chrono::NaiveDate) -> AppError {
    AppError::invalid(f, "date.future", format!("{}：{} 晚于今天（{}），不能登记尚未发生的事。", field(f), date, today))
}

pub fn subject_event(k: jiaowu_store::SubjectEventKind) -> &'static str {
    use jiaowu_store::SubjectEventKind as K;
    match k {
        K::Reported => "报到",
        K::EntryAnnounced => "入矫宣告",
        K::Detained => "被羁押",
        K::DetentionEnded => "羁押解除",
        K::TransferredIn => "迁入",
        K::TransferredOut => "迁出",
        K::ReleasedExpiry => "期满解除矫正",
        K::ReleasedAmnesty => "特赦解除矫正",
        K::RevokedProbation => "撤销缓刑",
        K::RevokedParole => "撤销假释",
        K::ReturnedToPrison => "收监执行",
        K::Died => "死亡",
    }
}

pub fn event_not_allowed(event: &str, name: &str, status: &str) -> String {
    format!("{name}当前状态为“{status}”，不能登记“{event}”。")
}

// 台账 statistics (domain.md §20).
pub const STAT_REGISTER: &str = "在册与进出";
pub const STAT_REGISTER_BEFORE: &str = "期初在册";
pub const STAT_RECEIVED: &str = "本期接收";
pub const STAT_EXITS: &str = "本期解矫（含终止、迁出）";
pub const STAT_REGISTER_AFTER: &str = "期末在册";
pub const STAT_CUMULATIVE_RECEIVED: &str = "累计接收";
pub const STAT_CUMULATIVE_EXITS: &str = "累计解矫";
pub const STAT_BY_TYPE: &str = "期末在册：按矫正类别";
pub const STAT_BY_CLASS: &str = "期末在册：按管理等级";
pub const STAT_SITUATION: &str = "期末在册：基本情况";
pub const STAT_MALE: &str = "男";
pub const STAT_FEMALE: &str = "女";
pub const STAT_MINORS: &str = "未成年人";
pub const STAT_ON_LEAVE: &str = "外出中";
pub const STAT_LOST: &str = "失联";
pub const STAT_DETAINED: &str = "被羁押";
pub const STAT_EXIT_KINDS: &str = "本期解矫：按原因";
pub const STAT_EXPIRED: &str = "期满解除";
pub const STAT_AMNESTY: &str = "特赦解除";
pub const STAT_REVOKED_PROBATION: &str = "撤销缓刑";
pub const STAT_REVOKED_PAROLE: &str = "撤销假释";
pub const STAT_RETURNED: &str = "收监执行";
pub const STAT_DEATH: &str = "死亡";
pub const STAT_TRANSFERRED_OUT: &str = "迁出";
pub const STAT_WORK: &str = "本期工作量";
pub const STAT_VISITS: &str = "走访（次）";
pub const STAT_TALKS: &str = "个别谈话（次）";
pub const STAT_IT_CHECKS: &str = "信息化核查（次）";
pub const STAT_STUDY_SESSIONS: &str = "集中教育学习（场）";
pub const STAT_STUDY_ATTENDANCES: &str = "集中教育学习（人次）";
pub const STAT_STUDY_HOURS: &str = "集中教育学习（小时）";
pub const STAT_SERVICE_SESSIONS: &str = "公益活动（场）";
pub const STAT_SERVICE_ATTENDANCES: &str = "公益活动（人次）";
pub const STAT_SERVICE_HOURS: &str = "公益活动（小时）";
pub const STAT_ACTS: &str = "本期监管与奖惩（人次/人）";

pub fn act_count(events: u32, subjects: u32) -> String {
    format!("{events} 人次 / {subjects} 人")
}
/// The ledger's rows for one kind of act: how many times, how many people.
pub fn ledger_per_events(label: &str) -> String {
    format!("{label}（人次）")
}
pub fn ledger_per_subjects(label: &str) -> String {
    format!("{label}（人）")
}

pub fn event_kind(k: jiaowu_domain::statistics::EventKind) -> String {
    use jiaowu_domain::statistics::{EventKind as K, LeaveAuthority as A};
    match k {
        K::Visit => "走访".into(),
        K::Talk => "谈话".into(),
        K::ItCheck => "信息化核查".into(),
        K::Study => "集中教育学习".into(),
        K::Service => "公益活动".into(),
        K::LeaveDecision { authority, approved } => format!(
            "外出审批（{}{}）",
            match authority {
                A::Office => "司法所",
                A::County => "县级",
                A::Higher => "上一级",
            },
            if approved { "批准" } else { "不批准" }
        ),
        K::FrequentTravelApproval => "经常性跨市县活动批准".into(),
        K::ContactOrPlaceApproval => "会客/进入特定区域批准".into(),
        K::Praise => "表扬".into(),
        K::Admonition => "训诫".into(),
        K::Warning => "警告".into(),
        K::PolicePenaltyProposal => "提请治安管理处罚".into(),
        K::RevokeProbationProposal => "提请撤销缓刑".into(),
        K::RevokeParoleProposal => "提请撤销假释".into(),
        K::ReturnToPrisonProposal => "提请收监执行".into(),
        K::ArrestRequest => "提请逮捕".into(),
        K::SentenceReductionProposal => "减刑建议".into(),
        K::EMonitoringStarted => "电子定位（开始）".into(),
        K::EMonitoringExtended => "电子定位（延长）".into(),
        K::EMonitoringEnded => "电子定位（解除）".into(),
        K::LostContactCase => "失联".into(),
        K::Pursuit => "追逃".into(),
    }
}

pub fn identity_violation(v: &jiaowu_domain::statistics::IdentityViolation) -> String {
    use jiaowu_domain::statistics::IdentityViolation as V;
    match v {
        V::RegisterFlow { before, received, exits, after } => {
            format!("期末在册 {after} ≠ 期初在册 {before} + 接收 {received} − 解矫 {exits}")
        }
        V::Cumulative { received, exits, register } => {
            format!("累计接收 {received} − 累计解矫 {exits} ≠ 在册 {register}")
        }
        V::BreakdownSum { breakdown, date, sum, total } => format!(
            "{:?} 分项合计 {sum} ≠ 总数 {total}{}",
            breakdown,
            date.map(|d| format!("（{d}）")).unwrap_or_default()
        ),
    }
}

// Demo office generator.
pub const DEMO_BAD_SUBJECTS: &str = "演示对象人数应为1至3000人";
pub const DEMO_BAD_YEARS: &str = "演示数据年数应为1至5年";

pub fn demo_step_failed(what: &str, message: &str) -> String {
    format!("演示数据（{what}）：{message}")
}

// Desktop shell.
pub const NOT_LOGGED_IN: &str = "请先登录。";
pub const ALREADY_INITIALISED: &str = "本机已建立司法所数据库，不能重复初始化；请直接登录。";
pub const NOT_INITIALISED: &str = "本机尚未建立司法所数据库，请先完成首次设置。";

// 对象档案 timeline.
pub const TIMELINE_LEAVE: &str = "外出申请";
pub const TIMELINE_LEAVE_EVENT: &str = "外出审批/销假";
pub const TIMELINE_DECISION: &str = "审批决定";
pub const TIMELINE_STUDY: &str = "集中教育学习";
pub const TIMELINE_SERVICE: &str = "公益活动";

pub fn record_kind(k: crate::records::RecordKind) -> &'static str {
    use crate::records::RecordKind as K;
    match k {
        K::Visit => "走访（实地查访）",
        K::Report => "报告",
        K::ItCheck => "信息化核查",
        K::Talk => "个别教育谈话",
        K::MedicalReport => "病情复查/身体情况",
        K::TeamMember => "矫正小组成员",
        K::CorrectionPlan => "矫正方案",
        K::Assessment => "考核",
        K::ReleaseStep => "解矫手续",
        K::LedgerEntry => "账本式教育",
        K::Counselling => "心理/法律辅导",
        K::Help => "帮扶",
        K::Sanction => "奖惩建议",
        K::ClassChange => "分类管理调整建议",
        K::PlaceChange => "变更执行地申请",
        K::TravelPermit => "经常性跨市县活动许可",
        K::TravelTrip => "许可范围内外出",
        K::LostContactEpisode => "失联",
        K::LostContactStep => "失联查找",
        K::Hazard => "风险隐患",
        K::SubjectEvent => "案件事件",
    }
}

// 工作台 (home page).
pub const SYNC_NOT_CONNECTED: &str = "未连接县级中心";
pub const SYNC_NEVER: &str = "已登记县级平台，尚未同步";

pub fn sync_last(beijing: &str) -> String {
    format!("上次同步 {beijing}")
}
pub const PENDING_PERMIT: &str = "经常性跨市县活动（经营）许可";
pub const CLOCK_INTAKE: &str = "报到期限";
pub const BASIS_INTAKE: &str = "《社区矫正法》第二十一条：判决、裁定生效之日起十日内报到";
pub const BASIS_LOST: &str =
    "《社区矫正法》第三十条、《实施办法》第三十八条：立即查找，查找不到的通报公安机关、报告检察院";
pub const CLOCK_RELEASE: &str = "矫正期满，准备解矫（个人总结、鉴定、宣告）";
pub const BASIS_RELEASE: &str = "《社区矫正法》第四十四条；期满前30日启动解矫手续";

pub fn sanction_kind(k: jiaowu_store::SanctionKind) -> &'static str {
    use jiaowu_store::SanctionKind as K;
    match k {
        K::Praise => "表扬",
        K::Admonition => "训诫",
        K::Warning => "警告",
        K::PolicePenalty => "提请治安管理处罚",
        K::RevokeProbation => "提请撤销缓刑",
        K::RevokeParole => "提请撤销假释",
        K::ReturnToPrison => "提请收监执行",
        K::Arrest => "提请逮捕",
        K::SentenceReduction => "提请减刑",
    }
}

pub fn pending_leave(days: u32, state: &str) -> String {
    format!("外出申请 {days} 日（{state}）")
}

pub fn pending_sanction(kind: &str) -> String {
    format!("{kind}（待县级决定）")
}

pub fn pending_class_change(from: &str, to: &str) -> String {
    format!("分类管理调整：{from} → {to}")
}

pub fn clock_lost(since: &str) -> String {
    format!("失联（自 {since} 起）")
}

pub fn episode_missing() -> String {
    "找不到这次失联记录，或它不属于该社区矫正对象。".into()
}

pub fn not_lost(name: &str, status: &str) -> String {
    format!("{name}当前状态为“{status}”，不在失联中，不能登记查找或找回。")
}

pub fn cannot_lose_contact(name: &str, status: &str) -> String {
    format!("{name}当前状态为“{status}”，只有在矫或外出中的对象才能登记失联。")
}

pub fn campaign_missing() -> String {
    "找不到本所的这次风险隐患排查，请先登记排查活动。".into()
}

pub fn campaign_ends_early(start: chrono::NaiveDate, end: chrono::NaiveDate) -> String {
    format!("排查结束日期（{end}）早于开始日期（{start}）。")
}

pub fn hazard_before_campaign(start: chrono::NaiveDate) -> String {
    format!("发现日期早于这次排查的开始日期（{start}）。")
}

pub fn permit_missing() -> String {
    "找不到该对象的这份外出（经营）许可。".into()
}

pub fn permit_not_approved() -> String {
    "这份许可尚未获县级批准（或已被更正），不能据此登记外出（《社区矫正法实施办法》第二十九条）。".into()
}

pub fn trip_outside_permit(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    format!("外出日期超出许可有效期（{from} 至 {to}），超出部分须另行请假。")
}

pub fn class_change_stale(proposed_from: &str, now: &str) -> String {
    format!("该分类管理调整建议针对“{proposed_from}”，而对象现为“{now}”，请重新提出建议后再登记决定。")
}

pub fn before_application(f: &str, date: chrono::NaiveDate, applied: chrono::NaiveDate) -> AppError {
    AppError::invalid(f, "date.before_application", format!("{}：{} 早于外出申请日期（{}）。", field(f), date, applied))
}

pub fn end_before_start(
    start_field: &str,
    end_field: &str,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
) -> AppError {
    AppError::invalid(
        end_field,
        "date.end_before_start",
        format!("{}（{}）早于{}（{}），结束日期不能早于开始日期。", field(end_field), end, field(start_field), start),
    )
}

pub fn id_number_error(f: &str, e: &IdNumberError) -> AppError {
    let l = field(f);
    let (code, msg) = match e {
        IdNumberError::Empty => ("id_number.empty", format!("{l}：不能为空。")),
        IdNumberError::WrongLength { found } => (
            "id_number.length",
            format!("{l}：应为18位（GB 11643-1999），实际输入{found}位。"),
        ),
        IdNumberError::LegacyFifteenDigits { original, converted } => (
            "id_number.legacy15",
            format!("{l}：{original} 是15位旧号码，须先明确转换为18位（转换后为 {converted}），请核对后填写18位号码。"),
        ),
        IdNumberError::NotADigit { position, found } => (
            "id_number.not_digit",
            format!("{l}：第{position}位应为数字，实际为“{found}”。"),
        ),
        IdNumberError::UnknownProvince { code } => (
            "id_number.province",
            format!("{l}：前两位“{code}”不是有效的省级行政区划代码（GB/T 2260）。"),
        ),
        IdNumberError::ResidencePermitCode { code } => (
            "id_number.residence_permit",
            format!("{l}：前两位“{code}”属于港澳台居民居住证号码，请将证件类型改为居住证后登记。"),
        ),
        IdNumberError::ImpossibleBirthDate { digits } => (
            "id_number.birth_date",
            format!("{l}：第7–14位出生日期“{digits}”不是真实存在的日期。"),
        ),
        IdNumberError::BirthDateTooEarly { birth_date, earliest } => (
            "id_number.birth_too_early",
            format!("{l}：出生日期 {birth_date} 早于 {earliest}，请核对号码。"),
        ),
        IdNumberError::BirthDateInFuture { birth_date, today } => (
            "id_number.birth_in_future",
            format!("{l}：出生日期 {birth_date} 晚于今天（{today}），请核对号码。"),
        ),
        IdNumberError::CheckCharacterMismatch { expected, found } => (
            "id_number.check_character",
            format!("{l}：校验码错误（GB 11643-1999 校验规则），第18位应为“{expected}”，实际为“{found}”，号码中有数字输错。"),
        ),
    };
    AppError::invalid(f, code, msg)
}

pub fn text_error(f: &str, e: &TextError) -> AppError {
    let l = field(f);
    let (code, msg) = match e {
        TextError::NameEmpty => ("text.name_empty", format!("{l}：不能为空。")),
        TextError::NameTooLong { count, max } => ("text.name_too_long", format!("{l}：共{count}个字，最多{max}个字。")),
        TextError::NameLineBreak { position, .. } => {
            ("text.name_line_break", format!("{l}：第{position}个字符是换行或制表符，姓名中不能有换行。"))
        }
        TextError::TextTooLong { count, max } => ("text.too_long", format!("{l}：共{count}个字，最多{max}个字。")),
        TextError::PhoneEmpty => ("phone.empty", format!("{l}：不能为空。")),
        TextError::PhoneInvalidCharacter { found } => {
            ("phone.character", format!("{l}：含有非法字符“{found}”，只能填数字。"))
        }
        TextError::MobileWrongLength { found } => {
            ("phone.mobile_length", format!("{l}：手机号码应为11位，实际{found}位。"))
        }
        TextError::MobileBadPrefix { prefix } => {
            ("phone.mobile_prefix", format!("{l}：“{prefix}”不是有效的手机号段（应以13–19开头）。"))
        }
        TextError::MobileWithExtension => ("phone.mobile_extension", format!("{l}：手机号码不能带分机号。")),
        TextError::LandlineBadLength { area_code, local_digits } => {
            ("phone.landline_length", format!("{l}：区号{area_code}后的号码有{local_digits}位，应为7或8位。"))
        }
        TextError::LandlineBadExtension { extension } => {
            ("phone.extension", format!("{l}：分机号“{extension}”应为1–6位数字。"))
        }
        TextError::PhoneUnrecognized { digits } => {
            ("phone.unrecognized", format!("{l}：“{digits}”既不是手机号码也不是固定电话（固话须带0开头的区号）。"))
        }
    };
    AppError::invalid(f, code, msg)
}

pub fn store_error(e: &StoreError) -> AppError {
    use StoreError as S;
    let (kind, code, msg) = match e {
        S::NotFound(p) => (ErrorKind::NotFound, "store.not_found", format!("找不到数据库文件：{p}。请先运行初始化（jiaowu init）。")),
        S::AlreadyExists(p) => (ErrorKind::Refused, "store.exists", format!("{p} 已存在数据库，不能重复初始化。")),
        S::KeyFileMissing(p) => (ErrorKind::Damaged, "store.keyfile_missing", format!("找不到密钥文件 {p}。数据库与 .keys 文件必须放在一起，请从备份中恢复。")),
        S::KeyFileDamaged(d) => (ErrorKind::Damaged, "store.keyfile_damaged", format!("密钥文件已损坏（{d}），请从备份中恢复。")),
        S::WrongPassword { failures } => (
            ErrorKind::Auth,
            "auth.wrong_password",
            format!("用户名或密码错误（已连续失败{failures}次，连续{}次将锁定{}分钟）。", jiaowu_store::keyfile::MAX_FAILURES, jiaowu_store::keyfile::LOCK_MINUTES),
        ),
        S::Locked { until } => (ErrorKind::Auth, "auth.locked", format!("密码连续输错，账号已锁定，请于 {} 后再试，或请负责人解锁。", local_time(until))),
        S::WrongRecoveryKey => (ErrorKind::Auth, "auth.wrong_recovery", "恢复密钥不正确。".to_string()),
        S::UnknownAccount(u) => (ErrorKind::Auth, "auth.unknown_account", format!("用户名或密码错误（账号“{u}”不可用）。")),
        S::AccountExists(u) => (ErrorKind::Refused, "account.exists", format!("用户名“{u}”已存在。")),
        S::AccountDisabled(u) => (ErrorKind::Auth, "auth.disabled", format!("账号“{u}”已停用。")),
        S::NewerSchema { found, supported } => (
            ErrorKind::Damaged,
            "store.newer_version",
            format!("该数据库由更新版本的矫务通创建（数据库版本{found}，本程序支持到{supported}），请升级软件后再打开；数据未作任何改动。"),
        ),
        S::ForeignFile(_) => (ErrorKind::Damaged, "store.foreign", "该文件不是矫务通数据库。".to_string()),
        S::Corrupt(d) => (ErrorKind::Damaged, "store.corrupt", format!("数据库文件已损坏或不完整（{d}）。请勿继续写入，使用 jiaowu restore 从最近的备份恢复。")),
        S::RecordNotFound { what, id } => {
            (ErrorKind::NotFound, "record.not_found", format!("找不到{}（编号 {id}）。", table_label(what)))
        }
        S::AlreadySuperseded(id) => (ErrorKind::Conflict, "record.already_corrected", format!("记录 {id} 已被更正过，请在最新的记录上更正。")),
        S::StaleVersion { .. } => (ErrorKind::Conflict, "record.stale", "该记录已被他人修改，请刷新后重试。".to_string()),
        S::Duplicate(n) => (ErrorKind::Refused, "subject.duplicate", format!("公民身份号码 {n} 已登记，不能重复登记同一人。")),
        S::Encoding(d) => (ErrorKind::Internal, "internal", internal(d)),
        S::Sqlite(e) => (ErrorKind::Internal, "internal", internal(&e.to_string())),
        S::Io(e) => (ErrorKind::Internal, "io", format!("读写文件失败：{e}")),
    };
    AppError::new(kind, "", code, msg)
}

/// An instant shown in Beijing time.
pub fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&crate::clock::shanghai()).format("%Y年%-m月%-d日 %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

pub fn unknown_rule_family(family: &str, known: &[&str]) -> String {
    format!(
        "规则预设“{family}”不存在。可选：national（全国基线）{}。",
        known.iter().map(|k| format!("、{k}")).collect::<String>()
    )
}

pub fn weak_password() -> String {
    "密码：至少8位，且须包含字母、数字、符号中的至少两类（GB/T 22239-2019 身份鉴别要求）。".into()
}

pub fn bad_username() -> String {
    "用户名：只能使用1–32位英文字母、数字、下划线或点。".into()
}

pub fn bad_division_code(code: &str) -> String {
    format!("行政区划代码：“{code}”应为至少6位数字（GB/T 2260）。")
}

pub fn head_only(what: &str) -> String {
    format!("只有负责人可以{what}，请用负责人账号登录。")
}

pub fn id_mismatch(m: &jiaowu_domain::id_number::IdMismatch) -> AppError {
    use jiaowu_domain::id_number::IdMismatch;
    match m {
        IdMismatch::BirthDate { from_id, recorded } => AppError::invalid(
            "birth_date",
            "id_number.birth_mismatch",
            format!("出生日期：填写的 {recorded} 与公民身份号码中的 {from_id} 不一致（GB 11643-1999 第7–14位）。"),
        ),
        IdMismatch::Sex { from_id, recorded } => AppError::invalid(
            "sex",
            "id_number.sex_mismatch",
            format!(
                "性别：填写的“{}”与公民身份号码第17位表示的“{}”不一致（奇数为男，偶数为女）。",
                sex(*recorded),
                sex(*from_id)
            ),
        ),
    }
}

pub fn medical_parole_only_outside() -> String {
    "保外就医：只适用于矫正类别为暂予监外执行的对象（刑事诉讼法第二百六十五条）。".into()
}

pub fn subject_not_in_office(key: &str) -> String {
    format!("社区矫正对象：找不到“{key}”（可用姓名或身份证号），或该对象不属于本司法所。")
}

/// `who`: each subject's masked ID number and its 编号, which the clerk may type instead.
pub fn subject_name_ambiguous(name: &str, who: &[(String, String)]) -> String {
    let list: Vec<String> = who.iter().map(|(masked, id)| format!("身份证号 {masked}，编号 {id}")).collect();
    format!("社区矫正对象：本所有{}名“{name}”（{}），请改用身份证号或编号。", who.len(), list.join("；"))
}

/// The status shown for a subject the county moved to another office (kept as an archive).
pub const TRANSFERRED_AWAY: &str = "已调至他所（档案）";

pub fn subject_transferred_away(name: &str) -> String {
    format!(
        "社区矫正对象：{name} 已由县级社区矫正机构调整到其他司法所，本所保留的只是档案，不能再登记。\
         如该对象仍在本所活动，请与县级社区矫正机构核对。"
    )
}

pub fn subject_closed(name: &str, status: &str) -> String {
    format!("社区矫正对象：{name} 的状态为“{status}”，已不在本所在册，不能再登记此类事项。")
}

pub fn release_before_expiry(date: chrono::NaiveDate, end: chrono::NaiveDate) -> String {
    format!("解除日期：{date} 早于矫正期满日 {end}；期满解除只能在期满之日或之后办理（社区矫正法第四十四条）。")
}

fn original_kind(k: jiaowu_domain::term::OriginalKind) -> &'static str {
    match k {
        jiaowu_domain::term::OriginalKind::Detention => "拘役",
        jiaowu_domain::term::OriginalKind::FixedTerm => "有期徒刑",
    }
}

pub fn term_error(f: &str, e: &jiaowu_domain::term::TermError) -> AppError {
    use jiaowu_domain::term::TermError as T;
    let (code, msg) = match e {
        T::ControlTooShort { months, min } => ("term.control_short", format!("管制期限：{months}个月短于法定最低{min}个月（刑法第三十八条）。")),
        T::ControlTooLong { months, max, combined } => (
            "term.control_long",
            format!("管制期限：{months}个月超过法定最高{max}个月（{}）。", if *combined { "数罪并罚，刑法第六十九条" } else { "刑法第三十八条" }),
        ),
        T::DetentionCreditExhaustsTerm { credit_days, term_days } => (
            "term.detention_credit",
            format!("管制期限：先行羁押折抵{credit_days}日（刑法第四十一条，羁押一日折抵二日），已抵满{term_days}日的刑期。"),
        ),
        T::OriginalSentenceTooShort { kind, months, min } => (
            "term.original_short",
            format!("原判刑期：{}{months}个月短于法定最低{min}个月。", original_kind(*kind)),
        ),
        T::OriginalSentenceTooLong { kind, months, max } => (
            "term.original_long",
            format!("原判刑期：{}{months}个月超过{max}个月，不适用缓刑（刑法第七十二条）。", original_kind(*kind)),
        ),
        T::ProbationTooShort { kind, months, min } => (
            "term.probation_short",
            format!("缓刑考验期：{}的考验期{months}个月短于法定最低{min}个月（刑法第七十三条）。", original_kind(*kind)),
        ),
        T::ProbationShorterThanOriginal { probation_months, original_months } => (
            "term.probation_below_original",
            format!("缓刑考验期：{probation_months}个月短于原判刑期{original_months}个月（刑法第七十三条：考验期不能少于原判刑期）。"),
        ),
        T::ProbationTooLong { kind, months, max } => (
            "term.probation_long",
            format!("缓刑考验期：{}的考验期{months}个月超过法定最高{max}个月（刑法第七十三条）。", original_kind(*kind)),
        ),
        T::ParoleSentenceEndMissing => ("term.parole_end_missing", "假释考验期：须填写原判刑期届满日（刑法第八十三条：考验期为没有执行完毕的刑期）。".to_string()),
        T::ParoleLifeWithSentenceEnd { sentence_end } => (
            "term.parole_life",
            format!("假释考验期：无期徒刑没有刑期届满日，却填写了 {sentence_end}（刑法第八十三条：无期徒刑的考验期为十年）。"),
        ),
        T::SentenceAlreadyServed { start, sentence_end } => (
            "term.already_served",
            format!("矫正期限：起日 {start} 不早于刑期届满日 {sentence_end}，刑期已执行完毕。"),
        ),
        T::EndNotAfterStart { start, end } => (
            "term.end_not_after_start",
            format!("{}：止日 {end} 不晚于起日 {start}，矫正期限止日必须晚于起日。", field(f)),
        ),
        T::DateOutOfRange => ("term.out_of_range", format!("{}：日期超出可计算范围。", field(f))),
    };
    AppError::invalid(f, code, msg)
}

pub fn class_unchanged() -> String {
    "调整后的管理类别：与原类别相同，无需调整。".into()
}

pub fn permit_too_long(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
    format!("有效期止日：{from} 至 {to} 超过6个月；经常性跨市县活动的批准有效期为六个月，期满须重新申请（实施办法第二十九条）。")
}

pub fn before_term(f: &str, d: chrono::NaiveDate, start: chrono::NaiveDate) -> String {
    format!("{}：{d} 早于矫正期限起日 {start}，不能登记矫正开始前的事项。", field(f))
}

pub fn already_corrected() -> String {
    "该记录已被更正过，请在最新的那条记录上更正。".into()
}

pub fn subject_fixed() -> String {
    "社区矫正对象：更正记录时不能把记录改到另一名对象名下；请更正为作废说明后重新登记。".into()
}

pub fn bad_changes(detail: &str) -> String {
    format!("更正内容无法识别（{detail}）。")
}

pub fn bad_input_json(detail: &str) -> String {
    format!("输入内容格式不正确（{detail}）。")
}

pub fn event_not_correctable() -> String {
    "报到、解除、终止等状态事项不能直接更正，请登记新的状态事项并在备注中说明。".into()
}

pub fn authority(a: jiaowu_domain::leave::Authority) -> &'static str {
    use jiaowu_domain::leave::Authority as A;
    match a {
        A::Office => "司法所",
        A::County => "县级社区矫正机构",
        A::Higher => "上一级社区矫正机构",
    }
}

/// Who approves, in words, with the rule (实施办法第二十七条).
pub fn approver(a: jiaowu_domain::leave::Authority, delegated: bool) -> String {
    use jiaowu_domain::leave::Authority as A;
    match a {
        A::Office => "由司法所负责人审批（县级已委托司法所审批7日以内外出，实施办法第二十七条），批准后报县级备案。".into(),
        A::County if !delegated => "由县级社区矫正机构审批：县级未委托本所审批外出，司法所签署意见后报县级（实施办法第二十七条）。".into(),
        A::County => "由县级社区矫正机构审批：超过7日，司法所签署意见后报县级（实施办法第二十七条）。".into(),
        A::Higher => "由上一级社区矫正机构审批：超过30日，或两个月内累计超过30日，县级审核后报上一级，并通报同级人民检察院（实施办法第二十七条）。".into(),
    }
}

pub fn leave_state(s: jiaowu_domain::leave::LeaveState) -> &'static str {
    use jiaowu_domain::leave::LeaveState as S;
    match s {
        S::Draft => "草稿",
        S::Submitted => "已申请，待审批",
        S::AwaitingCounty => "已签署司法所意见，待县级审批",
        S::AwaitingHigher => "待上一级审批",
        S::Approved { .. } => "已批准，待开具外出证明",
        S::Rejected { .. } => "不予批准",
        S::CertificateIssued => "已开具外出证明",
        S::OnLeave { .. } => "外出中",
        S::ExtensionPending { .. } => "外出中，延期待批",
        S::Returned { .. } => "已销假",
        S::ReturnedLate { .. } => "逾期后销假",
        S::Recalled { .. } => "已责令返回",
        S::Cancelled => "已撤回",
    }
}

pub fn leave_notice(n: &jiaowu_domain::leave::LeaveNotice) -> String {
    use jiaowu_domain::leave::LeaveNotice as N;
    match n {
        N::LeadTimeShort { lead, applied_on } => format!(
            "申请时间偏晚：外出应提前{}{}申请（实施办法第二十七条），最晚应于 {} 申请，实际 {} 申请。",
            lead.required,
            if lead.in_working_days { "个工作日" } else { "日" },
            lead.latest_application_day,
            applied_on
        ),
        N::LeadTimeWaivedUrgent { lead, .. } => {
            format!("已标记为紧急事由，未满提前{}日申请的要求作记录备查。", lead.required)
        }
        N::ExceedsCountySingleApproval { days, county_max_days } => {
            format!("外出{days}日，超过县级单次审批上限{county_max_days}日，须报上一级审批（实施办法第二十七条）。")
        }
        N::CumulativeLimitExceeded { cumulative } => format!(
            "{} 至 {} 两个月内累计外出{}日，超过{}日，须报上一级审批（实施办法第二十七条）。",
            cumulative.window.start, cumulative.window.end, cumulative.days, cumulative.limit
        ),
        N::AnnualCapExceeded { annual } => {
            format!("{}年累计外出{}日，超过本省每年{}日的上限（省级规定）。", annual.year, annual.days, annual.cap)
        }
        N::PendingLeaveInWindow { range, days, .. } => {
            format!(
                "另有一份待审批的外出申请（{} 至 {}，{}日），如获批准将计入累计天数。",
                range.start, range.end, days
            )
        }
    }
}

pub fn no_rule_pack(date: chrono::NaiveDate) -> String {
    format!("{date} 没有生效的规则包，请检查规则设置。")
}

pub fn leave_not_found(id: &str) -> String {
    format!("找不到外出申请 {id}。")
}

pub fn with_doc_no(doc_no: &str, reason: &str) -> String {
    if reason.trim().is_empty() {
        format!("文号：{doc_no}")
    } else {
        format!("文号：{doc_no}；{reason}")
    }
}

pub fn cannot_depart(status: &str) -> String {
    format!("社区矫正对象当前状态为“{status}”，不能登记离开。")
}

fn leave_field(f: jiaowu_domain::leave::LeaveDateField) -> &'static str {
    match f {
        jiaowu_domain::leave::LeaveDateField::Start => "start_date",
        jiaowu_domain::leave::LeaveDateField::End => "end_date",
    }
}

pub fn leave_error(e: &jiaowu_domain::leave::LeaveError) -> AppError {
    use jiaowu_domain::leave::{DivisionField, LeaveError as L, OutsideMainland};
    let refused = |f: &str, code: &str, m: String| AppError::refused(f, code, m);
    let invalid = |f: &str, code: &str, m: String| AppError::invalid(f, code, m);
    match e {
        L::EndBeforeStart { start, end } => invalid("end_date", "leave.end_before_start", format!("外出结束日期：{end} 早于起始日期 {start}，结束日期不能早于开始日期。")),
        L::OutsideTerm { field: f, date, term } => invalid(
            leave_field(*f),
            "leave.outside_term",
            format!("{}：{date} 不在矫正期限（{} 至 {}）内，外出只能在矫正期限内申请（社区矫正法第二十七条）。", field(leave_field(*f)), term.start, term.end),
        ),
        L::Retroactive { start, applied_on } => invalid(
            "start_date",
            "leave.retroactive",
            format!("外出起始日期：{start} 早于申请日期 {applied_on}；外出须事先经批准（社区矫正法第二十七条），不能事后补批。"),
        ),
        L::OverlapsOtherLeave { other_range, .. } => refused(
            "start_date",
            "leave.overlap",
            format!("外出日期：与另一份未结束的外出申请（{} 至 {}）重叠，同一时间只能有一次外出。", other_range.start, other_range.end),
        ),
        L::SubjectDetained => refused("subject_id", "leave.detained", "社区矫正对象正被羁押（社区矫正法第三十二条），不能批准外出。".into()),
        L::SubjectLostContact => refused("subject_id", "leave.lost_contact", "社区矫正对象处于失联状态，不能批准外出；请先查找并登记找回。".into()),
        L::SubjectNotUnderSupervision { status: s } => {
            refused("subject_id", "leave.not_supervised", format!("社区矫正对象状态为“{}”，不在本所监管中，不能申请外出。", status(*s)))
        }
        L::DestinationOutsideMainland { region } => refused(
            "destination_code",
            "leave.abroad",
            format!(
                "外出目的地：{}属于出境，社区矫正对象不得出境（出境入境管理法第十二条）。",
                match region {
                    OutsideMainland::Abroad => "国（境）外",
                    OutsideMainland::HongKong => "香港",
                    OutsideMainland::Macao => "澳门",
                    OutsideMainland::Taiwan => "台湾",
                }
            ),
        ),
        L::DestinationWithinResidenceCity { destination_code, .. } => refused(
            "destination_code",
            "leave.same_city",
            format!("外出目的地：{destination_code} 在社区矫正对象居住的市、县范围内，不属于外出，无需请假（实施办法第二十六条）。"),
        ),
        L::InvalidDivisionCode { field: f, code } => invalid(
            if *f == DivisionField::Destination { "destination_code" } else { "residence_code" },
            "leave.division_code",
            format!("{}：“{code}”不是有效的行政区划代码（GB/T 2260）。", if *f == DivisionField::Destination { "外出目的地" } else { "居住地" }),
        ),
        L::DivisionCodeTooCoarse { field: f, code } => invalid(
            if *f == DivisionField::Destination { "destination_code" } else { "residence_code" },
            "leave.division_coarse",
            format!("{}：“{code}”只到省或地市一级，请选到县（区）一级，才能判断是否离开本市、县。", if *f == DivisionField::Destination { "外出目的地" } else { "居住地" }),
        ),
        L::DestinationMissing => invalid(
            "destination_detail",
            "leave.destination_missing",
            "目的地：请写明详细地址（外出证明上须写明前往何处）。".into(),
        ),
        L::ReasonMissing { .. } => invalid("reason_text", "leave.reason_missing", "外出事由：请写明具体事由（实施办法第二十七条：书面申请并说明理由）。".into()),
        L::LeaveClosed { state } => refused("leave_id", "leave.closed", format!("该外出申请已结束（{}），不能再办理。", leave_state(*state))),
        L::InvalidTransition { state, event } => refused(
            "step",
            "leave.transition",
            format!("该外出申请当前为“{}”，不能办理“{}”。", leave_state(*state), leave_event(*event)),
        ),
        L::WrongActor { event, expected, .. } => refused(
            "step",
            "leave.wrong_actor",
            format!("“{}”应由{}办理。", leave_event(*event), authority(*expected)),
        ),
        L::OfficeNotDelegated => refused(
            "step",
            "leave.not_delegated",
            "县级社区矫正机构未委托本所审批外出，司法所不能批准，请签署司法所意见后报县级审批（实施办法第二十七条）。".into(),
        ),
        L::OfficeLacksAuthority { required, days, cumulative_days } => refused(
            "step",
            "leave.office_lacks_authority",
            format!(
                "外出{days}日（两个月内累计{cumulative_days}日），超出司法所可审批的7日以内，须由{}审批；请签署司法所意见后上报（实施办法第二十七条）。",
                authority(*required)
            ),
        ),
        L::CountyMustEscalate { days, cumulative_days, county_max_days, cumulative_limit_days } => refused(
            "step",
            "leave.county_must_escalate",
            format!(
                "外出{days}日（两个月内累计{cumulative_days}日），超过县级审批权限（单次{county_max_days}日、两个月累计{cumulative_limit_days}日），县级须报上一级社区矫正机构审批（实施办法第二十七条）。"
            ),
        ),
        L::EscalationNotRequired { required } => refused("step", "leave.escalation_not_required", format!("该申请由{}审批即可，无需报上一级。", authority(*required))),
        L::RejectionWithoutReason { .. } => invalid("reason", "leave.reject_reason", "不予批准：必须写明理由，并及时告知社区矫正对象。".into()),
        L::SubmittedAbove { decided_by } => refused(
            "step",
            "leave.submitted_above",
            format!(
                "该申请提交时须由{}审批（实施办法第二十七条），司法所不能批准；请签署司法所意见后上报。",
                authority(*decided_by)
            ),
        ),
        L::OfficeDecidesItself => refused(
            "step",
            "leave.office_decides",
            "本申请在7日以内，由本所依县级社区矫正机构的委托审批（实施办法第二十七条），请直接作出批准或不予批准的决定；县级机构撤回委托后才报县审批。".into(),
        ),
        L::OpinionEmpty => invalid("text", "leave.opinion_empty", "司法所意见：不能为空。".into()),
        L::NotApproved { state } => refused("step", "leave.not_approved", format!("该外出申请尚未批准（{}）。", leave_state(*state))),
        L::CertificateNotIssued => refused("step", "leave.no_certificate", "尚未开具外出证明，社区矫正对象不能离开。".into()),
        L::DepartureOutsidePeriod { date, period } => invalid(
            "date",
            "leave.depart_outside",
            format!("离开日期：{date} 不在批准的外出期间（{} 至 {}）内。", period.start, period.end),
        ),
        L::NotDeparted { .. } => refused("step", "leave.not_departed", "社区矫正对象尚未登记离开。".into()),
        L::ReturnBeforeDeparture { departed_on, returned_on } => {
            invalid("date", "leave.return_before_depart", format!("销假日期：{returned_on} 早于离开日期 {departed_on}。"))
        }
        L::RecallBeforeDeparture { departed_on, recalled_on } => {
            invalid("date", "leave.recall_before_depart", format!("责令返回日期：{recalled_on} 早于离开日期 {departed_on}。"))
        }
        L::CancelAfterDeparture { .. } => refused("step", "leave.cancel_after_depart", "社区矫正对象已离开，不能撤回申请；请办理销假或责令返回。".into()),
        L::ExtensionNotLater { current_end, new_end } => {
            invalid("new_end", "leave.extension_not_later", format!("延期后的结束日期：{new_end} 不晚于当前结束日期 {current_end}。"))
        }
        L::ExtensionBeyondTerm { new_end, term_end } => {
            invalid("new_end", "leave.extension_beyond_term", format!("延期后的结束日期：{new_end} 超过矫正期满日 {term_end}。"))
        }
        L::DeciderMismatch { by, .. } => refused("by", "leave.decider_mismatch", format!("审批机关填写为{}，与办理人不符。", authority(*by))),
    }
}

pub fn leave_event(k: jiaowu_domain::leave::LeaveEventKind) -> &'static str {
    use jiaowu_domain::leave::LeaveEventKind as K;
    match k {
        K::Submit => "提交申请",
        K::OfficeDecide => "司法所审批",
        K::OfficeOpinion => "签署司法所意见",
        K::CountyDecide => "县级审批",
        K::EscalateToHigher => "报上一级审批",
        K::HigherDecide => "上一级审批",
        K::IssueCertificate => "开具外出证明",
        K::Depart => "登记离开",
        K::RequestExtension => "申请延期",
        K::DecideExtension => "审批延期",
        K::Return => "销假",
        K::Recall => "责令返回",
        K::Cancel => "撤回申请",
    }
}

pub fn group_duplicate(id: &str) -> String {
    format!("名单：社区矫正对象 {id} 重复出现。")
}

pub fn group_not_in_office(id: &str) -> String {
    format!("名单：社区矫正对象 {id} 不是本司法所在册对象，不能登记其签到或时长。")
}

pub fn group_before_term(name: &str, date: chrono::NaiveDate, start: chrono::NaiveDate) -> String {
    format!("名单：{name} 的矫正期限自 {start} 起，{date} 的活动不能计入。")
}

pub fn minors_mixed() -> String {
    "名单：未成年社区矫正对象应与成年人分别进行教育活动（社区矫正法第五十二条），请分开登记。".into()
}

pub fn session_minutes(m: u32) -> String {
    format!("时长：{m} 分钟不合理，应在1分钟到12小时之间。")
}

pub fn credit_exceeds(credited: u32, total: u32) -> String {
    format!("计入时长：{credited} 分钟超过活动总时长 {total} 分钟。")
}

pub fn absent_credit() -> String {
    "计入时长：未到场的对象不能计入学习时长。".into()
}

pub fn hours(minutes: u32) -> String {
    if minutes % 60 == 0 {
        format!("{}", minutes / 60)
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

pub fn obligation_status(s: jiaowu_domain::obligations::ObligationStatus) -> &'static str {
    use jiaowu_domain::obligations::ObligationStatus as S;
    match s {
        S::Done => "已完成",
        S::DoneLate => "逾期完成",
        S::Due => "待办",
        S::Overdue => "已逾期",
        S::Shortfall => "时长不足",
        S::Exempt => "免除",
    }
}

pub fn bad_month(t: &str) -> String {
    format!("月份：“{t}”格式不正确，应为 YYYY-MM，例如 2026-11。")
}

pub fn statistics_error(detail: &str) -> String {
    format!("统计数据有矛盾，无法生成台账：{detail}")
}

pub fn sanction_error(detail: &str) -> String {
    format!("无法给出建议：{detail}")
}

pub fn deciding_body(b: jiaowu_domain::sanction::DecidingBody) -> &'static str {
    use jiaowu_domain::sanction::DecidingBody as B;
    match b {
        B::County => "县级社区矫正机构决定",
        B::Court => "由县级社区矫正机构提请人民法院裁定",
        B::Police => "由县级社区矫正机构提请公安机关决定",
        B::DecidingOrgan => "由县级社区矫正机构提请社区矫正决定机关决定",
    }
}

pub fn advice_reason(r: &jiaowu_domain::sanction::Reason) -> String {
    match r.count {
        Some(n) => format!("{}（{}：{}）", r.basis, r.suggests.label_zh(), n),
        None => format!("{}（{}）", r.basis, r.suggests.label_zh()),
    }
}

pub fn office_cannot_decide() -> String {
    "审批机关：训诫、警告、管理类别调整、变更执行地和经常性跨市县活动由县级社区矫正机构决定（实施办法第二十一、二十九、三十、三十四、三十五条），司法所只能提出建议。".into()
}

pub fn rejection_needs_reason() -> String {
    "不予批准：必须写明理由。".into()
}

pub fn decision_other_subject() -> String {
    "审批决定：所指的建议不属于该社区矫正对象。".into()
}

pub fn decision_exists() -> String {
    "审批决定：该建议已登记过审批结果。".into()
}

pub fn decision_target_missing() -> String {
    "审批决定：找不到所指的建议或申请。".into()
}

pub fn backup_exists(p: &str) -> String {
    format!("备份文件：{p} 已存在，请换一个文件名，以免覆盖原有备份。")
}

pub fn backup_damaged(detail: &str) -> String {
    format!("备份文件未通过校验，不能用于恢复：{detail}")
}

pub fn io_error(detail: &str) -> String {
    format!("读写文件失败：{detail}")
}

pub fn integrity_problem(detail: &str) -> String {
    format!("数据库完整性检查发现问题：{detail}")
}

pub fn fk_problem(n: i64) -> String {
    format!("有 {n} 条记录引用了不存在的记录。")
}

pub fn chain_break(b: &jiaowu_store::audit::ChainBreak) -> String {
    use jiaowu_store::audit::ChainBreak as B;
    match b {
        B::Gap { expected, found } => format!("审计日志被删除或插入了条目：应为第{expected}条，实际为第{found}条。"),
        B::Link { seq } => format!("审计日志第{seq}条与前一条的哈希链接不符，日志被改动过。"),
        B::Content { seq } => format!("审计日志第{seq}条的内容与其哈希不符，该条目在程序之外被修改过。"),
    }
}

/// Headings and prompts of the `jiaowu` command line.
pub mod cli {
    /// A command line clap refused, in words a clerk reads; `arg` and `value` as clap names them.
    pub fn bad_form_kind(k: &str) -> String {
        format!("表格种类：没有“{k}”。可用：basic_info, leave_approval, leave_certificate, leave_return, visit, talk, study_sign_in, study_record, service_record, sanction_approval, monthly_assessment")
    }
    pub fn bad_record_id(id: &str) -> String {
        format!("记录编号：“{id}”不是有效的编号（形如 01a2…-…）。")
    }
    pub fn ledger_file(from: &str, to: &str) -> String {
        format!("台账-{from}至{to}.xlsx")
    }
    pub fn printed(path: &str, pages: usize) -> String {
        format!("已生成 {path}（{pages} 页）")
    }
    pub fn saved(path: &str) -> String {
        format!("已保存 {path}")
    }
    pub fn missing_glyphs(chars: &str) -> String {
        format!("注意：本机字体无法显示“{chars}”，打印出来会是方框；请安装含该字的字体（如 SimSun-ExtB 或花园明朝）后重新生成。")
    }
    pub const NO_GAPS: &str = "卷宗检查：未发现缺漏。";
    pub const ORDER: &str = "卷内顺序";
    pub const ORDER_BY_COUNTY: &str = "县级社区矫正机构设定";
    pub const ORDER_DEFAULT: &str = "默认顺序";
    pub const CERT_NAME: &str = "对象";
    pub const CERT_PERIOD: &str = "外出期间";
    pub const CERT_DEST: &str = "目的地";
    pub const DEMO_OFFICE: &str = "城关镇司法所（演示）";
    pub const DEMO_COUNTY: &str = "某县社区矫正管理局（演示）";
    pub const DEMO_HEAD: &str = "演示负责人";

    pub fn error_prefix(msg: &str) -> String {
        format!("错误：{msg}")
    }
    pub fn no_password(env: &str) -> String {
        format!("密码：未设置环境变量 {env}，且无法在终端提示输入。")
    }
    pub fn no_user() -> String {
        "用户名：请用 --user 指定登录账号（或设置环境变量 JIAOWU_USER）。".into()
    }
    pub fn password_prompt(user: &str) -> String {
        format!("请输入账号 {user} 的密码：")
    }
    pub fn new_password_prompt(user: &str) -> String {
        format!("请为账号 {user} 设置新密码（至少8位，含字母和数字）：")
    }
    pub fn repeat_password_prompt() -> String {
        "请再输入一次：".into()
    }
    pub fn password_mismatch() -> String {
        "密码：两次输入不一致。".into()
    }
    pub fn recovery_prompt() -> String {
        "请输入恢复密钥：".into()
    }
    pub fn bad_choice(field: &str, v: &str, allowed: &str) -> String {
        if allowed.is_empty() {
            format!("{}：“{v}”不是可选值，请查看 --help。", super::field(field))
        } else {
            format!("{}：“{v}”不是可选值。可选：{allowed}（中文或括号内代码均可）。", super::field(field))
        }
    }
    /// An option's help line: what it is, and its choices.
    pub fn choices_help(what: &str, listed: &str) -> String {
        format!("{what}。可选：{listed}（中文或括号内代码均可）")
    }
    pub fn cannot_read(path: &str, e: &str) -> String {
        format!("无法读取文件 {path}：{e}")
    }
    pub fn bad_leave_id(v: &str) -> String {
        format!("编号“{v}”格式不正确（应为列表中显示的完整编号）。")
    }
    pub fn bad_kind(v: &str) -> String {
        format!("记录种类“{v}”不存在，请查看 jiaowu record json --help。")
    }
    pub fn bad_year(y: i32) -> String {
        format!("年度：{y} 无效。")
    }
    pub const PERIOD_BOTH_ENDS: &str = "统计期间：--from 和 --to 须同时给出（或改用 --month、--year）。";
    pub fn period_reversed(from: &str, to: &str) -> String {
        format!("统计期间：起始日期 {from} 晚于结束日期 {to}。")
    }
    pub fn approve_or_reject() -> String {
        "请在 --approve 和 --reject 中选择一个。".into()
    }
    pub fn verify_failed() -> String {
        "校验未通过。".into()
    }

    pub const OK: &str = "已完成。";
    pub const SAVED: &str = "已保存";
    pub const INIT_DONE: &str = "已建立本所数据库";
    pub const RECOVERY_TITLE: &str = "恢复密钥（只显示这一次，请抄写或打印后锁入保险柜；忘记所有密码时凭它恢复）：";
    pub const DB_FILE: &str = "数据库文件";
    pub const KEY_FILE_NOTE: &str = "密钥文件与数据库放在同一目录（.keys），备份时二者缺一不可。";
    pub const OFFICE: &str = "司法所";
    pub const ACCOUNT: &str = "账号";
    pub const NAME: &str = "姓名";
    pub const SEX: &str = "性别";
    pub const ID_NUMBER: &str = "身份证号";
    pub const TYPE: &str = "矫正类别";
    pub const CLASS: &str = "管理类别";
    pub const STATUS: &str = "状态";
    pub const PHASE: &str = "阶段";
    pub const TERM: &str = "矫正期限";
    pub const REMAINING: &str = "剩余天数";
    pub const TOTAL: &str = "共";
    pub const PEOPLE: &str = "人";
    pub const ITEMS: &str = "项";
    pub const MONTH_DUTIES: &str = "应办事项";
    pub const OVERDUE: &str = "已逾期";
    pub const SHORTFALL: &str = "时长不足";
    pub const DUE: &str = "待办";
    pub const DONE: &str = "已完成";
    pub const DUE_BY: &str = "截止";
    pub const BASIS: &str = "依据";
    pub const DONE_OF: &str = "完成";
    pub const LEAVE: &str = "外出申请";
    pub const DAYS: &str = "天数";
    pub const APPROVER: &str = "审批";
    pub const NOTICES: &str = "提醒";
    pub const DESTINATION: &str = "目的地";
    pub const PERIOD: &str = "期间";
    pub const DUE_BACK: &str = "应返回日期";
    pub const OVERDUE_DAYS: &str = "逾期天数";
    pub const NUMBER: &str = "编号";
    pub const STATE: &str = "状态";
    pub const ADVICE: &str = "建议";
    pub const DECIDED_BY: &str = "决定机关";
    pub const REASONS: &str = "理由";
    pub const ADVISORY: &str = "（系统只作提示，是否处理由有权机关决定）";
    pub const VALID_ID: &str = "公民身份号码有效";
    pub const BIRTH: &str = "出生日期";
    pub const ADDRESS_CODE: &str = "地址码";
    pub const CONVERTED_FROM: &str = "由15位号码转换";
    pub const VERIFY_OK: &str = "校验通过：数据库完整，审计日志哈希链完整。";
    pub const ENROLLED: &str = "本机已在县级平台登记";
    pub const BUNDLE_WRITTEN: &str = "已导出数据包（连同 .sig 签名文件交县级机构导入）";
    pub const SYNC_DONE: &str = "同步完成";
    pub const SYNC_LINE: &str = "上报 {pushed} 条（确认 {acked}，冲突 {conflicts}，被退回 {rejected}）；下载 {pulled} 条（新增 {applied}，暂缓 {gated}）；往返 {trips} 次";
    pub const SYNC_STATUS: &str = "县级平台：{county}  上次同步（县级时间）：{last}  待上报：{waiting}  需要处理：{attention}  未解决冲突：{conflicts}";
    pub const NOT_ENROLLED: &str = "本机尚未登记";
    pub const NEVER: &str = "从未";
    pub const NEEDS_ATTENTION: &str = "需要处理（县级平台退回的记录）：";

    pub fn sync_bad_url(detail: &str) -> String {
        format!("县级平台地址不正确：须以 https:// 开头（仅本机测试可用 http://127.0.0.1）。（{detail}）")
    }
    pub const VERIFY_BAD: &str = "校验未通过：";
    pub const AUDIT_ENTRIES: &str = "审计日志条数";
    pub const AUDIT_HEAD: &str = "审计链头";
    pub const BACKUP_DONE: &str = "已备份到";
    pub const BYTES: &str = "字节";
    pub const RESTORED: &str = "已从备份恢复；原数据库已改名保留为";
    pub const RAW_KEY_NOTE: &str = "以下密钥可打开数据库原始文件，仅供技术支持使用，已记入审计日志：";
    pub const DEMO_DONE: &str = "已生成演示数据";
    pub const DEMO_SUBJECTS: &str = "矫正对象";
    pub const DEMO_RECORDS: &str = "工作记录";
    pub const DEMO_LEAVES: &str = "外出申请";

    pub fn demo_people(women: usize, minors: usize, medical: usize) -> String {
        format!("其中女性 {women} 人，未成年人 {minors} 人，保外就医 {medical} 人")
    }

    pub fn demo_overdue(n: usize) -> String {
        format!("逾期未归 {n} 起")
    }
    pub const STATS_TITLE: &str = "台账统计";
    pub const REGISTER_BEFORE: &str = "期初在册";
    pub const REGISTER_AFTER: &str = "期末在册";
    pub const RECEIVED: &str = "本期接收";
    pub const EXITS: &str = "本期解矫（含期满、终止、迁出）";
    pub const CUMULATIVE: &str = "累计接收/累计解矫";
    pub const BY_TYPE: &str = "按类别";
    pub const IDENTITIES_OK: &str = "勾稽关系：在册 = 期初 + 接收 − 解矫，四类之和 = 在册，均相符。";
    pub const IDENTITIES_BAD: &str = "勾稽关系不符：";
    pub const WORK: &str = "工作量";
    pub const STUDY_DONE: &str = "已登记集中教育学习";
    pub const SERVICE_DONE: &str = "已登记公益活动";
    pub const ROLE: &str = "角色";
    pub const EVENTS: &str = "办理经过";
}

/// Form choices: (group, [(serde value, label)]). `options::form_options` serves them to the UI.
pub const OPTIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "sentence_type",
        &[("control", "管制"), ("probation", "缓刑"), ("parole", "假释"), ("temporary_outside", "暂予监外执行")],
    ),
    ("class", &[("strict", "严管"), ("ordinary", "普管"), ("lenient", "宽管")]),
    (
        "status",
        &[
            ("pending_intake", "待报到"),
            ("in_correction", "在矫"),
            ("on_leave", "外出中"),
            ("lost_contact", "失联"),
            ("detained", "被羁押"),
            ("transfer_out_pending", "待迁出"),
            ("transferred_out", "已迁出"),
            ("released", "已解矫"),
            ("terminated", "已终止"),
        ],
    ),
    ("sex", &[("male", "男"), ("female", "女")]),
    ("role", &[("head", "负责人"), ("staff", "工作人员")]),
    (
        "report_method",
        &[("phone", "电话报告"), ("in_person", "当面报告"), ("written", "书面报告"), ("video", "视频报告")],
    ),
    (
        "leave_reason",
        &[
            ("medical", "就医"),
            ("study", "就学"),
            ("litigation", "参与诉讼"),
            ("family", "处理家庭重大事务"),
            ("work", "处理工作重大事务"),
            ("other", "其他正当理由"),
        ],
    ),
    ("authority", &[("office", "司法所"), ("county", "县级社区矫正机构"), ("higher", "上一级社区矫正机构")]),
    (
        "place_type",
        &[
            ("home", "家庭"),
            ("workplace", "工作单位"),
            ("school", "就读学校"),
            ("village_committee", "村（居）委会"),
            ("other", "其他场所"),
        ],
    ),
    ("contact_method", &[("in_person", "实地"), ("phone", "电话"), ("video", "视频")]),
    (
        "it_check_method",
        &[
            ("app_checkin", "手机App签到"),
            ("phone_location", "手机定位"),
            ("video_call", "视频通话"),
            ("face_recognition", "人脸识别"),
            ("other", "其他"),
        ],
    ),
    ("it_check_result", &[("normal", "正常"), ("anomaly", "异常"), ("unreachable", "无法联系")]),
    (
        "talk_type",
        &[
            ("entry", "入矫谈话"),
            ("routine", "日常谈话"),
            ("violation", "违规谈话"),
            ("before_leave", "外出前谈话"),
            ("on_return", "返回谈话"),
            ("pre_release", "解矫前谈话"),
            ("psychological", "心理疏导谈话"),
        ],
    ),
    ("medical_report_kind", &[("health_report", "身体情况报告"), ("reexamination", "病情复查")]),
    ("study_mode", &[("in_person", "集中面授"), ("online", "线上学习"), ("video", "视频会议")]),
    (
        "attendance",
        &[("present", "出席"), ("absent_leave", "请假缺席"), ("absent_ill", "因病缺席"), ("absent_other", "无故缺席")],
    ),
    (
        "sanction_kind",
        &[
            ("praise", "表扬"),
            ("admonition", "训诫"),
            ("warning", "警告"),
            ("police_penalty", "提请治安管理处罚"),
            ("revoke_probation", "提请撤销缓刑"),
            ("revoke_parole", "提请撤销假释"),
            ("return_to_prison", "提请收监执行"),
            ("arrest", "提请逮捕"),
            ("sentence_reduction", "提请减刑"),
        ],
    ),
    (
        "decided_by",
        &[
            ("office", "司法所"),
            ("county", "县级社区矫正机构"),
            ("higher", "上一级社区矫正机构"),
            ("court", "人民法院"),
            ("police", "公安机关"),
        ],
    ),
    ("grade", &[("good", "表现良好"), ("pass", "合格"), ("fail", "不合格")]),
    ("permit_kind", &[("frequent_travel", "经常性跨市县活动"), ("business_travel", "经营性外出")]),
    (
        "lost_contact_step_kind",
        &[
            ("search", "查找"),
            ("police_notified", "通报公安机关"),
            ("procuratorate_notified", "报告人民检察院"),
            ("found", "已找回"),
        ],
    ),
    (
        "release_step_kind",
        &[
            ("personal_summary", "个人总结"),
            ("appraisal", "书面鉴定"),
            ("announcement", "解矫宣告"),
            ("handover", "安置帮教衔接"),
        ],
    ),
    (
        "ledger_theme",
        &[
            ("ledger", "违规成本账本"),
            ("checklist", "清单"),
            ("case", "案例警示"),
            ("reminder", "提醒"),
            ("guidance", "引导"),
        ],
    ),
    (
        "violation_kind",
        &[
            ("fighting", "打架斗殴"),
            ("drunk_driving", "酒驾醉驾"),
            ("gambling", "赌博"),
            ("defying_supervision", "不服监管"),
            ("other", "其他"),
        ],
    ),
    (
        "cost_kind",
        &[
            ("freedom", "失去自由"),
            ("income", "经济收入"),
            ("family_parents", "赡养父母"),
            ("family_children", "子女成长"),
            ("marriage", "婚姻家庭"),
            ("reputation", "名誉"),
            ("employment", "工作就业"),
            ("property", "财产"),
        ],
    ),
    ("counselling_kind", &[("psychological", "心理辅导"), ("legal", "法律辅导")]),
    (
        "help_kind",
        &[
            ("employment", "就业"),
            ("subsistence", "生活救助"),
            ("medical", "医疗"),
            ("schooling", "就学"),
            ("skills", "技能培训"),
            ("other", "其他"),
        ],
    ),
    (
        "subject_event_kind",
        &[
            ("reported", "报到"),
            ("entry_announced", "入矫宣告"),
            ("detained", "被羁押"),
            ("detention_ended", "羁押解除"),
            ("transferred_in", "迁入"),
            ("transferred_out", "迁出"),
            ("released_expiry", "期满解除矫正"),
            ("released_amnesty", "特赦解除矫正"),
            ("revoked_probation", "撤销缓刑"),
            ("revoked_parole", "撤销假释"),
            ("returned_to_prison", "收监执行"),
            ("died", "死亡"),
        ],
    ),
    (
        "received_source",
        &[("court", "人民法院"), ("prison", "监狱"), ("detention_centre", "看守所"), ("transfer_in", "迁入")],
    ),
    (
        "breach_kind",
        &[
            ("minor", "轻微违反报告、会客、外出、迁居等规定"),
            ("not_attending_education", "不按规定参加教育学习等活动，经教育仍不改正"),
            ("more_serious", "违反监督管理规定，情节较重"),
            ("injunction_minor", "违反禁止令，情节轻微"),
            ("injunction_serious", "违反禁止令，情节严重"),
            ("missed_reexam", "未按时提交病情复查情况"),
            ("missed_reexam_after_warning", "未提交病情复查情况，经警告拒不改正"),
            ("warrants_police_penalty", "违反监督管理规定，应予治安管理处罚"),
            ("left_city_after_warning", "经警告后仍擅自离开所居住的市、县"),
            ("conditions_not_met", "不再符合暂予监外执行条件"),
            ("grounds_ended", "暂予监外执行情形消失且刑期未满"),
            ("guarantor_lost", "保证人丧失保证条件且不提出新保证人"),
            ("serious", "其他严重违反监督管理规定"),
        ],
    ),
    (
        "decision_target",
        &[
            ("sanctions", "奖惩"),
            ("class_changes", "分类管理调整"),
            ("place_changes", "变更执行地"),
            ("travel_permits", "外出许可"),
        ],
    ),
];

// ---- sync with the county (sync.rs) ----

/// Author shown for records that came from the county or another office.
pub const COUNTY_STAFF: &str = "县级社区矫正机构";
pub const COUNTY_DECISION_BY_SYNC: &str = "本机已与县级平台联网：县级和上一级的审批决定由县级社区矫正机构在县级平台作出，同步后自动送达本机，不需要也不能在本机录入。";
pub const BUNDLE_BAD_SIGNATURE: &str =
    "数据包的县级签名不正确或文件已损坏，未导入任何内容。请向县级机构重新索取回执数据包。";

pub const BUNDLE_NOT_OURS: &str =
    "这个回执数据包是县级平台给另一个司法所或另一台电脑的，未导入任何内容。请导入县级机构为本机开具的回执（文件名以本所编号开头）。";

pub fn bundle_missing(path: &std::path::Path) -> String {
    format!("找不到数据包 {}（或旁边的 .sig 签名文件）", path.display())
}

pub const CERT_PIN_MISMATCH: &str = "县级平台的证书与本机登记时记录的不一致，可能连到了冒充的服务器，已停止同步，本机记录未发送。请联系县级社区矫正机构核实；如县级换了新的证书私钥（仅续期证书不受影响），须用新的登记码重新登记本机。";
/// A conflict field with no value on one side.
pub const EMPTY_VALUE: &str = "（空）";
pub const SYNC_RUNNING: &str = "正在同步，请稍候。";
pub const SYNC_NOT_REJECTED: &str = "这条记录不在“需要处理”中（可能已经重新提交过）。";
pub const SYNC_UPDATE_NOT_RESUBMITTED: &str =
    "对象信息的修改不能原样重新提交（会覆盖之后的修改）。请打开该对象，按县级退回的原因重新修改一次。";
pub const SYNC_ALREADY_ENROLLED: &str =
    "本机已经在县级平台登记，不需要再次登记。换用新电脑时，请在新电脑上用新的登记码登记。";

/// An RFC 3339 instant as Beijing time to the minute ("2026-11-29 13:55").
pub fn beijing_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&crate::clock::shanghai()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

pub const SYNC_NOT_ENROLLED: &str =
    "本机尚未在县级平台登记。请负责人用县级机构发放的登记码登记本机（菜单：同步 → 登记本机）。";

/// The transport's own words (English, technical) stay out of the clerk's message.
pub fn sync_offline(_detail: &str) -> String {
    "暂时连不上县级平台。本机记录都已保存，联网后会自动上报，不会丢失。".into()
}

/// Protocol §8: warn when the PC clock is more than 10 minutes off.
pub fn clock_skew_warning(ms: i64) -> String {
    let minutes = ms.abs() / 60_000;
    let dir = if ms > 0 { "快" } else { "慢" };
    if minutes >= 24 * 60 {
        format!(
            "本机时钟比县级平台{dir}约{}天，请校准电脑日期时间；记录的日期以您填写的为准，上报时间以县级平台为准。",
            minutes / (24 * 60)
        )
    } else {
        format!("本机时钟比县级平台{dir}约{minutes}分钟，请校准电脑时间。")
    }
}

pub fn conflict_outcome(o: jiaowu_sync::wire::ConflictOutcome) -> &'static str {
    use jiaowu_sync::wire::ConflictOutcome as O;
    match o {
        O::CountyKept => "以县级登记为准，本所的修改已留存待核",
        O::OfficeKept => "采用本所的修改，县级原值已留存",
        O::BothKept => "两份记录都已保存，待县级核对",
    }
}

/// What a table holds, for the 需要处理 list.
pub fn table_label(table: &str) -> &'static str {
    match table {
        "subjects" => "对象基本信息",
        "visits" => "走访记录",
        "reports" => "报告记录",
        "talks" => "谈话记录",
        "it_checks" => "信息化核查",
        "leave_requests" => "外出申请",
        "leave_events" => "外出审批/销假",
        "study_sessions" => "集中教育学习",
        "study_attendance" => "学习签到",
        "service_activities" => "公益活动",
        "service_participation" => "公益活动参加记录",
        "sanctions" => "奖惩建议",
        "decisions" => "审批决定",
        "class_changes" => "管理类别调整",
        "subject_events" => "矫正事件",
        "staff" => "工作人员",
        "office" => "司法所信息",
        _ => "其他记录",
    }
}

// 打印 (forms, dossiers, ledgers).
pub fn print_watermark(who: &str, office: &str, when: &str) -> String {
    format!("{office} {who} {when} 打印")
}
/// The mark on a minor's dossier cover and forms.
pub const PRINT_MINOR_RESTRICTED: &str = "未成年人案件 · 严格保密（《社区矫正法》第五十四条）";
pub fn print_no_fonts(searched: &str) -> String {
    format!("找不到可用的中文字体，无法生成PDF。请安装仿宋/宋体/黑体或 Noto CJK 字体后重试（已查找：{searched}）。")
}
pub fn print_leave_not_approved(state: &str) -> String {
    format!("该外出申请当前为“{state}”，尚未批准，不能开具外出证明。")
}
pub const PRINT_MINOR_HEAD_ONLY: &str =
    "未成年社区矫正对象的档案依法保密，只有负责人可以打印（《社区矫正法》第五十四条；《刑事诉讼法》第二百八十六条）。";
pub const PRINT_MINOR_PURPOSE: &str =
    "打印用途：未成年社区矫正对象的档案须注明打印用途，将记入操作日志（《社区矫正法》第五十四条）。";
pub const CERT_NOT_OURS: &str = "这不是矫务通开具的外出证明二维码。";
pub const CERT_UNKNOWN_LEAVE: &str = "本所记录中没有这份外出证明对应的外出申请，证明可能是伪造的，或由其他司法所开具。";
pub const CERT_ALTERED: &str = "二维码与本所记录不一致：外出日期或其他内容可能被改动，请核实。";
pub fn cert_genuine(state: &str) -> String {
    format!("与本所记录一致。该外出当前状态：{state}。")
}
pub const GAP_NO_REPORT: &str = "缺少报到登记（《社区矫正法》第二十一条）。";
pub const GAP_NO_ANNOUNCEMENT: &str = "缺少入矫宣告记录（《社区矫正法实施办法》第十九条）。";
pub const GAP_NO_TEAM: &str = "缺少矫正小组（《社区矫正法》第二十五条）。";
pub const GAP_NO_PLAN: &str = "缺少矫正方案（《社区矫正法》第二十四条）。";
pub const GAP_NO_RELEASE: &str = "已解矫但缺少解矫手续记录（个人总结、鉴定、宣告）（《社区矫正法》第四十四条）。";
pub fn gap_unsigned(doc: &str, date: &str, what: &str) -> String {
    format!("{date}的{doc}尚无{what}。")
}
pub fn gap_no_return(start: &str) -> String {
    format!("{start}开始的外出已过期限，尚未销假。")
}
pub const PRINT_OUTSIDE_FOLDER: &str = "只能打开或另存打印文件夹中的文件。";
/// Title of the PC's save dialog (另存为).
pub const PRINT_SAVE_AS_TITLE: &str = "另存为";
pub fn print_save_as_filter(ext: &str) -> &'static str {
    if ext == "xlsx" {
        "Excel 工作簿"
    } else {
        "PDF 文件"
    }
}
pub fn print_save_as_failed(detail: &str) -> String {
    format!("另存失败：{detail}。原文件仍在打印文件夹中，可换个位置再试（U盘是否已插好、是否写保护）。")
}
pub fn print_open_failed(detail: &str) -> String {
    format!("无法用本机的PDF阅读器打开文件（{detail}）。请到打印文件夹中手动打开。")
}
pub const LEDGER_STATS: &str = "统计";
pub const LEDGER_REGISTER: &str = "在册对象";
pub const LEDGER_VISITS: &str = "走访";
pub const LEDGER_LEAVES: &str = "外出";
pub const LEDGER_STUDY: &str = "教育学习";
pub const LEDGER_SERVICE: &str = "公益活动";
pub const LEDGER_SANCTIONS: &str = "奖惩";

/// A rule's basis as staff read it. The rule packs mark where each rule comes from for those
/// who maintain them ([LAW], [PRACTICE], [PROPOSAL], domain.md sections); staff see the law
/// cited and, for a rule no law sets, that it is common practice or a suggested standard.
pub fn basis_for_staff(basis: &str) -> String {
    let (prefix, rest) = match basis.trim_start() {
        b if b.starts_with("[PRACTICE]") => ("（基层通行做法）", &b["[PRACTICE]".len()..]),
        b if b.starts_with("[PROPOSAL]") => ("（参考标准）", &b["[PROPOSAL]".len()..]),
        b if b.starts_with("[LAW]") => ("", &b["[LAW]".len()..]),
        b => ("", b),
    };
    // "（…，domain.md §7.2）" keeps what precedes the reference; "（domain.md §7.2）" goes.
    let mut text = rest.trim().to_string();
    while let Some(at) = text.find("domain.md") {
        let open = text[..at].rfind('（');
        let close = text[at..].find('）').map(|c| at + c);
        match (open, close) {
            (Some(o), Some(c)) => {
                let inside = text[o + '（'.len_utf8()..at].trim_end_matches(['，', ',', ' ', '；']);
                let kept = if inside.is_empty() { String::new() } else { format!("（{inside}）") };
                text.replace_range(o..c + '）'.len_utf8(), &kept);
            }
            _ => {
                let end = text[at..].find(['；', '）', ' ']).map_or(text.len(), |e| at + e);
                text.replace_range(at..end, "");
            }
        }
    }
    let text = text.replace("[PROPOSAL]", "").replace("[PRACTICE]", "").replace("[LAW]", "");
    let prefix = if text.contains(prefix.trim_matches(['（', '）'])) { "" } else { prefix };
    format!("{prefix}{}", text.trim())
}

#[cfg(test)]
mod basis_tests {
    use super::basis_for_staff;

    #[test]
    fn staff_see_the_law_not_the_maintainers_tags() {
        assert_eq!(
            basis_for_staff("[PROPOSAL] 普管每月当面报告2次（domain.md §5.2）；实施办法第二十四条"),
            "（参考标准）普管每月当面报告2次；实施办法第二十四条"
        );
        assert_eq!(
            basis_for_staff(
                "[PRACTICE] 每周电话报告1次（基层通行做法，domain.md §28）；实施办法第二十四条（定期报告）"
            ),
            "每周电话报告1次（基层通行做法）；实施办法第二十四条（定期报告）"
        );
        assert_eq!(
            basis_for_staff("[PRACTICE] 期满前启动解矫准备；2012年实施办法第二十九条"),
            "（基层通行做法）期满前启动解矫准备；2012年实施办法第二十九条"
        );
        assert_eq!(basis_for_staff("社区矫正法第二十六条"), "社区矫正法第二十六条");
    }
}
