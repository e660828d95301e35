//! Human output in Chinese. Labels come from `jiaowu_app::zh::cli`; this file only lays them out.

use std::path::Path;

use jiaowu_app::advice::AdviceView;
use jiaowu_app::leave::{LeaveAssessmentView, LeaveView};
use jiaowu_app::maintenance::{BackupView, VerifyView};
use jiaowu_app::obligations::MonthObligations;
use jiaowu_app::sessions::{ServiceActivityView, StudySessionView};
use jiaowu_app::statistics::StatisticsView;
use jiaowu_app::subjects::{SubjectDetail, SubjectSummary};
use jiaowu_app::zh::{self, cli as t};
use jiaowu_app::{CheckIdView, InitOfficeView, SessionView, StaffView};

pub fn init(v: &InitOfficeView, path: &Path) {
    say!("{}：{}（{}）", t::INIT_DONE, v.office.name, v.office.county_name);
    say!("{}：{}", t::DB_FILE, path.display());
    say!("{}：{}", t::ACCOUNT, v.username);
    say!();
    say!("{}", t::RECOVERY_TITLE);
    say!("    {}", v.recovery_key);
    say!();
    say!("{}", t::KEY_FILE_NOTE);
}

pub fn demo(v: &jiaowu_app::demo::DemoSummary) {
    let list = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join("，")
    };
    say!("{}（{} 至 {}，种子 {}）", t::DEMO_DONE, v.from, v.today, v.seed);
    say!("  {}：{}（{}）", t::DEMO_SUBJECTS, v.subjects, list(&v.by_type));
    say!("  {}：{}", t::CLASS, list(&v.by_class));
    say!("  {}：{}", t::STATUS, list(&v.by_status));
    say!("  {}", t::demo_people(v.women, v.minors, v.medical_parole));
    say!("  {}：{}", t::DEMO_RECORDS, v.records_total);
    say!("  {}：{}；{}", t::DEMO_LEAVES, list(&v.leaves), t::demo_overdue(v.overdue_leaves));
}

pub fn whoami(v: &SessionView) {
    say!("{}：{}（{}）", t::ACCOUNT, v.username, v.role_label);
    say!("{}：{}（{}）", t::OFFICE, v.office.name, v.office.county_name);
}

pub fn staff(v: &StaffView) {
    say!("{}：{} {}（{}）", t::SAVED, v.username, v.display_name, zh::role(v.role));
}

pub fn done() {
    say!("{}", t::OK);
}

pub fn saved<T: serde::Serialize>(v: &T) {
    let v = serde_json::to_value(v).unwrap_or_default();
    let id = v.get("id").and_then(|i| i.as_str()).unwrap_or("");
    say!("{}，{}：{id}", t::SAVED, t::NUMBER);
}

pub fn subject_list(v: &[SubjectSummary]) {
    say!(
        "{:<8}\t{:<4}\t{:<20}\t{:<8}\t{:<4}\t{:<6}\t{}",
        t::NAME,
        t::SEX,
        t::ID_NUMBER,
        t::TYPE,
        t::CLASS,
        t::STATUS,
        t::TERM
    );
    for s in v {
        say!(
            "{:<8}\t{:<4}\t{:<20}\t{:<8}\t{:<4}\t{:<6}\t{} 至 {}",
            s.name,
            s.sex,
            s.id_number_masked,
            s.sentence_type_label,
            s.class_label,
            s.status_label,
            s.term_start,
            s.term_end
        );
    }
    say!("{}{}{}", t::TOTAL, v.len(), t::PEOPLE);
}

pub fn subject_detail(v: &SubjectDetail) {
    let s = &v.subject;
    let m = &v.summary;
    say!("{}：{}（{}）  {}：{}", t::NAME, s.name, m.sex, t::ID_NUMBER, s.id_number);
    say!(
        "{}：{}  {}：{}  {}：{}  {}：{}",
        t::TYPE,
        m.sentence_type_label,
        t::CLASS,
        m.class_label,
        t::STATUS,
        m.status_label,
        t::PHASE,
        m.phase_label
    );
    say!("{}：{} 至 {}（{}：{}）", t::TERM, s.term_start, s.term_end, t::REMAINING, m.days_remaining);
    say!("{}：{}", t::NUMBER, s.id);
}

pub fn obligations(v: &MonthObligations, show: crate::args::Show) {
    use crate::args::Show;
    use jiaowu_app::domain::obligations::ObligationStatus as S;
    let keep = |st: S| match show {
        Show::All => true,
        Show::Overdue => matches!(st, S::Overdue | S::Shortfall),
        Show::Open => matches!(st, S::Overdue | S::Shortfall | S::Due),
    };
    say!("{}年{}月{}（{} {}）", v.year, v.month, t::MONTH_DUTIES, t::DUE_BY, v.today);
    say!(
        "{}：{}  {}：{}  {}：{}  {}：{}",
        t::OVERDUE,
        v.overdue,
        t::SHORTFALL,
        v.shortfall,
        t::DUE,
        v.due,
        t::DONE,
        v.done
    );
    for s in &v.subjects {
        let items: Vec<_> = s.obligations.iter().filter(|o| keep(o.status)).collect();
        if items.is_empty() {
            continue;
        }
        say!();
        say!("{}（{}，{}，{}）", s.name, s.id_number_masked, s.sentence_type_label, s.class_label);
        for o in items {
            say!(
                "  [{}] {}  {} {}  {} {}/{}{}",
                o.status_label,
                o.label,
                t::DUE_BY,
                o.due,
                t::DONE_OF,
                o.done_display,
                o.required_display,
                o.unit_label
            );
            say!("      {}：{}", t::BASIS, o.basis);
        }
    }
}

pub fn leave_assessment(v: &LeaveAssessmentView) {
    say!("{}：{}  {}：{}", t::DAYS, v.days, t::APPROVER, v.authority_label);
    say!("{}", v.approver);
    for n in &v.notices {
        say!("{}：{}", t::NOTICES, n.message);
    }
}

pub fn leave(v: &LeaveView) {
    let l = &v.leave;
    say!("{}：{}", t::NUMBER, l.id);
    say!("{}：{}  {}：{} 至 {}（{}天）", t::NAME, v.subject_name, t::PERIOD, l.start_date, l.end_date, l.days);
    say!("{}：{} {}", t::DESTINATION, l.destination_code, l.destination_detail);
    say!("{}：{}  {}：{}", t::STATE, v.state_label, t::APPROVER, zh::authority(v.decided_by));
    if let Some(d) = v.days_overdue {
        say!("{}：{}  {}：{}", t::DUE_BACK, v.due_back, t::OVERDUE_DAYS, d);
    }
    say!("{}：", t::EVENTS);
    for e in &v.events {
        say!(
            "  {} {}（{}）{}",
            e.event_date,
            zh::leave_event(e.kind),
            zh::authority(e.actor_level),
            e.note.clone().unwrap_or_default()
        );
    }
}

pub fn leave_list(v: &[LeaveView]) {
    for l in v {
        let overdue = l.days_overdue.map(|d| format!("  {}{}", t::OVERDUE_DAYS, d)).unwrap_or_default();
        say!(
            "{}  {}  {} 至 {}（{}天）  {}{}",
            l.leave.id,
            l.subject_name,
            l.leave.start_date,
            l.leave.end_date,
            l.leave.days,
            l.state_label,
            overdue
        );
    }
    say!("{}{}{}", t::TOTAL, v.len(), t::ITEMS);
}

pub fn stats(v: &StatisticsView) {
    let l = &v.ledger;
    say!("{} {}（{} 至 {}）", v.office, t::STATS_TITLE, l.from, l.to);
    for sec in &v.sections {
        say!("\n{}", sec.title);
        for r in &sec.rows {
            say!("  {}：{}", r.label, r.value);
        }
    }
    say!();
    if v.identities_ok {
        say!("{}", t::IDENTITIES_OK);
    } else {
        say!("{}{}", t::IDENTITIES_BAD, v.identity_messages.join("；"));
    }
}

pub fn advice(v: &AdviceView) {
    say!("{}：{}  {}：{}", t::NAME, v.name, t::ADVICE, v.suggestion_label);
    say!("{}：{}", t::DECIDED_BY, v.decided_by_label);
    for r in &v.reasons {
        say!("  {}：{}", t::REASONS, r);
    }
    say!("{}", t::ADVISORY);
}

pub fn study(v: &StudySessionView) {
    say!("{}：{} {}（{}{}）", t::STUDY_DONE, v.session.session_date, v.session.topic, v.attendance.len(), t::PEOPLE);
}

pub fn service(v: &ServiceActivityView) {
    say!(
        "{}：{} {}（{}{}）",
        t::SERVICE_DONE,
        v.activity.activity_date,
        v.activity.content,
        v.participants.len(),
        t::PEOPLE
    );
}

pub fn backup(v: &BackupView) {
    say!("{} {}（{} {}）", t::BACKUP_DONE, v.path.display(), v.bytes, t::BYTES);
    say!("{}：{}", t::AUDIT_HEAD, v.audit_head);
}

pub fn restored(target: &Path, aside: &Path) {
    say!("{}：{}", t::RESTORED, aside.display());
    say!("{}：{}", t::DB_FILE, target.display());
}

pub fn verify(v: &VerifyView) {
    if v.ok {
        say!("{}", t::VERIFY_OK);
    } else {
        say!("{}", t::VERIFY_BAD);
        for p in &v.problems {
            say!("  {p}");
        }
    }
    say!("{}：{}  {}：{}", t::AUDIT_ENTRIES, v.audit_entries, t::AUDIT_HEAD, v.audit_head);
}

pub fn check_id(v: &CheckIdView) {
    say!("{}：{}", t::VALID_ID, v.number);
    say!("{}：{}  {}：{}  {}：{}", t::BIRTH, v.birth_date, t::SEX, v.sex_label, t::ADDRESS_CODE, v.address_code);
    if let Some(f) = &v.converted_from {
        say!("{}：{f}", t::CONVERTED_FROM);
    }
}

pub fn raw_key(k: &str) {
    say!("{}", t::RAW_KEY_NOTE);
    say!("{k}");
}

pub fn enrolled(v: &jiaowu_sync::wire::EnrolResponse) {
    say!("{}：{}（{}）", t::ENROLLED, v.office.name, v.county.name);
}

pub fn synced(r: &jiaowu_sync::engine::SyncReport) {
    say!("{}", t::SYNC_DONE);
    let line = t::SYNC_LINE
        .replace("{pushed}", &r.pushed.to_string())
        .replace("{acked}", &r.acknowledged.to_string())
        .replace("{conflicts}", &r.conflicts.to_string())
        .replace("{rejected}", &r.rejected.to_string())
        .replace("{pulled}", &r.pulled.to_string())
        .replace("{applied}", &r.applied.applied.to_string())
        .replace("{gated}", &r.applied.gated.to_string())
        .replace("{trips}", &r.round_trips.to_string());
    say!("{line}");
}

pub fn sync_status(s: &jiaowu_app::sync::SyncStatusView) {
    if !s.enrolled {
        say!("{}", t::NOT_ENROLLED);
        return;
    }
    let line = t::SYNC_STATUS
        .replace("{county}", s.county_name.as_deref().unwrap_or(""))
        .replace("{last}", s.last_sync.as_deref().unwrap_or(t::NEVER))
        .replace("{waiting}", &s.waiting.to_string())
        .replace("{attention}", &s.needs_attention.to_string())
        .replace("{conflicts}", &s.open_conflicts.to_string());
    say!("{line}");
    if let Some(w) = &s.clock_warning {
        say!("{w}");
    }
}

pub fn rejected_ops(ops: &Vec<jiaowu_app::sync::RejectedOpView>) {
    if ops.is_empty() {
        return;
    }
    say!("{}", t::NEEDS_ATTENTION);
    for o in ops {
        say!("  #{} {} {}：{}", o.seq, o.entity_label, o.entity_id, o.message);
    }
}

pub fn bundle_written(path: &Path) {
    say!("{}：{}", t::BUNDLE_WRITTEN, path.display());
}

pub fn file_saved(path: &Path, v: Option<&jiaowu_app::printing::Printed>) {
    match v {
        Some(v) => say!("{}", t::printed(&path.display().to_string(), v.pages)),
        None => say!("{}", t::saved(&path.display().to_string())),
    }
    if let Some(v) = v.filter(|v| !v.missing_glyphs.is_empty()) {
        say!("{}", t::missing_glyphs(&v.missing_glyphs.join("")));
    }
}

pub fn gaps(g: &Vec<jiaowu_app::printing::DossierGap>) {
    if g.is_empty() {
        say!("{}", t::NO_GAPS);
    }
    for x in g {
        say!("【{}】{}", x.section, x.message);
    }
}

/// The order the dossier's sections print in, and who set it.
pub fn dossier_order(o: &jiaowu_app::county_settings::DossierOrderView) {
    let sections: Vec<String> = o.sections.iter().enumerate().map(|(i, s)| format!("{}.{}", i + 1, s.label)).collect();
    let by = if o.set_by_county { t::ORDER_BY_COUNTY } else { t::ORDER_DEFAULT };
    say!("{}（{by}）：{}", t::ORDER, sections.join(" "));
}

pub fn certificate(c: &jiaowu_app::printing::CertificateCheck) {
    say!("{}", c.message);
    for (k, v) in [(t::CERT_NAME, &c.subject_name), (t::CERT_PERIOD, &c.period), (t::CERT_DEST, &c.destination)] {
        if let Some(v) = v {
            say!("{k}：{v}");
        }
    }
}
