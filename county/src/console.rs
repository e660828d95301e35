//! County actions (docs/sync-protocol.md §11): staff accounts, offices, intake and assignment of
//! subjects, transfers, decisions on leave, the conflict queue. Every action is audited and
//! reaches the offices through their change feeds.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, NaiveDate, Utc};
use jiaowu_domain::dossier::{check_order, Section, DEFAULT_ORDER};
use jiaowu_domain::ids::{RecordId, SubjectId};
use jiaowu_domain::leave::{Authority, LeaveEventKind};
use jiaowu_store::{LeaveEvent, LeaveEventInput, Subject, WithInput};
use jiaowu_sync::wire::{Change, ConflictRecord, ConflictState, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ServerError;
use crate::model::{ConsoleSession, Office, User};
use crate::pull::send_snapshot;
use crate::push::put_county_record;
use crate::server::Server;
use crate::store::{self, kind, CountyTx, EntityRow, Result};
use crate::zh;

pub const SESSION_HOURS: i64 = 8;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOffice {
    pub name: String,
    pub division_code: String,
    pub leave_delegated: bool,
}

/// 接收社区矫正对象 (社区矫正法 Art 17–21): the county registers the subject from the court's or
/// prison's documents and names the office that will supervise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// The subject as the office's store holds it (schema.sql `subjects`), without `id`,
    /// `office_id`, `version`, `created_at`, `updated_at`, which the server sets.
    pub subject: serde_json::Map<String, Value>,
    pub office_id: Option<Uuid>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveDecision {
    pub approve: bool,
    /// 审批文书文号 or the reason, shown on the office's leave.
    pub note: String,
    pub decided_on: NaiveDate,
}

/// 报请上一级: the county's 文号 for sending the leave up, and the day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveEscalation {
    pub note: String,
    pub escalated_on: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoginAnswer {
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub display_name: String,
}

fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn invalid(field: &str, message: impl Into<String>) -> ServerError {
    ServerError::new(ErrorCode::Invalid, message).field(field)
}

impl Server {
    pub fn add_user(&self, username: &str, display_name: &str, password: &str) -> Result<User> {
        if username.trim().is_empty() || password.is_empty() {
            return Err(invalid("username", zh::required(zh::what::USER_AND_PASSWORD)));
        }
        let salt =
            SaltString::encode_b64(&self.random_bytes::<16>()).map_err(|e| ServerError::internal(e.to_string()))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| ServerError::internal(e.to_string()))?
            .to_string();
        let user = User {
            id: self.new_id(),
            username: username.trim().to_string(),
            display_name: display_name.to_string(),
            password_hash: hash,
            created_at: self.now(),
        };
        self.write(|tx| {
            store::put(tx, kind::USER, &user.username, &user)?;
            tx.audit(&self.now().to_rfc3339(), "system", "add_user", &user.username, &serde_json::json!({}))
        })?;
        Ok(user)
    }

    pub fn login(&self, username: &str, password: &str) -> Result<LoginAnswer> {
        let failed = || ServerError::new(ErrorCode::Forbidden, zh::LOGIN_FAILED);
        let user: User = self.write(|tx| store::get(tx, kind::USER, username.trim()))?.ok_or_else(failed)?;
        let hash = PasswordHash::new(&user.password_hash).map_err(|e| ServerError::internal(e.to_string()))?;
        Argon2::default().verify_password(password.as_bytes(), &hash).map_err(|_| failed())?;
        let token = hex::encode(self.random_bytes::<32>());
        let expires_at = self.now() + Duration::hours(SESSION_HOURS);
        self.write(|tx| {
            store::put(tx, kind::SESSION, &token_id(&token), &ConsoleSession { user_id: user.id, expires_at })?;
            tx.audit(&self.now().to_rfc3339(), &user.username, "login", &user.username, &serde_json::json!({}))
        })?;
        Ok(LoginAnswer { token, expires_at, display_name: user.display_name })
    }

    /// The user behind a bearer token, if the session is alive.
    pub fn console_user(&self, token: &str) -> Result<User> {
        let now = self.now();
        let refused = || ServerError::new(ErrorCode::Forbidden, zh::UNAUTHORISED);
        self.write(|tx| {
            let s: ConsoleSession = store::get(tx, kind::SESSION, &token_id(token))?.ok_or_else(refused)?;
            if s.expires_at < now {
                return Err(refused());
            }
            let users: Vec<User> = store::all(tx, kind::USER)?;
            users.into_iter().find(|u| u.id == s.user_id).ok_or_else(refused)
        })
    }

    pub fn create_office(&self, new: &NewOffice, actor: &str) -> Result<Office> {
        if new.name.trim().is_empty() {
            return Err(invalid("name", zh::required(zh::what::OFFICE_NAME)));
        }
        let office = Office {
            id: self.new_id(),
            name: new.name.trim().to_string(),
            division_code: new.division_code.trim().to_string(),
            leave_delegated: new.leave_delegated,
            dossier_order: None,
            version: 1,
            created_at: self.now(),
        };
        let now = self.now();
        self.write(|tx| {
            store::put(tx, kind::OFFICE, &office.id.to_string(), &office)?;
            publish_settings(tx, &office, now)?;
            tx.audit(&self.now().to_rfc3339(), actor, "create_office", &office.id.to_string(), &serde_json::json!({}))
        })?;
        Ok(office)
    }

    /// Whether the office may itself approve leave of up to 7 days (实施办法 Art 27: the county
    /// may entrust it to the 司法所). Ops refused before the change can be resubmitted.
    pub fn set_leave_delegation(&self, office_id: Uuid, delegated: bool, actor: &str) -> Result<Office> {
        self.change_office(
            office_id,
            actor,
            "set_leave_delegation",
            &serde_json::json!({ "leave_delegated": delegated }),
            |o| {
                o.leave_delegated = delegated;
            },
        )
    }

    /// The order of the sections of the office's work dossiers (domain.md §19; 档案法实施条例
    /// 2024 Art 19: the agency fixes its filing scope). `None` goes back to the default order.
    pub fn set_dossier_order(&self, office_id: Uuid, order: Option<Vec<Section>>, actor: &str) -> Result<Office> {
        if let Some(order) = &order {
            check_order(order).map_err(|p| invalid("order", p.to_string()))?;
        }
        self.change_office(office_id, actor, "set_dossier_order", &serde_json::json!({ "dossier_order": order }), |o| {
            o.dossier_order = order.clone();
        })
    }

    /// Changes an office's settings, audits the change and sends the new settings down the
    /// office's feed, so its PCs follow the county on their next sync.
    fn change_office(
        &self,
        office_id: Uuid,
        actor: &str,
        action: &str,
        detail: &Value,
        mut change: impl FnMut(&mut Office),
    ) -> Result<Office> {
        let now = self.now();
        self.write(|tx| {
            let mut office: Office = store::get(tx, kind::OFFICE, &office_id.to_string())?.ok_or_else(|| {
                ServerError::new(ErrorCode::Invalid, zh::not_found(zh::what::OFFICE, &office_id.to_string()))
            })?;
            change(&mut office);
            office.version += 1;
            store::put(tx, kind::OFFICE, &office_id.to_string(), &office)?;
            publish_settings(tx, &office, now)?;
            tx.audit(&now.to_rfc3339(), actor, action, &office_id.to_string(), detail)?;
            Ok(office)
        })
    }

    pub fn offices(&self) -> Result<Vec<Office>> {
        self.write(|tx| store::all(tx, kind::OFFICE))
    }

    /// Intake: registers a subject and, when an office is named, assigns it there.
    pub fn intake(&self, req: &Intake, actor: &str) -> Result<Subject> {
        let now = self.now();
        let id = self.new_id();
        let mut fields = req.subject.clone();
        for k in ["id", "office_id", "version", "created_at", "updated_at"] {
            fields.remove(k);
        }
        fields.insert("id".into(), Value::String(id.to_string()));
        // The office of record until assignment: the nil id (no office holds it).
        fields.insert("office_id".into(), Value::String(Uuid::nil().to_string()));
        fields.insert("version".into(), serde_json::json!(1));
        fields.insert("created_at".into(), serde_json::json!(now));
        fields.insert("updated_at".into(), serde_json::json!(now));
        fields.entry("name_initials").or_insert(Value::String(String::new()));
        let subject: Subject = serde_json::from_value(Value::Object(fields))
            .map_err(|e| ServerError::new(ErrorCode::Invalid, zh::bad_payload(zh::what::SUBJECT, &e.to_string())))?;
        if subject.id_type == "resident_id"
            && jiaowu_domain::id_number::parse_resident_id(&subject.id_number, now.date_naive()).is_err()
        {
            return Err(invalid("id_number", zh::bad_payload(zh::what::SUBJECT, zh::what::BAD_CHECK_DIGIT)));
        }
        self.write(|tx| {
            if tx.entity_by_alt_key("subjects", &subject.id_number)?.is_some() {
                return Err(invalid("id_number", zh::duplicate_id_number(&subject.id_number)));
            }
            let row = EntityRow {
                entity: "subjects".into(),
                id,
                subject_id: Some(id),
                office_id: None,
                alt_key: Some(subject.id_number.clone()),
                version: 1,
                payload: serde_json::to_value(&subject).map_err(|e| ServerError::internal(e.to_string()))?,
            };
            tx.put_entity(&row)?;
            let authors: serde_json::Map<String, Value> = row
                .payload
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| (k.clone(), Value::String("county".into())))
                .collect();
            tx.put_doc(kind::FIELD_AUTHORS, &id.to_string(), &Value::Object(authors))?;
            tx.audit(&now.to_rfc3339(), actor, "intake", &id.to_string(), &serde_json::json!({}))?;
            Ok(())
        })?;
        match req.office_id {
            Some(office) => self.assign(id, office, actor),
            None => Ok(subject),
        }
    }

    /// Assigns a subject to an office; when another office held it, this is a transfer: the old
    /// office gets `scope_exit` after its last change, the new one `scope_enter` and everything.
    pub fn assign(&self, subject_id: Uuid, office_id: Uuid, actor: &str) -> Result<Subject> {
        let now = self.now();
        self.write(|tx| {
            let office: Office = store::get(tx, kind::OFFICE, &office_id.to_string())?
                .ok_or_else(|| invalid("office_id", zh::office_unknown(&office_id.to_string())))?;
            let mut row = tx
                .entity("subjects", subject_id)?
                .ok_or_else(|| invalid("subject_id", zh::not_found(zh::what::SUBJECT, &subject_id.to_string())))?;
            let old = row.office_id;
            if old == Some(office.id) {
                return decode_subject(&row);
            }
            row.office_id = Some(office.id);
            row.version += 1;
            if let Value::Object(m) = &mut row.payload {
                m.insert("office_id".into(), Value::String(office.id.to_string()));
                m.insert("version".into(), serde_json::json!(row.version));
                m.insert("updated_at".into(), serde_json::json!(now));
            }
            tx.put_entity(&row)?;
            if let Some(old) = old {
                let exit = Change::ScopeExit { subject_id };
                let seq = tx.append_change(old, &exit)?;
                tx.put_doc(kind::TRANSFER_GRACE, &format!("{old}:{subject_id}"), &serde_json::json!(seq))?;
            }
            send_snapshot(tx, office.id, subject_id, now)?;
            let action = if old.is_some() { "transfer" } else { "assign" };
            tx.audit(
                &now.to_rfc3339(),
                actor,
                action,
                &subject_id.to_string(),
                &serde_json::json!({ "from": old, "to": office.id }),
            )?;
            decode_subject(&row)
        })
    }

    /// 县级审批: the county's decision on a leave the office sent up with its opinion: 8–30
    /// days, any leave of an office not entrusted, or a short one the office was entrusted with
    /// until the county withdrew that (实施办法 Art 27).
    pub fn decide_leave(&self, leave_id: Uuid, d: &LeaveDecision, user: &User) -> Result<Value> {
        self.leave_step(leave_id, LeaveEventKind::CountyDecide, Some(d.approve), &d.note, d.decided_on, user)
    }

    /// 报请上一级: a leave of more than 30 days (or past 30 days within two months) is decided a
    /// level above the county, which sends it up with its opinion (实施办法 Art 27; domain.md §8).
    pub fn escalate_leave(&self, leave_id: Uuid, e: &LeaveEscalation, user: &User) -> Result<Value> {
        self.leave_step(leave_id, LeaveEventKind::EscalateToHigher, None, &e.note, e.escalated_on, user)
    }

    /// 登记上一级决定: the county records the decision the level above sent back; the office
    /// receives it by sync.
    pub fn record_higher_decision(&self, leave_id: Uuid, d: &LeaveDecision, user: &User) -> Result<Value> {
        self.leave_step(leave_id, LeaveEventKind::HigherDecide, Some(d.approve), &d.note, d.decided_on, user)
    }

    /// One county step on a leave, in the state that step needs: a decision of the county on a
    /// leave waiting for it, the sending up of a leave decided above, or the decision from above
    /// on one sent up.
    fn leave_step(
        &self,
        leave_id: Uuid,
        kind: LeaveEventKind,
        approve: Option<bool>,
        note: &str,
        on: NaiveDate,
        user: &User,
    ) -> Result<Value> {
        if note.trim().is_empty() {
            return Err(invalid("note", zh::required(zh::what::DOC_NO_OR_REASON)));
        }
        let (needs_state, needs_authority, level, action) = match kind {
            // A leave entrusted to the office reaches the county only when the office could no
            // longer decide it (delegation withdrawn since): then the county decides it.
            LeaveEventKind::CountyDecide => {
                ("awaiting_county", &["county", "office"][..], Authority::County, "decide_leave")
            }
            LeaveEventKind::EscalateToHigher => {
                ("awaiting_county", &["higher"][..], Authority::County, "escalate_leave")
            }
            _ => ("awaiting_higher", &["higher"][..], Authority::Higher, "record_higher_decision"),
        };
        let now = self.now();
        let event_id = self.new_id();
        self.write(|tx| {
            let leave = tx
                .entity("leave_requests", leave_id)?
                .ok_or_else(|| invalid("leave_id", zh::not_found(zh::what::LEAVE, &leave_id.to_string())))?;
            let subject = leave.subject_id.ok_or_else(|| ServerError::internal("leave without subject"))?;
            let state = leave_state(tx, subject, leave_id)?;
            let authority = leave.payload.get("authority").and_then(Value::as_str).unwrap_or("");
            if state != needs_state {
                return Err(invalid(
                    "leave_id",
                    zh::leave_not_in(zh::leave_state(state), zh::leave_state(needs_state)),
                ));
            }
            if !needs_authority.contains(&authority) {
                return Err(invalid("leave_id", zh::leave_decided_by(zh::authority(authority))));
            }
            let input = LeaveEventInput {
                subject_id: SubjectId(subject),
                leave_id: RecordId(leave_id),
                kind,
                actor_level: level,
                event_date: on,
                approve,
                new_end: None,
                method: None,
                note: Some(note.trim().to_string()),
            };
            let make = |recorded| LeaveEvent::from_input(RecordId(event_id), input, recorded);
            let row = put_county_record(tx, "leave_events", event_id, subject, make, &user.id.to_string(), now)?;
            tx.audit(
                &now.to_rfc3339(),
                &user.username,
                action,
                &leave_id.to_string(),
                &serde_json::json!({ "approve": approve, "note": note }),
            )?;
            Ok(row.payload.clone())
        })
    }

    /// Leave requests waiting for the county, or sent up and waiting for the level above's
    /// decision to be recorded (`state`), oldest first.
    pub fn pending_leaves(&self) -> Result<Vec<Value>> {
        self.write(|tx| {
            let mut out = Vec::new();
            for office in store::all::<Office>(tx, kind::OFFICE)? {
                for s in tx.subjects_of_office(office.id)? {
                    for row in tx.entities_of_subject(s.id)? {
                        if row.entity != "leave_requests" {
                            continue;
                        }
                        let state = leave_state(tx, s.id, row.id)?;
                        if matches!(state, "awaiting_county" | "awaiting_higher") {
                            out.push(
                                serde_json::json!({ "office": office.name, "state": state, "leave": row.payload }),
                            );
                        }
                    }
                }
            }
            Ok(out)
        })
    }

    pub fn conflicts(&self) -> Result<Vec<ConflictRecord>> {
        let rows: Vec<(Uuid, ConflictRecord)> = self.write(|tx| store::all(tx, kind::CONFLICT))?;
        Ok(rows.into_iter().map(|(_, c)| c).collect())
    }

    /// Marks a conflict resolved with a note; the office sees the resolution.
    pub fn resolve_conflict(&self, id: Uuid, r: &Resolve, user: &User) -> Result<ConflictRecord> {
        let now = self.now();
        self.write(|tx| {
            let (office, mut c): (Uuid, ConflictRecord) = store::get(tx, kind::CONFLICT, &id.to_string())?
                .ok_or_else(|| invalid("conflict_id", zh::not_found(zh::what::CONFLICT, &id.to_string())))?;
            c.state = ConflictState::Resolved;
            c.resolved_by = Some(user.display_name.clone());
            c.resolution_note = Some(r.note.clone());
            store::put(tx, kind::CONFLICT, &id.to_string(), &(office, &c))?;
            let change = Change::Conflict { conflict: c.clone() };
            tx.append_change(office, &change)?;
            tx.audit(&now.to_rfc3339(), &user.username, "resolve_conflict", &id.to_string(), &serde_json::json!({}))?;
            Ok(c)
        })
    }
}

/// The sections an order names (`null`: none, the default order), each name checked with a
/// message that lists the names there are.
pub fn section_names(order: &Value) -> Result<Option<Vec<Section>>> {
    let bad = || invalid("order", zh::section_names(&DEFAULT_ORDER));
    match order {
        Value::Null => Ok(None),
        Value::Array(names) => names
            .iter()
            .map(|n| serde_json::from_value::<Section>(n.clone()).map_err(|_| bad()))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        _ => Err(bad()),
    }
}

/// The office's settings as an `offices` entry of its feed (protocol §6): what its PCs must
/// know of the county's choices for it.
pub(crate) fn publish_settings(tx: &mut dyn CountyTx, office: &Office, now: chrono::DateTime<Utc>) -> Result<()> {
    let payload = serde_json::json!({
        "name": office.name,
        "division_code": office.division_code,
        "leave_delegated": office.leave_delegated,
        "dossier_order": office.dossier_order,
    });
    let Value::Object(payload) = payload else { unreachable!("a json object") };
    let change = Change::Upsert {
        entity: "offices".into(),
        entity_id: office.id,
        version: office.version,
        payload,
        origin_op_id: None,
        recorded_at: now,
    };
    tx.append_change(office.id, &change).map(drop)
}

fn decode_subject(row: &EntityRow) -> Result<Subject> {
    serde_json::from_value(row.payload.clone()).map_err(|e| ServerError::internal(e.to_string()))
}

/// Where a leave stands for the county: the last deciding event wins (domain.md §8.2).
fn leave_state(tx: &mut dyn CountyTx, subject: Uuid, leave: Uuid) -> Result<&'static str> {
    let leave_s = leave.to_string();
    let mut state = "submitted";
    for e in tx.entities_of_subject(subject)? {
        if e.entity != "leave_events" || e.payload.get("leave_id").and_then(Value::as_str) != Some(&leave_s) {
            continue;
        }
        state = match e.payload.get("kind").and_then(Value::as_str).unwrap_or("") {
            "office_opinion" if state == "submitted" => "awaiting_county",
            "escalate_to_higher" => "awaiting_higher",
            "county_decide" | "higher_decide" | "office_decide" => "decided",
            "cancel" => "cancelled",
            _ => state,
        };
    }
    Ok(state)
}
