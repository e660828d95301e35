//! Every message the county server shows or sends, in Chinese, in one place.

pub const INTERNAL: &str = "县级平台内部错误，请稍后重试；如多次出现请联系县级社区矫正机构信息员。";
pub const MALFORMED: &str = "请求内容格式不正确";
pub const TOO_LARGE: &str = "一次上报的内容过多，请分批上报（每批不超过500条、1 MiB）。";
pub const DEVICE_UNKNOWN: &str = "本机未在县级平台登记，请用县级机构发放的登记码重新登记本机。";
pub const DEVICE_REVOKED: &str = "本机已被县级社区矫正机构停用，数据仍在本机；可导出数据包交县级机构导入。";
pub const BAD_SIGNATURE: &str = "请求签名不正确，县级平台未接受；请确认本机登记信息完整。";
pub const ENROL_CODE_INVALID: &str = "登记码不正确，请核对县级机构发放的登记单。";
pub const ENROL_CODE_EXPIRED: &str = "登记码已超过72小时有效期，请向县级机构重新申请。";
pub const ENROL_CODE_USED: &str = "该登记码已被使用，每个登记码只能登记一台电脑。";
pub const ENROL_ATTEMPTS: &str = "该登记码输错次数过多已作废，请向县级机构重新申请。";
pub const CURSOR_RESET: &str = "县级平台数据已恢复到较早状态，本机将重新下载并核对全部数据。";
pub const FORBIDDEN_COUNTY_ACTION: &str =
    "该事项由县级社区矫正机构决定，司法所不能录入县级或上级的决定（社区矫正法第二十七条、实施办法第二十七条）。";
/// What a message is about (filled into the functions below).
pub mod what {
    pub const SUBJECT: &str = "社区矫正对象";
    pub const THIS_SUBJECT: &str = "该对象";
    pub const LEAVE: &str = "外出申请";
    pub const CONFLICT: &str = "冲突记录";
    pub const DEVICE: &str = "设备";
    pub const CORRECTED_RECORD: &str = "被更正的记录";
    pub const OFFICE_NAME: &str = "司法所名称";
    pub const OFFICE: &str = "司法所";
    pub const DOC_NO: &str = "决定文书文号";
    pub const REFUSAL_REASON: &str = "不予批准的理由";
    pub const USER_AND_PASSWORD: &str = "用户名和密码";
    pub const DOC_NO_OR_REASON: &str = "审批文号或理由";
    pub const BAD_CHECK_DIGIT: &str = "身份证号码校验位不正确";
}

/// The names a dossier order may use, for a refused one.
pub fn section_names(all: &[jiaowu_domain::dossier::Section]) -> String {
    let names: Vec<String> = all
        .iter()
        .map(|s| {
            format!(
                "{}（{}）",
                serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                s.label()
            )
        })
        .collect();
    format!("卷宗顺序须是各部分名称的列表（或 null 表示默认顺序），可用的名称：{}。", names.join("、"))
}

/// The `jiaowu-county` command line.
pub mod cli {
    pub const ABOUT: &str = "矫务通县级社区矫正机构服务端";
    pub const DEFAULT_COUNTY: &str = "县级社区矫正机构";
    pub const NEED_PASSWORD: &str = "请在 JIAOWU_COUNTY_PASSWORD 中给出密码";

    pub fn error(e: &dyn std::fmt::Display) -> String {
        format!("错误：{e}")
    }
    pub fn user_added(username: &str) -> String {
        format!("已添加县级用户 {username}")
    }
    pub fn missing_signature(file: &std::path::Path) -> String {
        format!("缺少签名文件 {}.sig", file.display())
    }
    pub fn bundle_answered(path: &std::path::Path) -> String {
        format!("已导入；回执数据包：{}（连同 .sig 文件一并交回司法所）", path.display())
    }
    pub fn certificate_made(cert: &std::path::Path, key: &std::path::Path, pin: &str) -> String {
        format!("已生成证书 {}（私钥 {}）\n证书指纹：{pin}", cert.display(), key.display())
    }
    pub fn certificate_renewed(cert: &std::path::Path, pin: &str) -> String {
        format!("已用原私钥更新证书 {}\n证书指纹不变：{pin}（已登记的司法所无需重新登记）", cert.display())
    }
    pub fn serving(url: &str, pin: Option<&str>) -> String {
        match pin {
            Some(pin) => format!("矫务通县级服务已启动：{url}（证书指纹 {pin}）"),
            None => format!("矫务通县级服务已启动：{url}"),
        }
    }
}

pub const NO_SUCH_ENDPOINT: &str = "没有这个接口";
pub const UPGRADE_REQUIRED: &str = "协议版本不受支持，请安装县级机构提供的最新版矫务通。";
pub const UNAUTHORISED: &str = "请先登录县级平台";
pub const LOGIN_FAILED: &str = "用户名或密码不正确";

pub fn replayed(last: u64) -> String {
    format!("请求序号重复（县级平台已收到第{last}号），为防止重放未予受理；本机将从第{}号继续。", last + 1)
}

pub fn seq_gap(expected: u64) -> String {
    format!("上报序号不连续，应从第{expected}条开始重新上报。")
}

pub fn seq_reused(acked: u64) -> String {
    format!("本机上报序号与县级平台记录不一致（可能从旧备份恢复），已确认至第{acked}条；本机未确认的记录将重新编号上报，不会丢失。")
}

pub fn out_of_scope(what: &str) -> String {
    format!("{what}不属于本所在册对象，县级平台未接受。")
}

pub fn not_found(what: &str, id: &str) -> String {
    format!("县级平台找不到{what}（{id}）")
}

pub const ALREADY_DECIDED: &str = "这项提请已经作出过决定，不能再次决定；如需改变，请另行办理。";
pub const DECIDED_IN_FUTURE: &str = "决定日期不能晚于今天。";
pub const DECIDED_BEFORE_PROPOSED: &str = "决定日期不能早于司法所提请的日期。";
pub const NOT_COUNTY_SANCTION: &str =
    "这类提请（撤销缓刑、假释，收监执行，逮捕，减刑，治安管理处罚）由人民法院或公安机关决定，县级平台只对表扬、训诫、警告作出决定。";
pub const PROPOSAL_CORRECTED: &str = "司法所已更正这项提请，请对更正后的提请作出决定。";
pub const CLASS_MOVED: &str = "该对象的管理类别在提请之后已经调整过，这项提请已不适用，请司法所重新提请。";

/// An op whose parent record the county does not hold (§5 `waits_on`).
pub fn waits_on(what: &str, id: &str) -> String {
    format!("县级平台还没有此记录所依据的{what}（{id}），多半是那条记录被退回了：请先处理它。此记录仍保留在本所。")
}

/// What each kind of parent record is called, for `waits_on`.
pub fn parent_name(table: &str) -> &'static str {
    match table {
        "subjects" => "社区矫正对象登记",
        "leave_requests" => "外出申请",
        "study_sessions" => "集中教育学习",
        "service_activities" => "公益活动",
        "travel_permits" => "经常性跨市县活动批准",
        "sanctions" => "训诫/警告/提请记录",
        "class_changes" => "管理类别调整记录",
        "place_changes" => "执行地变更记录",
        _ => "记录",
    }
}

pub fn bad_payload(entity: &str, e: &str) -> String {
    format!("{entity}记录内容不完整或格式不对：{e}")
}

pub fn unknown_entity(entity: &str) -> String {
    format!("县级平台不接受“{entity}”类记录")
}

pub fn duplicate_id_number(id_number: &str) -> String {
    format!("县级平台已有身份证号为{id_number}的社区矫正对象，请同步后使用县级平台的档案，不要重复建档。")
}

pub fn leave_not_delegated(days: u32) -> String {
    format!(
        "外出{days}日，司法所无权批准：7日以内须经县级机构委托，8日以上由县级社区矫正机构审批（实施办法第二十七条）。"
    )
}

pub fn leave_already_decided() -> &'static str {
    "县级社区矫正机构已对该外出申请作出决定，司法所的后续录入已保存为冲突，待县级核对。"
}

pub fn leave_not_in(state: &str, needed: &str) -> String {
    format!("该外出申请当前状态为“{state}”，不是“{needed}”，不能办理这一步。")
}

/// A step for another level's leave (实施办法 Art 27: ≤7 days 司法所 when entrusted, 8–30 days the
/// county, more the level above).
pub fn leave_decided_by(authority: &str) -> String {
    format!("该外出申请由{authority}审批（《社区矫正法实施办法》第二十七条），不能办理这一步。")
}

pub fn authority(code: &str) -> &'static str {
    match code {
        "office" => "司法所",
        "county" => "县级社区矫正机构",
        "higher" => "上一级社区矫正机构",
        _ => "其他机关",
    }
}

pub fn county_field_conflict(fields: &str) -> String {
    format!("{fields}由县级社区矫正机构登记，司法所的修改已保存为冲突，待县级核对。")
}

pub fn office_unknown(id: &str) -> String {
    format!("县级平台没有编号为{id}的司法所")
}

pub fn required(field: &str) -> String {
    format!("{field}不能为空")
}

/// The county's view of a leave's state (console.rs `leave_state`).
pub fn leave_state(code: &str) -> &'static str {
    match code {
        "submitted" => "司法所已受理、尚未报县",
        "awaiting_county" => "待县级审批",
        "awaiting_higher" => "须报上一级审批",
        "decided" => "已审批",
        "cancelled" => "已撤回",
        _ => "未知",
    }
}
