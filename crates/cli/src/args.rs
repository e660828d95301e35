//! Command-line grammar of `jiaowu`. Help texts are Chinese: they are what the clerk reads.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "jiaowu", version, about = "矫务通：司法所社区矫正工作台（命令行）", long_about = None)]
pub struct Cli {
    /// 数据库文件（默认：用户数据目录下的 jiaowu/office.db）
    #[arg(long, global = true, env = "JIAOWU_DB")]
    pub db: Option<PathBuf>,
    /// 登录用户名（密码从环境变量 JIAOWU_PASSWORD 读取，未设置时提示输入）
    #[arg(long, global = true, env = "JIAOWU_USER")]
    pub user: Option<String>,
    /// 按指定日期办理（YYYY-MM-DD），用于补录核对和演示；默认取系统日期（北京时间）
    #[arg(long, global = true, env = "JIAOWU_TODAY")]
    pub today: Option<NaiveDate>,
    /// 以 JSON 输出，供脚本使用
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// 首次使用：建立本所数据库、第一个负责人账号，并显示恢复密钥
    Init(InitArgs),
    /// 生成演示数据（约60名对象、两年记录）；数据库不存在时先建立演示所（账号 demo / 密码 demo2026）
    Demo(DemoArgs),
    /// 显示当前登录的账号和本所
    Whoami,
    /// 账号管理
    #[command(subcommand)]
    Account(AccountCmd),
    /// 社区矫正对象
    #[command(subcommand)]
    Subject(SubjectCmd),
    /// 登记一条记录（走访、报告、谈话、核查等）
    #[command(subcommand)]
    Record(RecordCmd),
    /// 更正一条记录（原记录保留，备考可查）
    Correct(CorrectArgs),
    /// 集中教育学习：登记一次学习及签到（可多人）
    Study(StudyArgs),
    /// 公益活动：登记一次活动及每人时长
    Service(ServiceArgs),
    /// 登记县级审批决定（训诫/警告、类别调整、经常性跨市县活动等）
    Decide(InputArgs),
    /// 外出请假、审批、销假
    Leave(LeaveArgs),
    /// 本月（或指定月份）应办事项
    Obligations(ObligationsArgs),
    /// 台账统计
    Stats(StatsArgs),
    /// 奖惩建议（只作提示，不作决定）
    Advise(AdviseArgs),
    /// 打印表格为PDF：basic_info（基本信息表，给对象身份证号）、leave_approval、leave_certificate、
    /// leave_return（给外出申请编号）、visit、talk、study_sign_in、study_record、service_record、
    /// sanction_approval、monthly_assessment（给记录编号）
    Form(FormArgs),
    /// 打印对象的工作档案（卷宗）为PDF；打印前列出缺漏的文书
    Dossier(DossierArgs),
    /// 导出台账为 .xlsx（在册、走访、外出、教育学习、公益活动、奖惩、统计）
    Ledger(LedgerArgs),
    /// 核验外出证明二维码（扫码枪输入的文字）
    VerifyCertificate { text: String },
    /// 备份数据库（含密钥文件）
    Backup { dest: PathBuf },
    /// 从备份恢复（当前数据库改名保留，不删除）
    Restore { backup: PathBuf },
    /// 校验数据库完整性和审计日志
    Verify,
    /// 与县级平台同步（不带子命令即立即同步一次，可用于计划任务）
    Sync {
        #[command(subcommand)]
        cmd: Option<SyncCmd>,
    },
    /// 校验公民身份号码（不需要登录）
    CheckId {
        number: String,
        /// 把15位旧号码转换为18位
        #[arg(long)]
        convert: bool,
    },
    /// 显示数据库原始密钥（须输入恢复密钥），供技术支持用 sqlcipher 打开文件
    RawKey,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// 司法所名称
    #[arg(long)]
    pub office: String,
    /// 县级社区矫正机构名称
    #[arg(long)]
    pub county: String,
    /// 行政区划代码（6位以上）
    #[arg(long)]
    pub division_code: String,
    /// 县级未委托本所审批7日以内外出
    #[arg(long)]
    pub no_delegation: bool,
    /// 规则预设：national（全国基线）、province-a、fujian
    #[arg(long, default_value = "national")]
    pub rules: String,
    /// 负责人姓名
    #[arg(long)]
    pub display_name: String,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// 随机种子（同一种子生成同样的数据）
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// 演示对象人数
    #[arg(long, default_value_t = 60)]
    pub subjects: usize,
    /// 演示数据年数
    #[arg(long, default_value_t = 2)]
    pub years: u32,
}

#[derive(Subcommand, Debug)]
pub enum AccountCmd {
    /// 新增账号（负责人）
    Add {
        /// 用户名
        #[arg(long)]
        username: String,
        /// 显示姓名（签名用）
        #[arg(long)]
        display_name: String,
        #[arg(long, default_value = "staff", help = choices("角色", "role"))]
        role: String,
    },
    /// 修改自己的密码（新密码从 JIAOWU_NEW_PASSWORD 读取或提示输入）
    Passwd,
    /// 解除账号锁定（负责人）
    Unlock { username: String },
    /// 用恢复密钥重设密码（恢复密钥从 JIAOWU_RECOVERY_KEY 读取或提示输入）
    Reset {
        /// 用户名
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum SubjectCmd {
    /// 接收登记一名社区矫正对象
    Add(SubjectAddArgs),
    /// 列表（可按姓名、拼音首字母、身份证号查找）
    List { query: Option<String> },
    /// 查看一名对象的档案（查看行为记入审计日志）
    Show {
        /// 社区矫正对象（姓名或身份证号）
        subject: String,
    },
    /// 登记报到、羁押、解除、终止等状态事项
    Event {
        /// 社区矫正对象（姓名或身份证号）
        subject: String,
        #[arg(long, help = choices("事件种类", "subject_event_kind"))]
        kind: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        /// 文号
        #[arg(long)]
        doc_no: Option<String>,
        /// 说明
        #[arg(long)]
        detail: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct SubjectAddArgs {
    /// 从 JSON 文件读取全部字段（- 表示标准输入）
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// 姓名
    #[arg(long)]
    pub name: Option<String>,
    /// 身份证号
    #[arg(long)]
    pub id_number: Option<String>,
    /// 联系电话
    #[arg(long)]
    pub phone: Option<String>,
    /// 执行地（居住地）行政区划代码
    #[arg(long)]
    pub residence_code: Option<String>,
    /// 执行地详细地址
    #[arg(long)]
    pub residence: Option<String>,
    /// 罪名
    #[arg(long)]
    pub crime: Option<String>,
    /// 原判刑罚，如“有期徒刑一年，缓刑二年”
    #[arg(long)]
    pub sentence: Option<String>,
    #[arg(long = "type", help = choices("矫正类别", "sentence_type"))]
    pub sentence_type: Option<String>,
    /// 矫正期限起始日期
    #[arg(long)]
    pub term_start: Option<NaiveDate>,
    /// 矫正期限结束日期
    #[arg(long)]
    pub term_end: Option<NaiveDate>,
    /// 判决生效日期
    #[arg(long)]
    pub judgment_effective: Option<NaiveDate>,
    /// 报到日期
    #[arg(long)]
    pub reported_on: Option<NaiveDate>,
    #[arg(long, help = choices("管理类别", "class"))]
    pub class: Option<String>,
    /// 暂予监外执行（保外就医）
    #[arg(long)]
    pub medical_parole: bool,
}

#[derive(Subcommand, Debug)]
pub enum RecordCmd {
    /// 走访（实地查访）
    Visit {
        /// 社区矫正对象（姓名或身份证号）
        #[arg(long)]
        subject: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, default_value = "home", help = choices("走访地点", "place_type"))]
        place_type: String,
        /// 地址
        #[arg(long)]
        address: String,
        /// 走访人员，逗号分隔
        #[arg(long)]
        visitors: String,
        /// 走访情况
        #[arg(long)]
        findings: String,
        /// 对象不在场
        #[arg(long)]
        absent: bool,
        #[arg(long, default_value = "in_person", help = choices("走访方式", "contact_method"))]
        method: String,
    },
    /// 对象报告
    Report {
        /// 社区矫正对象（姓名或身份证号）
        #[arg(long)]
        subject: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, help = choices("报告方式", "report_method"))]
        method: String,
        /// 接收人
        #[arg(long)]
        received_by: String,
        /// 内容
        #[arg(long)]
        content: String,
    },
    /// 个别谈话
    Talk {
        /// 社区矫正对象（姓名或身份证号）
        #[arg(long)]
        subject: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        #[arg(long = "type", default_value = "routine", help = choices("谈话类型", "talk_type"))]
        talk_type: String,
        /// 地点
        #[arg(long)]
        place: String,
        /// 谈话人，逗号分隔
        #[arg(long)]
        talkers: String,
        /// 记录人（默认当前登录的工作人员）
        #[arg(long)]
        note_taker: Option<String>,
        /// 谈话内容
        #[arg(long)]
        content: String,
    },
    /// 信息化核查
    ItCheck {
        /// 社区矫正对象（姓名或身份证号）
        #[arg(long)]
        subject: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, help = choices("核查方式", "it_check_method"))]
        method: String,
        #[arg(long, default_value = "normal", help = choices("核查结果", "it_check_result"))]
        result: String,
    },
    /// 任一类记录，从 JSON 读取（种类：visit report it_check talk medical_report team_member
    /// correction_plan assessment release_step ledger_entry counselling help sanction class_change
    /// place_change travel_permit travel_trip lost_contact_episode lost_contact_step hazard subject_event）
    Json {
        /// 种类
        kind: String,
        /// JSON 文件（“-”表示标准输入）
        #[arg(long)]
        input: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct CorrectArgs {
    /// 种类
    #[arg(long)]
    pub kind: String,
    /// 记录编号
    #[arg(long)]
    pub id: String,
    /// 理由
    #[arg(long)]
    pub reason: String,
    /// 要更正的字段，JSON 对象，如 '{"findings":"…"}'
    #[arg(long)]
    pub changes: String,
}

#[derive(Args, Debug)]
pub struct InputArgs {
    /// JSON 文件（- 表示标准输入）
    #[arg(long)]
    pub input: PathBuf,
}

#[derive(Args, Debug)]
pub struct StudyArgs {
    /// 从 JSON 文件读取全部内容
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// 日期（YYYY-MM-DD）
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// 时长（分钟）
    #[arg(long)]
    pub minutes: Option<u32>,
    /// 地点
    #[arg(long)]
    pub place: Option<String>,
    /// 组织人
    #[arg(long)]
    pub organiser: Option<String>,
    /// 主题
    #[arg(long)]
    pub topic: Option<String>,
    #[arg(long, default_value = "in_person", help = choices("学习形式", "study_mode"))]
    pub mode: String,
    /// 到场对象（身份证号或编号），逗号分隔
    #[arg(long, default_value = "")]
    pub present: String,
    /// 缺席对象，格式 身份证号:原因（absent_leave / absent_ill / absent_other），逗号分隔
    #[arg(long, default_value = "")]
    pub absent: String,
}

#[derive(Args, Debug)]
pub struct ServiceArgs {
    /// JSON 文件（“-”表示标准输入）
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// 日期（YYYY-MM-DD）
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// 时长（分钟）
    #[arg(long)]
    pub minutes: Option<u32>,
    /// 地点
    #[arg(long)]
    pub place: Option<String>,
    /// 内容
    #[arg(long)]
    pub content: Option<String>,
    /// 监督人
    #[arg(long)]
    pub supervisor: Option<String>,
    /// 参加对象（身份证号或编号），逗号分隔
    #[arg(long, default_value = "")]
    pub participants: String,
}

#[derive(Args, Debug)]
pub struct LeaveArgs {
    #[command(subcommand)]
    pub cmd: LeaveCmd,
    /// 办理日期（补录纸质审批时填写，默认今天；不得早于申请日期）
    #[arg(long, global = true)]
    pub on: Option<NaiveDate>,
}

#[derive(Subcommand, Debug)]
pub enum LeaveCmd {
    /// 试算：天数、审批机关、提醒（不保存）
    Assess(LeaveFormArgs),
    /// 提交外出申请
    Submit(LeaveFormArgs),
    /// 司法所批准（负责人，限县级委托的7日以内）
    Approve {
        /// 外出申请编号
        leave: String,
        /// 理由
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 司法所不予批准（负责人，须写明理由）
    Reject {
        /// 外出申请编号
        leave: String,
        /// 理由
        #[arg(long)]
        reason: String,
    },
    /// 签署司法所意见，报县级审批（负责人）
    Opinion {
        /// 外出申请编号
        leave: String,
        /// 司法所意见
        #[arg(long)]
        text: String,
    },
    /// 登记县级审批结果（负责人，须填文号）
    County {
        /// 外出申请编号
        leave: String,
        /// 批准
        #[arg(long)]
        approve: bool,
        /// 不批准
        #[arg(long)]
        reject: bool,
        /// 文号
        #[arg(long)]
        doc_no: String,
        /// 理由
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 登记县级报上一级审批
    Escalate {
        /// 外出申请编号
        leave: String,
        /// 文号
        #[arg(long)]
        doc_no: String,
    },
    /// 登记上一级审批结果
    Higher {
        /// 外出申请编号
        leave: String,
        /// 批准
        #[arg(long)]
        approve: bool,
        /// 不批准
        #[arg(long)]
        reject: bool,
        /// 文号
        #[arg(long)]
        doc_no: String,
        /// 理由
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// 开具外出证明
    Certificate {
        /// 外出申请编号
        leave: String,
    },
    /// 登记离开
    Depart {
        /// 外出申请编号
        leave: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
    },
    /// 申请延期
    Extend {
        /// 外出申请编号
        leave: String,
        /// 延期至（日期）
        #[arg(long)]
        new_end: NaiveDate,
        /// 理由
        #[arg(long)]
        reason: String,
    },
    /// 延期审批结果（负责人）
    Extension {
        /// 外出申请编号
        leave: String,
        /// 批准
        #[arg(long)]
        approve: bool,
        /// 不批准
        #[arg(long)]
        reject: bool,
        /// office（司法所）或 county（县级，须填文号）
        #[arg(long, default_value = "office")]
        by: String,
        /// 文号
        #[arg(long)]
        doc_no: Option<String>,
    },
    /// 销假
    Return {
        /// 外出申请编号
        leave: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, default_value = "in_person", help = choices("返回核实方式", "report_method"))]
        method: String,
        /// 外出情况
        #[arg(long)]
        summary: String,
    },
    /// 责令返回
    Recall {
        /// 外出申请编号
        leave: String,
        /// 日期（YYYY-MM-DD）
        #[arg(long)]
        date: NaiveDate,
        /// 理由
        #[arg(long)]
        reason: String,
    },
    /// 撤回申请（离开前）
    Cancel {
        /// 外出申请编号
        leave: String,
        /// 理由
        #[arg(long)]
        reason: String,
    },
    /// 外出申请列表
    List {
        /// 社区矫正对象（姓名或身份证号）
        #[arg(long)]
        subject: Option<String>,
        /// 只看逾期未归
        #[arg(long)]
        overdue: bool,
    },
    /// 查看一份外出申请
    Show {
        /// 外出申请编号
        leave: String,
    },
}

#[derive(Args, Debug)]
pub struct LeaveFormArgs {
    /// 社区矫正对象（姓名或身份证号）
    #[arg(long)]
    pub subject: String,
    /// 外出起始日期
    #[arg(long)]
    pub start: NaiveDate,
    /// 外出结束日期
    #[arg(long)]
    pub end: NaiveDate,
    /// 申请日期（默认今天）
    #[arg(long)]
    pub applied_on: Option<NaiveDate>,
    /// 目的地行政区划代码
    #[arg(long)]
    pub dest_code: String,
    /// 目的地详细地址（必填，印在外出证明上）
    #[arg(long)]
    pub dest: String,
    #[arg(long, default_value = "family", help = choices("外出事由", "leave_reason"))]
    pub reason_kind: String,
    /// 理由
    #[arg(long)]
    pub reason: String,
    /// 紧急事由（就医、家庭重大变故等来不及提前申请）
    #[arg(long)]
    pub urgent: bool,
    /// 目的地在境外
    #[arg(long)]
    pub abroad: bool,
}

#[derive(Args, Debug)]
pub struct ObligationsArgs {
    /// 月份 YYYY-MM（默认本月）
    #[arg(long)]
    pub month: Option<String>,
    /// 社区矫正对象（姓名或身份证号）
    #[arg(long)]
    pub subject: Option<String>,
    /// all（全部）、open（待办，含逾期和不足）、overdue（逾期，含不足）
    #[arg(long, value_enum, default_value = "open", hide_possible_values = true)]
    pub show: Show,
}

/// Which of the month's duties `obligations` lists.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    #[value(alias = "全部")]
    All,
    #[value(alias = "待办")]
    Open,
    #[value(alias = "逾期")]
    Overdue,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// 统计期间起始日期（与 --to 同用）
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// 统计期间结束日期（与 --from 同用）
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// 月份 YYYY-MM
    #[arg(long)]
    pub month: Option<String>,
    /// 年度 YYYY
    #[arg(long)]
    pub year: Option<i32>,
}

#[derive(Args, Debug)]
pub struct FormArgs {
    /// 种类
    pub kind: String,
    /// 记录编号（基本信息表给对象的姓名或身份证号）
    pub id: String,
    /// 保存为（文件路径；默认以“姓名-表名-日期.pdf”存入打印目录 JIAOWU_PRINT_DIR 或当前目录）
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DossierArgs {
    /// 社区矫正对象（姓名或身份证号）
    pub subject: String,
    /// 保存为（文件路径；默认存入打印目录 JIAOWU_PRINT_DIR 或当前目录）
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// 打印用途（未成年对象必填，记入日志）
    #[arg(long)]
    pub purpose: Option<String>,
    /// 只检查缺漏，不生成PDF
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct LedgerArgs {
    #[command(flatten)]
    pub period: StatsArgs,
    /// 保存为（文件路径；默认存入打印目录 JIAOWU_PRINT_DIR 或当前目录）
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct AdviseArgs {
    /// 社区矫正对象（姓名或身份证号）
    pub subject: String,
    #[arg(long, help = choices("正在考虑的违规情形", "breach_kind"))]
    pub breach: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// 登记本机：用县级机构发放的一次性登记码（负责人）
    Enrol {
        /// 县级平台地址，如 https://sqjz.example.gov.cn
        #[arg(long)]
        url: String,
        /// 登记码，如 7K3M-Q9RT-2WXA
        #[arg(long)]
        code: String,
        /// 本机名称（县级平台上显示）
        #[arg(long, default_value = "办公室电脑")]
        name: String,
    },
    /// 立即同步一次
    Run,
    /// 导出数据包（无网络时用U盘交县级机构）
    Export {
        /// 写到哪个目录（如U盘）
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// 导入县级机构返回的回执数据包（.jwpull）
    Import { file: PathBuf },
    /// 同步状态：待上报、需要处理、冲突、时钟偏差
    Status,
}

/// An option's help: what it is and its choices as the app shows them, each with its code (the
/// command line takes either; crates/app/src/zh.rs OPTIONS holds both).
fn choices(what: &str, group: &str) -> String {
    jiaowu_app::zh::cli::choices_help(what, &jiaowu_app::options::options_listed(group))
}
