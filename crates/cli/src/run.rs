//! Dispatch: parse what the user typed into a use-case input, call it, print the result.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiaowu_app::advice::AdviceQuery;
use jiaowu_app::clock::{SharedClock, ShiftedClock, SystemClock};
use jiaowu_app::domain::ids::{RecordId, SubjectId};
use jiaowu_app::leave::{LeaveForm, LeaveStep, LeaveStepInput};
use jiaowu_app::obligations::ObligationsQuery;
use jiaowu_app::records::{CorrectRecordInput, RecordKind};
use jiaowu_app::sessions::{AttendanceLine, ParticipationLine, ServiceActivityForm, StudySessionForm};
use jiaowu_app::statistics::StatisticsQuery;
use jiaowu_app::store::KdfParams;
use jiaowu_app::subjects::RegisterSubjectInput;
use jiaowu_app::zh::cli as t;
use jiaowu_app::{AppError, Core, InitOfficeInput, LoginInput};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::args::*;
use crate::print;

type R<T> = Result<T, AppError>;

fn clock(cli: &Cli) -> SharedClock {
    match cli.today {
        Some(d) => Arc::new(ShiftedClock::on_day(d)),
        None => Arc::new(SystemClock),
    }
}

fn db_path(cli: &Cli) -> PathBuf {
    cli.db
        .clone()
        .unwrap_or_else(|| dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("jiaowu").join("office.db"))
}

fn secret(env: &str, prompt: &str) -> R<String> {
    if let Ok(v) = std::env::var(env) {
        return Ok(v);
    }
    rpassword::prompt_password(prompt)
        .map_err(|_| AppError::invalid("password", "cli.no_password", t::no_password(env)))
}

fn username(cli: &Cli) -> R<String> {
    cli.user.clone().ok_or_else(|| AppError::invalid("username", "cli.no_user", t::no_user()))
}

fn login(cli: &Cli) -> R<Core> {
    let user = username(cli)?;
    if !db_path(cli).exists() {
        return Err(jiaowu_app::zh::store_error(&jiaowu_app::store::StoreError::NotFound(
            db_path(cli).display().to_string(),
        )));
    }
    let password = secret("JIAOWU_PASSWORD", &t::password_prompt(&user))?;
    jiaowu_app::login(&db_path(cli), LoginInput { username: user, password }, clock(cli))
}

/// A choice of option group `group`, given as its code (`phone`) or as the label the app shows
/// (`电话`); anything else is refused with every choice listed.
fn parse_enum<T: DeserializeOwned>(field: &str, group: &str, v: &str) -> R<T> {
    use jiaowu_app::options::{option_value, options_listed};
    let v = v.trim();
    serde_json::from_value(serde_json::Value::String(option_value(group, v)))
        .map_err(|_| AppError::invalid(field, "cli.enum", t::bad_choice(field, v, &options_listed(group))))
}

fn read_json<T: DeserializeOwned>(path: &Path) -> R<T> {
    let text = if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(AppError::internal)?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| {
            AppError::invalid("input", "cli.read", t::cannot_read(&path.display().to_string(), &e.to_string()))
        })?
    };
    serde_json::from_str(&text)
        .map_err(|e| AppError::invalid("input", "input.json", jiaowu_app::zh::bad_input_json(&e.to_string())))
}

fn list(v: &str) -> Vec<String> {
    v.split([',', '，', '、']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn subject(core: &Core, key: &str) -> R<SubjectId> {
    Ok(core.find_subject(key)?.id)
}

fn leave_id(key: &str) -> R<RecordId> {
    RecordId::parse(key.trim()).ok_or_else(|| AppError::invalid("leave_id", "cli.leave_id", t::bad_leave_id(key)))
}

fn out<T: Serialize>(cli: &Cli, v: &T, human: impl FnOnce(&T)) {
    if cli.json {
        say!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    } else {
        human(v);
    }
}

/// The demo office: the README's first command creates it with this account.
fn demo_office(cli: &Cli) -> InitOfficeInput {
    InitOfficeInput {
        office_name: t::DEMO_OFFICE.into(),
        county_name: t::DEMO_COUNTY.into(),
        division_code: "130123".into(),
        leave_delegated: true,
        rule_family: Some("national".into()),
        username: cli.user.clone().unwrap_or_else(|| "demo".into()),
        display_name: t::DEMO_HEAD.into(),
        password: std::env::var("JIAOWU_PASSWORD").unwrap_or_else(|_| "demo2026".into()),
    }
}

fn kdf() -> KdfParams {
    KdfParams::default()
}

pub fn run(cli: Cli) -> R<()> {
    match &cli.cmd {
        Cmd::Init(a) => {
            let user = username(&cli)?;
            let pw = secret("JIAOWU_PASSWORD", &t::new_password_prompt(&user))?;
            if std::env::var("JIAOWU_PASSWORD").is_err() {
                let again = secret("JIAOWU_PASSWORD_AGAIN", &t::repeat_password_prompt())?;
                if again != pw {
                    return Err(AppError::invalid("password", "cli.password_mismatch", t::password_mismatch()));
                }
            }
            let input = InitOfficeInput {
                office_name: a.office.clone(),
                county_name: a.county.clone(),
                division_code: a.division_code.clone(),
                leave_delegated: !a.no_delegation,
                rule_family: Some(a.rules.clone()),
                username: user,
                display_name: a.display_name.clone(),
                password: pw,
            };
            let path = db_path(&cli);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(AppError::internal)?;
            }
            let (_, view) = jiaowu_app::init_office(&path, input, clock(&cli), kdf())?;
            out(&cli, &view, |v| print::init(v, &path));
        }
        Cmd::Demo(a) => {
            let path = db_path(&cli);
            let mut core = if path.exists() {
                login(&cli)?
            } else {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(AppError::internal)?;
                }
                let (core, view) = jiaowu_app::init_office(&path, demo_office(&cli), clock(&cli), kdf())?;
                if !cli.json {
                    print::init(&view, &path);
                }
                core
            };
            let spec = jiaowu_app::demo::DemoSpec { seed: a.seed, subjects: a.subjects, years: a.years };
            let summary = core.seed_demo(&spec)?;
            out(&cli, &summary, print::demo);
        }
        Cmd::Whoami => {
            let core = login(&cli)?;
            out(&cli, &core.session(), print::whoami);
        }
        Cmd::Account(a) => account(&cli, a)?,
        Cmd::Subject(s) => subject_cmd(&cli, s)?,
        Cmd::Record(r) => record(&cli, r)?,
        Cmd::Correct(a) => {
            let mut core = login(&cli)?;
            let kind = RecordKind::parse(&a.kind)
                .ok_or_else(|| AppError::invalid("kind", "cli.kind", t::bad_kind(&a.kind)))?;
            let changes: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&a.changes).map_err(|e| {
                    AppError::invalid("changes", "input.json", jiaowu_app::zh::bad_input_json(&e.to_string()))
                })?;
            let rec = core.correct_record(CorrectRecordInput {
                kind,
                record_id: leave_id(&a.id)?,
                reason: a.reason.clone(),
                changes,
            })?;
            out(&cli, &rec, print::saved);
        }
        Cmd::Study(a) => {
            let mut core = login(&cli)?;
            let form: StudySessionForm = match &a.input {
                Some(p) => read_json(p)?,
                None => {
                    let mut lines = Vec::new();
                    for k in list(&a.present) {
                        lines.push(AttendanceLine {
                            subject_id: subject(&core, &k)?,
                            attendance: parse_enum("attendance", "attendance", "present")?,
                            credited_minutes: None,
                            sign_in: None,
                            sign_out: None,
                            note: None,
                        });
                    }
                    for k in list(&a.absent) {
                        let (id, why) = k.split_once(':').unwrap_or((&k, "absent_other"));
                        lines.push(AttendanceLine {
                            subject_id: subject(&core, id)?,
                            attendance: parse_enum("attendance", "attendance", why)?,
                            credited_minutes: None,
                            sign_in: None,
                            sign_out: None,
                            note: None,
                        });
                    }
                    StudySessionForm {
                        session_date: a.date.ok_or_else(|| jiaowu_app::zh::required("session_date"))?,
                        start_time: None,
                        end_time: None,
                        minutes: a.minutes.ok_or_else(|| jiaowu_app::zh::required("minutes"))?,
                        place: a.place.clone().unwrap_or_default(),
                        organiser: a.organiser.clone().unwrap_or_default(),
                        speaker: None,
                        topic: a.topic.clone().unwrap_or_default(),
                        summary: None,
                        mode: parse_enum("mode", "study_mode", &a.mode)?,
                        attendance: lines,
                    }
                }
            };
            let v = core.record_study_session(form)?;
            out(&cli, &v, print::study);
        }
        Cmd::Service(a) => {
            let mut core = login(&cli)?;
            let form: ServiceActivityForm = match &a.input {
                Some(p) => read_json(p)?,
                None => {
                    let mut lines = Vec::new();
                    for k in list(&a.participants) {
                        lines.push(ParticipationLine {
                            subject_id: subject(&core, &k)?,
                            credited_minutes: None,
                            performance: None,
                            exempt_reason: None,
                        });
                    }
                    ServiceActivityForm {
                        activity_date: a.date.ok_or_else(|| jiaowu_app::zh::required("activity_date"))?,
                        start_time: None,
                        end_time: None,
                        minutes: a.minutes.ok_or_else(|| jiaowu_app::zh::required("minutes"))?,
                        place: a.place.clone().unwrap_or_default(),
                        content: a.content.clone().unwrap_or_default(),
                        supervisor: a.supervisor.clone().unwrap_or_default(),
                        participants: lines,
                    }
                }
            };
            let v = core.record_service_activity(form)?;
            out(&cli, &v, print::service);
        }
        Cmd::Decide(a) => {
            let mut core = login(&cli)?;
            let v = core.record_decision(read_json(&a.input)?)?;
            out(&cli, &v, print::saved);
        }
        Cmd::Leave(l) => leave(&cli, l)?,
        Cmd::Obligations(a) => {
            let core = login(&cli)?;
            let subject_id = match &a.subject {
                Some(k) => Some(subject(&core, k)?),
                None => None,
            };
            let v = core.month_obligations(ObligationsQuery { month: a.month.clone(), subject_id })?;
            out(&cli, &v, |v| print::obligations(v, a.show));
        }
        Cmd::Stats(a) => {
            let core = login(&cli)?;
            let (from, to) = period(a, core.today())?;
            let v = core.office_statistics(StatisticsQuery { from, to })?;
            out(&cli, &v, print::stats);
        }
        Cmd::Advise(a) => {
            let core = login(&cli)?;
            let breach = match &a.breach {
                Some(b) => Some(parse_enum("breach", "breach_kind", b)?),
                None => None,
            };
            let v = core.sanction_advice(AdviceQuery { subject_id: subject(&core, &a.subject)?, breach })?;
            out(&cli, &v, print::advice);
        }
        Cmd::Form(a) => {
            let mut core = login(&cli)?;
            let kind = jiaowu_app::printing::FormKind::parse(&a.kind)
                .ok_or_else(|| AppError::invalid("kind", "cli.form_kind", t::bad_form_kind(&a.kind)))?;
            let id = if kind == jiaowu_app::printing::FormKind::BasicInfo {
                RecordId::parse(&subject(&core, &a.id)?.to_string()).expect("ids are uuids")
            } else {
                RecordId::parse(&a.id)
                    .ok_or_else(|| AppError::invalid("id", "cli.record_id", t::bad_record_id(&a.id)))?
            };
            let v = core.print_form(jiaowu_app::printing::FormRequest { kind, id, preview: false })?;
            save_printed(&cli, &v, a.out.as_deref())?;
        }
        Cmd::Dossier(a) => {
            let mut core = login(&cli)?;
            let subject_id = subject(&core, &a.subject)?;
            let gaps = core.dossier_gaps(subject_id)?;
            if a.check {
                out(&cli, &gaps, print::gaps);
                if !cli.json {
                    print::dossier_order(&core.dossier_order()?);
                }
            } else {
                if !cli.json {
                    print::gaps(&gaps);
                }
                let req = jiaowu_app::printing::DossierRequest {
                    subject_id,
                    order: None,
                    purpose: a.purpose.clone(),
                    preview: false,
                };
                let v = core.print_dossier(req)?;
                save_printed(&cli, &v, a.out.as_deref())?;
            }
        }
        Cmd::Ledger(a) => {
            let mut core = login(&cli)?;
            let (from, to) = period(&a.period, core.today())?;
            let bytes = core.export_ledgers(jiaowu_app::printing::LedgerRequest { from, to })?;
            let path = write_print(a.out.as_deref(), &t::ledger_file(&from.to_string(), &to.to_string()), &bytes)?;
            out(&cli, &serde_json::json!({ "file": path, "bytes": bytes.len() }), |_| print::file_saved(&path, None));
        }
        Cmd::VerifyCertificate { text } => {
            let mut core = login(&cli)?;
            let v = core.verify_leave_certificate(text)?;
            out(&cli, &v, print::certificate);
            if !v.genuine {
                // A script must not take a certificate that does not match for a good one: exit 4
                // (refused), the check above being all there is to say (one JSON document).
                std::process::exit(AppError::refused("text", "certificate.not_genuine", "").exit_code());
            }
        }
        Cmd::Backup { dest } => {
            let mut core = login(&cli)?;
            let v = core.backup(dest)?;
            out(&cli, &v, print::backup);
        }
        Cmd::Restore { backup } => {
            let user = username(&cli)?;
            let password = secret("JIAOWU_PASSWORD", &t::password_prompt(&user))?;
            let target = db_path(&cli);
            let aside = jiaowu_app::maintenance::restore(
                backup,
                &target,
                LoginInput { username: user, password },
                clock(&cli),
            )?;
            out(&cli, &serde_json::json!({ "restored": target, "set_aside": aside }), |_| {
                print::restored(&target, &aside)
            });
        }
        Cmd::Sync { cmd } => {
            let mut core = login(&cli)?;
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(AppError::internal)?;
            // JIAOWU_SYNC_TIMEOUT_SECS: seconds without progress before a request is given up.
            let secs = std::env::var("JIAOWU_SYNC_TIMEOUT_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
            let timeout = std::time::Duration::from_secs(secs);
            let transport = |url: &str| {
                jiaowu_sync::transport::HttpTransport::with_timeout(url, timeout)
                    .map_err(|e| AppError::invalid("url", "sync.url", t::sync_bad_url(&e.0)))
            };
            match cmd.as_ref().unwrap_or(&crate::args::SyncCmd::Run) {
                crate::args::SyncCmd::Enrol { url, code, name } => {
                    let v = rt.block_on(jiaowu_app::sync::enrol(&mut core, transport(url)?, url, code, name))?;
                    out(&cli, &v, print::enrolled);
                }
                crate::args::SyncCmd::Run => {
                    let t = jiaowu_app::sync::county_transport(&core, timeout)?;
                    let report = rt.block_on(jiaowu_app::sync::sync_now(&mut core, t))?;
                    let status = core.sync_status()?;
                    let v = serde_json::json!({ "report": report, "status": status });
                    out(&cli, &v, |_| {
                        print::synced(&report);
                        print::sync_status(&status);
                    });
                }
                crate::args::SyncCmd::Export { out: dir } => {
                    let path = jiaowu_app::sync::export_bundle(&mut core, dir)?;
                    let v = serde_json::json!({ "file": path });
                    out(&cli, &v, |_| print::bundle_written(&path));
                }
                crate::args::SyncCmd::Import { file } => {
                    let report = jiaowu_app::sync::import_bundle(&mut core, file)?;
                    let status = core.sync_status()?;
                    let v = serde_json::json!({ "report": report, "status": status });
                    out(&cli, &v, |_| {
                        print::synced(&report);
                        print::sync_status(&status);
                    });
                }
                crate::args::SyncCmd::Status => {
                    let status = core.sync_status()?;
                    let rejected = core.rejected_ops()?;
                    let v = serde_json::json!({ "status": status, "needs_attention": rejected });
                    out(&cli, &v, |_| {
                        print::sync_status(&status);
                        print::rejected_ops(&rejected);
                    });
                }
            }
        }
        Cmd::Verify => {
            let core = login(&cli)?;
            let v = core.verify()?;
            out(&cli, &v, print::verify);
            if !v.ok {
                return Err(AppError::new(jiaowu_app::ErrorKind::Damaged, "", "verify.failed", t::verify_failed()));
            }
        }
        Cmd::CheckId { number, convert } => {
            let today = clock(&cli).today();
            let v = jiaowu_app::check_id(number, *convert, today)?;
            out(&cli, &v, print::check_id);
        }
        Cmd::RawKey => {
            let rec = secret("JIAOWU_RECOVERY_KEY", &t::recovery_prompt())?;
            let key = jiaowu_app::raw_key(&db_path(&cli), &rec, clock(&cli))?;
            out(&cli, &serde_json::json!({ "pragma": key }), |_| print::raw_key(&key));
        }
    }
    Ok(())
}

/// Writes a print to `--out`, or else under its own name in the print folder
/// (`JIAOWU_PRINT_DIR`, else the current directory) beside, never over, earlier prints.
fn write_print(to: Option<&std::path::Path>, name: &str, bytes: &[u8]) -> R<PathBuf> {
    match to {
        // Into a folder, under the print's own name.
        Some(p) if p.is_dir() => jiaowu_app::printing::save_print(p, name, bytes),
        // Straight through to what is not a file (-o /dev/stdout).
        Some(p) if p.exists() && !p.is_file() => {
            std::fs::write(p, bytes)
                .map_err(|e| AppError::refused("out", "cli.write", jiaowu_app::zh::io_error(&e.to_string())))?;
            Ok(p.to_path_buf())
        }
        // Never over an earlier print, here either: a second `-o 档案.pdf` becomes 档案（2）.pdf.
        Some(p) => {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| name.to_string());
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            jiaowu_app::printing::save_print(dir, &name, bytes)
        }
        None => {
            jiaowu_app::printing::save_print(&jiaowu_app::printing::print_dir_or(|| PathBuf::from(".")), name, bytes)
        }
    }
}

/// Writes a printed PDF where asked (or under its own name) and says so.
fn save_printed(cli: &Cli, v: &jiaowu_app::printing::Printed, to: Option<&std::path::Path>) -> R<()> {
    let path = write_print(to, &v.file_name, &v.pdf)?;
    out(cli, &serde_json::json!({ "file": path, "pages": v.pages, "missing_glyphs": v.missing_glyphs }), |_| {
        print::file_saved(&path, Some(v))
    });
    Ok(())
}

fn period(a: &StatsArgs, today: chrono::NaiveDate) -> R<(chrono::NaiveDate, chrono::NaiveDate)> {
    match (a.from, a.to) {
        (Some(from), Some(to)) if from > to => {
            return Err(AppError::invalid("from", "cli.period", t::period_reversed(&from.to_string(), &to.to_string())))
        }
        (Some(from), Some(to)) => return Ok((from, to)),
        (Some(_), None) | (None, Some(_)) => {
            return Err(AppError::invalid("from", "cli.period", t::PERIOD_BOTH_ENDS.to_string()))
        }
        (None, None) => {}
    }
    if let Some(y) = a.year {
        let f = chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .ok_or_else(|| AppError::invalid("year", "cli.year", t::bad_year(y)))?;
        return Ok((f, chrono::NaiveDate::from_ymd_opt(y, 12, 31).expect("valid")));
    }
    let (y, m) = jiaowu_app::obligations::parse_month(a.month.as_deref(), today)?;
    let r = jiaowu_app::domain::calendar::month_range(y, m);
    Ok((r.start, r.end))
}

fn account(cli: &Cli, a: &AccountCmd) -> R<()> {
    match a {
        AccountCmd::Add { username, display_name, role } => {
            let mut core = login(cli)?;
            let pw = secret("JIAOWU_NEW_PASSWORD", &t::new_password_prompt(username))?;
            let v = core.add_staff(jiaowu_app::AddStaffInput {
                username: username.clone(),
                display_name: display_name.clone(),
                password: pw,
                role: parse_enum("role", "role", role)?,
            })?;
            out(cli, &v, print::staff);
        }
        AccountCmd::Passwd => {
            let mut core = login(cli)?;
            let pw = secret("JIAOWU_NEW_PASSWORD", &t::new_password_prompt(&core.session().username))?;
            core.change_password(&pw)?;
            out(cli, &serde_json::json!({ "ok": true }), |_| print::done());
        }
        AccountCmd::Unlock { username } => {
            let mut core = login(cli)?;
            core.unlock_staff(username)?;
            out(cli, &serde_json::json!({ "ok": true }), |_| print::done());
        }
        AccountCmd::Reset { username } => {
            let rec = secret("JIAOWU_RECOVERY_KEY", &t::recovery_prompt())?;
            let pw = secret("JIAOWU_NEW_PASSWORD", &t::new_password_prompt(username))?;
            jiaowu_app::reset_password_with_recovery(
                &db_path(cli),
                jiaowu_app::RecoverInput { recovery_key: rec, username: username.clone(), new_password: pw },
                clock(cli),
            )?;
            out(cli, &serde_json::json!({ "ok": true }), |_| print::done());
        }
    }
    Ok(())
}

fn subject_cmd(cli: &Cli, s: &SubjectCmd) -> R<()> {
    match s {
        SubjectCmd::Add(a) => {
            let mut core = login(cli)?;
            let input: RegisterSubjectInput = match &a.input {
                Some(p) => read_json(p)?,
                None => {
                    let req = |v: &Option<String>, f: &str| v.clone().ok_or_else(|| jiaowu_app::zh::required(f));
                    RegisterSubjectInput {
                        name: req(&a.name, "name")?,
                        former_name: None,
                        sex: None,
                        birth_date: None,
                        id_number: req(&a.id_number, "id_number")?,
                        ethnicity: None,
                        phone: a.phone.clone(),
                        residence_code: req(&a.residence_code, "residence_code")?,
                        residence_detail: req(&a.residence, "residence_detail")?,
                        household_code: None,
                        household_detail: None,
                        employer: None,
                        education: None,
                        crime: req(&a.crime, "crime")?,
                        original_sentence: req(&a.sentence, "original_sentence")?,
                        sentence_type: parse_enum(
                            "sentence_type",
                            "sentence_type",
                            &req(&a.sentence_type, "sentence_type")?,
                        )?,
                        term_start: a.term_start.ok_or_else(|| jiaowu_app::zh::required("term_start"))?,
                        term_end: a.term_end.ok_or_else(|| jiaowu_app::zh::required("term_end"))?,
                        judgment_effective: a.judgment_effective,
                        deciding_organ: None,
                        decision_doc_no: None,
                        injunction: None,
                        reported_on: a.reported_on,
                        class: match &a.class {
                            Some(c) => Some(parse_enum("class", "class", c)?),
                            None => None,
                        },
                        is_minor_case: None,
                        medical_parole: a.medical_parole,
                        able_to_work: true,
                        guardian_name: None,
                        guardian_phone: None,
                        notes: None,
                        received_source: None,
                        external_no: None,
                    }
                }
            };
            let v = core.register_subject(input)?;
            out(cli, &v, print::subject_detail);
        }
        SubjectCmd::List { query } => {
            let core = login(cli)?;
            let v = core.list_subjects(query.as_deref().unwrap_or(""))?;
            out(cli, &v, |v| print::subject_list(v));
        }
        SubjectCmd::Show { subject: key } => {
            let mut core = login(cli)?;
            let id = subject(&core, key)?;
            let v = core.get_subject(id)?;
            out(cli, &v, print::subject_detail);
        }
        SubjectCmd::Event { subject: key, kind, date, doc_no, detail } => {
            let mut core = login(cli)?;
            let input = jiaowu_app::store::SubjectEventInput {
                subject_id: subject(&core, key)?,
                kind: parse_enum("kind", "subject_event_kind", kind)?,
                event_date: *date,
                doc_no: doc_no.clone(),
                organ: None,
                detail: detail.clone(),
            };
            let v = core.record_subject_event(input)?;
            out(cli, &v, print::saved);
        }
    }
    Ok(())
}

fn record(cli: &Cli, r: &RecordCmd) -> R<()> {
    let mut core = login(cli)?;
    let v = match r {
        RecordCmd::Visit { subject: k, date, place_type, address, visitors, findings, absent, method } => {
            let i = jiaowu_app::store::VisitInput {
                subject_id: subject(&core, k)?,
                visit_date: *date,
                start_time: None,
                end_time: None,
                place_type: parse_enum("place_type", "place_type", place_type)?,
                address: address.clone(),
                method: parse_enum("method", "contact_method", method)?,
                visitors: list(visitors),
                interviewees: vec![],
                subject_present: !absent,
                findings: findings.clone(),
                problems: None,
                follow_up: None,
            };
            serde_json::to_value(core.record_visit(i)?)
        }
        RecordCmd::Report { subject: k, date, method, received_by, content } => {
            let i = jiaowu_app::store::ReportInput {
                subject_id: subject(&core, k)?,
                report_date: *date,
                report_time: None,
                method: parse_enum("method", "report_method", method)?,
                received_by: received_by.clone(),
                content: content.clone(),
                anomalies: None,
                follow_up: None,
            };
            serde_json::to_value(core.record_report(i)?)
        }
        RecordCmd::Talk { subject: k, date, talk_type, place, talkers, note_taker, content } => {
            // 记录人 is a signed field of the 谈话记录: whoever records it, unless named.
            let note_taker = note_taker.clone().unwrap_or_else(|| core.session().display_name);
            let i = jiaowu_app::store::TalkInput {
                subject_id: subject(&core, k)?,
                talk_date: *date,
                start_time: None,
                end_time: None,
                place: place.clone(),
                talk_type: parse_enum("talk_type", "talk_type", talk_type)?,
                talkers: list(talkers),
                note_taker: Some(note_taker),
                content: content.clone(),
                problems: None,
                follow_up: None,
            };
            serde_json::to_value(core.record_talk(i)?)
        }
        RecordCmd::ItCheck { subject: k, date, method, result } => {
            let i = jiaowu_app::store::ItCheckInput {
                subject_id: subject(&core, k)?,
                check_date: *date,
                method: parse_enum("method", "it_check_method", method)?,
                result: parse_enum("result", "it_check_result", result)?,
                anomalies: None,
                device_id: None,
            };
            serde_json::to_value(core.record_it_check(i)?)
        }
        RecordCmd::Json { kind, input } => {
            let k = RecordKind::parse(kind).ok_or_else(|| AppError::invalid("kind", "cli.kind", t::bad_kind(kind)))?;
            Ok(core.record_json(k, read_json(input)?)?)
        }
    }
    .map_err(AppError::internal)?;
    out(cli, &v, print::saved);
    Ok(())
}

fn leave_form(core: &Core, a: &LeaveFormArgs) -> R<LeaveForm> {
    Ok(LeaveForm {
        subject_id: subject(core, &a.subject)?,
        start_date: a.start,
        end_date: a.end,
        applied_on: a.applied_on,
        destination_code: a.dest_code.clone(),
        destination_detail: a.dest.clone(),
        abroad: a.abroad,
        destination_contact: None,
        reason_kind: parse_enum("reason_kind", "leave_reason", &a.reason_kind)?,
        reason_text: a.reason.clone(),
        transport: None,
        urgent: a.urgent,
    })
}

fn decision(approve: bool, reject: bool) -> R<bool> {
    match (approve, reject) {
        (true, false) => Ok(true),
        (false, true) => Ok(false),
        _ => Err(AppError::invalid("approve", "cli.approve_or_reject", t::approve_or_reject())),
    }
}

fn leave(cli: &Cli, args: &LeaveArgs) -> R<()> {
    let mut core = login(cli)?;
    let on = args.on;
    let step = |leave: &str, step: LeaveStep| -> R<LeaveStepInput> {
        Ok(LeaveStepInput { leave_id: leave_id(leave)?, step, on })
    };
    let input = match &args.cmd {
        LeaveCmd::Assess(a) => {
            let v = core.assess_leave(leave_form(&core, a)?)?;
            out(cli, &v, print::leave_assessment);
            return Ok(());
        }
        LeaveCmd::Submit(a) => {
            let form = leave_form(&core, a)?;
            let v = core.submit_leave_request(form)?;
            out(cli, &v, print::leave);
            return Ok(());
        }
        LeaveCmd::List { subject: s, overdue } => {
            let sid = match s {
                Some(k) => Some(subject(&core, k)?),
                None => None,
            };
            let mut v = core.list_leaves(sid)?;
            if *overdue {
                v.retain(|l| l.days_overdue.is_some());
            }
            out(cli, &v, |v| print::leave_list(v));
            return Ok(());
        }
        LeaveCmd::Show { leave } => {
            let v = core.leave_view(leave_id(leave)?)?;
            out(cli, &v, print::leave);
            return Ok(());
        }
        LeaveCmd::Approve { leave, reason } => {
            step(leave, LeaveStep::OfficeDecide { approve: true, reason: reason.clone() })?
        }
        LeaveCmd::Reject { leave, reason } => {
            step(leave, LeaveStep::OfficeDecide { approve: false, reason: reason.clone() })?
        }
        LeaveCmd::Opinion { leave, text } => step(leave, LeaveStep::OfficeOpinion { text: text.clone() })?,
        LeaveCmd::County { leave, approve, reject, doc_no, reason } => step(
            leave,
            LeaveStep::CountyDecide {
                approve: decision(*approve, *reject)?,
                reason: reason.clone(),
                doc_no: doc_no.clone(),
            },
        )?,
        LeaveCmd::Escalate { leave, doc_no } => step(leave, LeaveStep::EscalateToHigher { doc_no: doc_no.clone() })?,
        LeaveCmd::Higher { leave, approve, reject, doc_no, reason } => step(
            leave,
            LeaveStep::HigherDecide {
                approve: decision(*approve, *reject)?,
                reason: reason.clone(),
                doc_no: doc_no.clone(),
            },
        )?,
        LeaveCmd::Certificate { leave } => step(leave, LeaveStep::IssueCertificate)?,
        LeaveCmd::Depart { leave, date } => step(leave, LeaveStep::Depart { date: *date })?,
        LeaveCmd::Extend { leave, new_end, reason } => {
            step(leave, LeaveStep::RequestExtension { new_end: *new_end, reason: reason.clone() })?
        }
        LeaveCmd::Extension { leave, approve, reject, by, doc_no } => step(
            leave,
            LeaveStep::DecideExtension {
                approve: decision(*approve, *reject)?,
                by: parse_enum("by", "authority", by)?,
                doc_no: doc_no.clone(),
            },
        )?,
        LeaveCmd::Return { leave, date, method, summary } => step(
            leave,
            LeaveStep::Return {
                date: *date,
                method: parse_enum("method", "report_method", method)?,
                summary: summary.clone(),
            },
        )?,
        LeaveCmd::Recall { leave, date, reason } => {
            step(leave, LeaveStep::Recall { date: *date, reason: reason.clone() })?
        }
        LeaveCmd::Cancel { leave, reason } => step(leave, LeaveStep::Cancel { reason: reason.clone() })?,
    };
    let v = core.record_leave_step(input)?;
    out(cli, &v, print::leave);
    Ok(())
}
