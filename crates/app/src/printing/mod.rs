//! 打印 (issue 5): official forms, a subject's dossier and the ledgers, from the case store.
//! Layout lives in `jiaowu-documents`; this module chooses what each form says. The printed
//! wording of the forms (titles, field labels) is in `forms.rs` and `dossier.rs`, as on the paper
//! forms; messages to the user are in `zh.rs`. Every print is written to the audit log.

mod dossier;
mod forms;
mod ledgers;

use jiaowu_documents::form::Form;
use jiaowu_documents::{Document, FontSet, Template};
use jiaowu_domain::ids::{RecordId, SubjectId};
use serde::{Deserialize, Serialize};

pub use dossier::{DossierGap, DossierRequest};
pub use forms::{verify_leave_certificate_text, CertificateCheck};
pub use ledgers::LedgerRequest;

use crate::{zh, AppError, Core};

/// Which form, of which record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// 社区矫正对象基本信息表 (of a subject).
    BasicInfo,
    /// 外出审批表, 外出证明, 销假记录 (of a leave).
    LeaveApproval,
    LeaveCertificate,
    LeaveReturn,
    /// 走访记录, 谈话记录 (of the record).
    Visit,
    Talk,
    /// 集中教育学习签到表 and 记录 (of a session).
    StudySignIn,
    StudyRecord,
    /// 公益活动记录 (of an activity).
    ServiceRecord,
    /// 训诫/警告（及表扬）审批表 (of a sanction).
    SanctionApproval,
    /// 月度考核表 (of an assessment).
    MonthlyAssessment,
}

impl FormKind {
    pub const ALL: [FormKind; 11] = [
        FormKind::BasicInfo,
        FormKind::LeaveApproval,
        FormKind::LeaveCertificate,
        FormKind::LeaveReturn,
        FormKind::Visit,
        FormKind::Talk,
        FormKind::StudySignIn,
        FormKind::StudyRecord,
        FormKind::ServiceRecord,
        FormKind::SanctionApproval,
        FormKind::MonthlyAssessment,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.into())).ok()
    }
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormRequest {
    pub kind: FormKind,
    /// The subject (基本信息表) or the record the form prints.
    pub id: RecordId,
    /// Page images for a preview on screen (the desktop asks; the CLI does not).
    #[serde(default)]
    pub preview: bool,
}

/// A printed document: the PDF and what the clerk should know before printing it.
#[derive(Debug, Clone, Serialize)]
pub struct Printed {
    pub title: String,
    pub file_name: String,
    pub pages: usize,
    #[serde(skip)]
    pub pdf: Vec<u8>,
    /// Characters no font on this PC can draw (they would print as boxes).
    pub missing_glyphs: Vec<String>,
    /// PNGs of the first pages for the preview on screen.
    #[serde(skip)]
    pub previews: Vec<Vec<u8>>,
}

/// Pages shown in the preview before printing, when asked for.
const PREVIEW_PAGES: usize = 3;

impl Core {
    /// 打印表格: one form filled from its record, with the user and time as watermark.
    pub fn print_form(&mut self, req: FormRequest) -> Result<Printed, AppError> {
        let look = Lookups::new(self.store.staff_names()?);
        let (mut form, files, subject) = self.build_form(req.kind, req.id, &look)?;
        let whose = subject.as_deref().and_then(SubjectId::parse).and_then(|id| self.store.subject(id).ok());
        form.watermark = Some(self.watermark());
        // A minor's form says on its face that it is confidential (社区矫正法 Art 54), as the
        // dossier's cover does.
        form.restricted = whose.as_ref().filter(|s| s.is_minor_case).map(|_| zh::PRINT_MINOR_RESTRICTED.to_string());
        let title = form.title.clone();
        let mut printed = self.typeset(
            Template::Form,
            serde_json::to_value(&form).map_err(AppError::internal)?,
            files,
            &form.all_text(),
            &title,
            req.preview,
        )?;
        self.log_print(
            "print_form",
            &req.id.to_string(),
            serde_json::json!({ "form": req.kind.name(), "subject": subject, "pages": printed.pages }),
        )?;
        // A folder of prints is read by file name: whose form it is comes first.
        // A minor's name stays off the file (社区矫正法 Art 54): initials instead.
        if let Some(s) = &whose {
            printed.file_name = format!("{}-{}", file_label(s), printed.file_name);
        }
        Ok(printed)
    }

    fn watermark(&self) -> String {
        let name = self
            .store
            .staff_names()
            .ok()
            .and_then(|n| n.get(&self.session.staff_id).cloned())
            .unwrap_or_else(|| self.session.username.clone());
        zh::print_watermark(&name, &self.office.name, &crate::zh::local_time(&self.clock.now().to_rfc3339()))
    }

    fn typeset(
        &self,
        template: Template,
        data: serde_json::Value,
        files: Vec<(String, Vec<u8>)>,
        all_text: &str,
        title: &str,
        preview: bool,
    ) -> Result<Printed, AppError> {
        let fonts = FontSet::shared().map_err(|e| {
            let searched = match e {
                jiaowu_documents::DocError::NoFonts(dirs) => dirs,
                e => e.to_string(),
            };
            AppError::refused("", "print.no_fonts", zh::print_no_fonts(&searched))
        })?;
        let doc = Document { template, data, files, today: self.today() };
        let out = jiaowu_documents::render_with_previews(&fonts, &doc, if preview { PREVIEW_PAGES } else { 0 })
            .map_err(AppError::internal)?;
        let missing_glyphs = fonts.missing_glyphs(all_text).into_iter().map(String::from).collect();
        Ok(Printed {
            title: title.to_string(),
            file_name: format!("{}-{}.pdf", title, self.today().format("%Y%m%d")),
            pages: out.pages,
            pdf: out.pdf,
            previews: out.previews,
            missing_glyphs,
        })
    }

    fn log_print(&mut self, action: &str, entity_id: &str, detail: serde_json::Value) -> Result<(), AppError> {
        let (session, now) = (self.session.clone(), self.clock.now());
        self.store.write(&session, now, |tx| tx.audit_only(action, "documents", entity_id, &detail))?;
        Ok(())
    }
}

/// The print folder: `JIAOWU_PRINT_DIR` when set, else `default`.
pub fn print_dir_or(default: impl FnOnce() -> std::path::PathBuf) -> std::path::PathBuf {
    std::env::var_os("JIAOWU_PRINT_DIR").map(std::path::PathBuf::from).unwrap_or_else(default)
}

/// Writes `bytes` as `name` in `dir`, never over an earlier print: a second print of the same
/// day becomes `name（2）`, and so on. The name is taken only if the file is new, so two
/// prints at the same moment (the desktop and the command line) each get their own.
pub fn save_print(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf, AppError> {
    use std::io::Write as _;
    let io = |e: std::io::Error| AppError::refused("", "print.write", zh::io_error(&e.to_string()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "pdf"));
    let mut path = dir.join(name);
    let mut n = 2;
    loop {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(bytes).map_err(io)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                path = dir.join(format!("{stem}（{n}）.{ext}"));
                n += 1;
            }
            Err(e) => return Err(io(e)),
        }
    }
}

/// Whose print a file is, as its name begins: the subject's name, a minor's initials.
pub(crate) fn file_label(s: &jiaowu_store::Subject) -> String {
    file_safe(&if s.is_minor_case { s.name_initials.to_uppercase() } else { s.name.clone() })
}

/// A name as part of a file name: characters no file system takes become "_".
fn file_safe(name: &str) -> String {
    name.chars()
        .map(
            |c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            },
        )
        .collect()
}

/// What the forms of one print look up again and again: the office's staff names, and the
/// subjects that sign-in sheets list (a three-year dossier lists each participant on dozens).
pub(super) struct Lookups {
    pub(super) names: std::collections::HashMap<String, String>,
    subjects: std::cell::RefCell<std::collections::HashMap<jiaowu_domain::ids::SubjectId, jiaowu_store::Subject>>,
    /// In one subject's dossier, the only subject a group record (study, public welfare) may
    /// name: the others in the group are not in this file's business (社区矫正法 Art 4: their
    /// personal information is protected; Art 54 for minors).
    pub(super) only: Option<jiaowu_domain::ids::SubjectId>,
}

impl Lookups {
    pub(super) fn new(names: std::collections::HashMap<String, String>) -> Self {
        Lookups { names, subjects: Default::default(), only: None }
    }

    /// As `new`, for the dossier of `subject`.
    pub(super) fn for_subject(
        names: std::collections::HashMap<String, String>,
        subject: jiaowu_domain::ids::SubjectId,
    ) -> Self {
        Lookups { only: Some(subject), ..Lookups::new(names) }
    }

    /// Subject `id`, read from the store once per print; `None` if it is not there.
    pub(super) fn subject(
        &self,
        store: &jiaowu_store::Store,
        id: jiaowu_domain::ids::SubjectId,
    ) -> Option<jiaowu_store::Subject> {
        if let Some(s) = self.subjects.borrow().get(&id) {
            return Some(s.clone());
        }
        let s = store.subject(id).ok()?;
        self.subjects.borrow_mut().insert(id, s.clone());
        Some(s)
    }
}

/// A staff member's display name for a form, or the account id when the name is unknown.
pub(crate) fn staff_name(names: &std::collections::HashMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_string())
}

/// A date as printed on forms: 2026年3月2日.
pub(crate) fn cn_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The Chinese label of an option value (the same labels the UI shows).
pub(crate) fn label<T: Serialize>(group: &str, v: T) -> String {
    let key = serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    crate::options::option_label(group, &key).map(str::to_owned).unwrap_or(key)
}

pub(crate) fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub(crate) type Built = (Form, Vec<(String, Vec<u8>)>, Option<String>);
