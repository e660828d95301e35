//! `Core`: an open, logged-in case store with its clock and rules. Every use case is a method on
//! it (or, for setup and login, a function that returns one). The CLI and the desktop shell hold
//! one `Core` and call one function per user action.

use std::path::Path;

use jiaowu_domain::calendar::HolidayCalendar;
use jiaowu_domain::ids::OfficeId;
use jiaowu_domain::rule_pack::{RuleBook, RulePack};
use jiaowu_domain::Role;
use jiaowu_store::{KdfParams, Session, Store};
use serde::{Deserialize, Serialize};

use crate::clock::SharedClock;
use crate::error::{AppError, Problems};
use crate::zh;

/// This office (司法所) and the choices its county made for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    pub id: OfficeId,
    pub name: String,
    pub county_name: String,
    pub division_code: String,
    /// The county has delegated approval of leave ≤ 7 days (实施办法 Art 27 "委托"), as it was
    /// when the store was opened; the county's later word comes by sync, and leave decisions read
    /// it through `Core::leave_delegated`.
    pub leave_delegated: bool,
    /// Rule preset family: `national` or a provincial family such as `province-a`, `fujian`.
    pub rule_family: String,
}

pub struct Core {
    pub(crate) store: Store,
    pub(crate) session: Session,
    pub(crate) clock: SharedClock,
    pub(crate) rules: RuleBook,
    pub(crate) calendar: HolidayCalendar,
    pub(crate) office: Office,
    /// Activities read so far in this session (see activity_index.rs).
    pub(crate) activity_index: std::sync::Mutex<crate::activity_index::ActivityIndex>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitOfficeInput {
    pub office_name: String,
    pub county_name: String,
    pub division_code: String,
    pub leave_delegated: bool,
    #[serde(default)]
    pub rule_family: Option<String>,
    pub username: String,
    pub display_name: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InitOfficeView {
    pub office: Office,
    pub username: String,
    /// Shown once at setup; print it and keep it locked away (design.md §2).
    pub recovery_key: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub username: String,
    pub display_name: String,
    pub staff_id: String,
    pub role: Role,
    pub role_label: &'static str,
    pub office: Office,
}

fn rule_book(family: &str) -> Result<RuleBook, AppError> {
    let book = RuleBook::builtin();
    let region = if family == "national" { None } else { Some(family) };
    book.with_region(region).map_err(|_| {
        AppError::invalid(
            "rule_family",
            "office.rule_family",
            zh::unknown_rule_family(family, &RuleBook::builtin().regions()),
        )
    })
}

/// Password rule for staff accounts: at least 8 characters mixing two kinds (letters, digits,
/// other) — GB/T 22239-2019 8.1.4.1 asks for complexity; the exact rule is ours.
pub(crate) fn check_password(field: &str, pw: &str) -> Result<(), AppError> {
    let n = pw.chars().count();
    let kinds = [
        pw.chars().any(|c| c.is_ascii_alphabetic()),
        pw.chars().any(|c| c.is_ascii_digit()),
        pw.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    if n < 8 || kinds < 2 {
        return Err(AppError::invalid(field, "account.weak_password", zh::weak_password()));
    }
    Ok(())
}

fn check_username(u: &str) -> Result<(), AppError> {
    let ok = !u.is_empty() && u.len() <= 32 && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid("username", "account.username", zh::bad_username()))
    }
}

/// First run: creates the encrypted database, the office and its first 负责人.
pub fn init_office(
    path: &Path,
    input: InitOfficeInput,
    clock: SharedClock,
    kdf: KdfParams,
) -> Result<(Core, InitOfficeView), AppError> {
    let mut p = Problems::default();
    for (f, v) in [
        ("office_name", &input.office_name),
        ("county_name", &input.county_name),
        ("display_name", &input.display_name),
    ] {
        if v.trim().is_empty() {
            p.push(zh::required(f));
        }
    }
    if input.division_code.len() < 6 || !input.division_code.chars().all(|c| c.is_ascii_digit()) {
        p.push(AppError::invalid("division_code", "office.division_code", zh::bad_division_code(&input.division_code)));
    }
    p.check(check_username(&input.username));
    p.check(check_password("password", &input.password));
    let family = input.rule_family.clone().unwrap_or_else(|| "national".into());
    let rules = p.check(rule_book(&family));
    p.finish()?;
    let rules = rules.expect("checked");

    let now = clock.now();
    let (mut store, session, recovery) =
        Store::create(path, &input.username, &input.password, input.display_name.trim(), kdf, now)?;
    let office = Office {
        id: OfficeId::new(),
        name: input.office_name.trim().into(),
        county_name: input.county_name.trim().into(),
        division_code: input.division_code.clone(),
        leave_delegated: input.leave_delegated,
        rule_family: family,
    };
    store.write(&session, now, |tx| {
        tx.conn().execute(
            "INSERT INTO office (id, name, county_name, division_code, leave_delegated, rule_family, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            jiaowu_store::params![
                office.id.to_string(),
                office.name,
                office.county_name,
                office.division_code,
                office.leave_delegated,
                office.rule_family,
                now.to_rfc3339()
            ],
        )?;
        tx.log(
            jiaowu_store::Op::Create,
            "office",
            &office.id.to_string(),
            None,
            &serde_json::to_value(&office).unwrap(),
        )?;
        for pack in &rules.packs {
            store_pack(tx, pack)?;
        }
        Ok(())
    })?;
    let view =
        InitOfficeView { office: office.clone(), username: input.username.clone(), recovery_key: recovery.to_string() };
    Ok((Core::open(store, session, clock, rules, office), view))
}

/// Records the exact text of each rule pack used, so later recomputation uses what applied then.
fn store_pack(tx: &jiaowu_store::Tx<'_>, pack: &RulePack) -> jiaowu_store::Result<()> {
    tx.conn().execute(
        "INSERT OR IGNORE INTO rule_packs (id, version, name, effective_from, effective_to, body, loaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        jiaowu_store::params![
            pack.id,
            pack.version,
            pack.name,
            pack.effective_from.to_string(),
            pack.effective_to.map(|d| d.to_string()),
            pack.to_toml(),
            tx.now.to_rfc3339()
        ],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

/// Opens the case store as a staff member. Logged in the audit trail.
pub fn login(path: &Path, input: LoginInput, clock: SharedClock) -> Result<Core, AppError> {
    let now = clock.now();
    let (mut store, session) = Store::open(path, &input.username, &input.password, now)?;
    let office: Office = store
        .conn()
        .query_row(
            "SELECT id, name, county_name, division_code, leave_delegated, rule_family FROM office LIMIT 1",
            [],
            |r| {
                Ok(Office {
                    id: OfficeId::parse(&r.get::<_, String>(0)?).unwrap_or_default(),
                    name: r.get(1)?,
                    county_name: r.get(2)?,
                    division_code: r.get(3)?,
                    leave_delegated: r.get(4)?,
                    rule_family: r.get(5)?,
                })
            },
        )
        .map_err(|e| AppError::from(jiaowu_store::StoreError::from(e)))?;
    let rules = rule_book(&office.rule_family)?;
    // The startup check runs on (store/startup_check.rs); the first write of case data waits for it.
    store.write_login_entry(&session, now)?;
    Ok(Core::open(store, session, clock, rules, office))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoverInput {
    pub recovery_key: String,
    pub username: String,
    pub new_password: String,
}

/// Resets a forgotten password with the recovery key printed at setup.
pub fn reset_password_with_recovery(path: &Path, input: RecoverInput, clock: SharedClock) -> Result<(), AppError> {
    check_password("new_password", &input.new_password)?;
    let mut store = Store::open_with_recovery(path, &input.recovery_key)?;
    store.set_password(&input.username, &input.new_password)?;
    let staff: String = store
        .conn()
        .query_row("SELECT id FROM staff WHERE username = ?1", [&input.username], |r| r.get(0))
        .map_err(|e| AppError::from(jiaowu_store::StoreError::from(e)))?;
    let session = Session { staff_id: "recovery-key".into(), username: "recovery-key".into(), role: Role::Head };
    store.write(&session, clock.now(), |tx| {
        tx.audit_only("password_reset_by_recovery", "staff", &staff, &serde_json::json!({ "username": input.username }))
    })?;
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddStaffInput {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffView {
    pub staff_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl Core {
    fn open(store: Store, session: Session, clock: SharedClock, rules: RuleBook, office: Office) -> Core {
        let calendar = HolidayCalendar::china_builtin();
        Core { store, session, clock, rules, calendar, office, activity_index: Default::default() }
    }

    /// The same logged-in store on a second connection, for sync running beside the clerk.
    pub fn sibling(&mut self) -> Result<Core, AppError> {
        Ok(Core {
            store: self.store.sibling()?,
            session: self.session.clone(),
            clock: self.clock.clone(),
            rules: self.rules.clone(),
            calendar: self.calendar.clone(),
            office: self.office.clone(),
            activity_index: Default::default(),
        })
    }

    pub fn session(&self) -> SessionView {
        let names = self.store.staff_names().unwrap_or_default();
        SessionView {
            username: self.session.username.clone(),
            display_name: names.get(&self.session.staff_id).cloned().unwrap_or_else(|| self.session.username.clone()),
            staff_id: self.session.staff_id.clone(),
            role: self.session.role,
            role_label: zh::role(self.session.role),
            // The delegation as the county last said (sync may have changed it since login).
            office: Office {
                leave_delegated: self.leave_delegated().unwrap_or(self.office.leave_delegated),
                ..self.office.clone()
            },
        }
    }

    pub fn office(&self) -> &Office {
        &self.office
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    pub(crate) fn require_head(&self, what: &str) -> Result<(), AppError> {
        if self.session.role != Role::Head {
            return Err(AppError::forbidden("role.head_only", zh::head_only(what)));
        }
        Ok(())
    }

    /// Adds a staff account (负责人 only).
    pub fn add_staff(&mut self, input: AddStaffInput) -> Result<StaffView, AppError> {
        self.require_head("新增工作人员账号")?;
        let mut p = Problems::default();
        p.check(check_username(&input.username));
        p.check(check_password("password", &input.password));
        if input.display_name.trim().is_empty() {
            p.push(zh::required("display_name"));
        }
        p.finish()?;
        let id = self.store.add_account(
            &self.session,
            self.clock.now(),
            &input.username,
            &input.password,
            input.display_name.trim(),
            input.role,
        )?;
        Ok(StaffView { staff_id: id, username: input.username, display_name: input.display_name, role: input.role })
    }

    /// Changes the logged-in user's own password.
    pub fn change_password(&mut self, new_password: &str) -> Result<(), AppError> {
        check_password("new_password", new_password)?;
        self.store.set_password(&self.session.username.clone(), new_password)?;
        let (s, now) = (self.session.clone(), self.clock.now());
        self.store
            .write(&s, now, |tx| tx.audit_only("password_changed", "staff", &s.staff_id, &serde_json::json!({})))?;
        Ok(())
    }

    /// Lifts a login lock (负责人 only).
    pub fn unlock_staff(&mut self, username: &str) -> Result<(), AppError> {
        self.require_head("解锁账号")?;
        self.store.unlock_account(username)?;
        let (s, now) = (self.session.clone(), self.clock.now());
        self.store.write(&s, now, |tx| tx.audit_only("account_unlocked", "staff", username, &serde_json::json!({})))?;
        Ok(())
    }
}

impl Core {
    /// Ops waiting for sync (the "changes waiting" count shown until sync exists).
    pub fn pending_ops(&self) -> Result<i64, AppError> {
        Ok(self.store.pending_ops()?)
    }

    #[doc(hidden)]
    pub fn pending_ops_for_tests(&self) -> i64 {
        self.store.pending_ops().unwrap_or(-1)
    }

    /// Every row of one record type for a subject, corrections included (the timeline).
    pub fn subject_records<R: jiaowu_store::Record>(
        &self,
        subject: jiaowu_domain::ids::SubjectId,
    ) -> Result<Vec<R>, AppError> {
        self.subject_in_office(subject)?;
        Ok(self.store.records_of::<R>(subject)?)
    }
}
