-- 矫务通 office case store: the current schema of a township office (司法所) database.
--
-- This file is the truth for a new database (design.md §2). Conventions:
--   * ids are UUIDv7 text made on the device; calendar dates are ISO 'YYYY-MM-DD' text;
--     instants are RFC 3339 UTC text; durations are whole minutes.
--   * Legal records (visits, reports, talks, checks, attendance, leave events, sanctions …) are
--     append-only: triggers refuse UPDATE and DELETE. A correction is a new row whose
--     `supersedes` names the old row, with `correction_reason` and `recorded_by`; both stay
--     (design.md §2, domain.md §25). "Current" rows are those no other row supersedes.
--   * Every write also appends a hash-chained `audit_log` entry and an `outbox` op in the same
--     transaction (crates/store/src/write.rs).
--   * Statutory sources of fields are in domain.md (§3.2 master data, §7.2 visits, §8 leave,
--     §12 sanctions, §16 education, §19 dossier, §28 field practice).
-- The last statement sets PRAGMA user_version; a database newer than the app is refused.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- 司法所 (one per database) and its county (县级社区矫正机构).
CREATE TABLE office (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    county_name     TEXT NOT NULL,
    division_code   TEXT NOT NULL,            -- GB/T 2260 code of the township/county
    leave_delegated INTEGER NOT NULL CHECK (leave_delegated IN (0, 1)), -- 实施办法 Art 27 委托
    rule_family     TEXT NOT NULL,            -- rule pack preset family chosen by the county
    created_at      TEXT NOT NULL
) STRICT;

-- Staff accounts. Passwords and key slots live in the key file beside the database (they must
-- be readable before the database can be decrypted); this table names staff for records and audit.
CREATE TABLE staff (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('head', 'staff')),  -- 负责人 / 工作人员
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL
) STRICT;

-- 社区矫正对象: master data (domain.md §3.2). Mutable with a version (sync patches fields against
-- a base version); every change is audited with old and new values.
CREATE TABLE subjects (
    id                 TEXT PRIMARY KEY,
    office_id          TEXT NOT NULL REFERENCES office(id),
    external_no        TEXT,                  -- 社区矫正对象编号 issued by the platform
    name               TEXT NOT NULL,
    former_name        TEXT,
    name_initials      TEXT NOT NULL DEFAULT '', -- pinyin initials for search
    sex                TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    ethnicity          TEXT,
    birth_date         TEXT NOT NULL,
    id_type            TEXT NOT NULL DEFAULT 'resident_id',
    id_number          TEXT NOT NULL,
    phone              TEXT,
    residence_code     TEXT NOT NULL,         -- 执行地/居住地 division code (leave boundary, Art 26)
    residence_detail   TEXT NOT NULL,
    household_code     TEXT,
    household_detail   TEXT,
    employer           TEXT,
    education          TEXT,
    crime              TEXT NOT NULL,         -- 罪名
    original_sentence  TEXT NOT NULL,         -- 原判刑罚
    sentence_type      TEXT NOT NULL CHECK (sentence_type IN ('control', 'probation', 'parole', 'temporary_outside')),
    term_start         TEXT NOT NULL,
    term_end           TEXT NOT NULL CHECK (term_end > term_start),
    judgment_effective TEXT,                  -- 判决/裁定生效日 (report-in deadline, Art 21)
    deciding_organ     TEXT,
    decision_doc_no    TEXT,
    injunction         TEXT,                  -- 禁止令 content, if any
    reported_on        TEXT,                  -- 报到 date
    class              TEXT NOT NULL CHECK (class IN ('strict', 'ordinary', 'lenient')),
    status             TEXT NOT NULL CHECK (status IN ('pending_intake', 'in_correction', 'on_leave',
                            'lost_contact', 'detained', 'transfer_out_pending', 'transferred_out',
                            'released', 'terminated')),
    is_minor_case      INTEGER NOT NULL DEFAULT 0 CHECK (is_minor_case IN (0, 1)), -- fixed at intake (Art 58)
    medical_parole     INTEGER NOT NULL DEFAULT 0 CHECK (medical_parole IN (0, 1)), -- 保外就医
    able_to_work       INTEGER NOT NULL DEFAULT 1 CHECK (able_to_work IN (0, 1)),
    guardian_name      TEXT,
    guardian_phone     TEXT,
    notes              TEXT,
    received_source    TEXT NOT NULL DEFAULT 'court' CHECK (received_source IN ('court', 'prison', 'detention_centre', 'transfer_in')),
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX subjects_id_number ON subjects(id_type, id_number);
CREATE INDEX subjects_name ON subjects(name);
CREATE INDEX subjects_initials ON subjects(name_initials);

-- Case events that change the subject's state (domain.md §4, §15): 报到, 入矫宣告, 羁押 (社区矫正法 Art 32),
-- 迁入/迁出, 解除 (Art 44), 终止 (Art 45).
CREATE TABLE subject_events (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL CHECK (kind IN ('reported', 'entry_announced', 'detained', 'detention_ended', 'transferred_in', 'transferred_out', 'released_expiry', 'released_amnesty', 'revoked_probation', 'revoked_parole', 'returned_to_prison', 'died')),
    event_date TEXT NOT NULL,
    doc_no TEXT,
    organ TEXT,
    detail TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES subject_events(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX subject_events_subject ON subject_events(subject_id);
CREATE INDEX subject_events_supersedes ON subject_events(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER subject_events_append_only_u BEFORE UPDATE ON subject_events
BEGIN SELECT RAISE(ABORT, 'append-only: subject_events'); END;
CREATE TRIGGER subject_events_append_only_d BEFORE DELETE ON subject_events
BEGIN SELECT RAISE(ABORT, 'append-only: subject_events'); END;
CREATE TRIGGER subject_events_supersede_once BEFORE INSERT ON subject_events WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: subject_events')
      WHERE EXISTS (SELECT 1 FROM subject_events WHERE supersedes = NEW.supersedes); END;

-- 矫正小组 members (社区矫正法 Art 25; a female subject needs a female member).
CREATE TABLE team_members (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    member_name TEXT NOT NULL,
    relation TEXT NOT NULL,
    unit TEXT,
    phone TEXT,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    is_leader INTEGER NOT NULL DEFAULT 0 CHECK (is_leader IN (0, 1)),
    joined_on TEXT NOT NULL,
    left_on TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES team_members(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX team_members_subject ON team_members(subject_id);
CREATE INDEX team_members_supersedes ON team_members(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER team_members_append_only_u BEFORE UPDATE ON team_members
BEGIN SELECT RAISE(ABORT, 'append-only: team_members'); END;
CREATE TRIGGER team_members_append_only_d BEFORE DELETE ON team_members
BEGIN SELECT RAISE(ABORT, 'append-only: team_members'); END;
CREATE TRIGGER team_members_supersede_once BEFORE INSERT ON team_members WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: team_members')
      WHERE EXISTS (SELECT 1 FROM team_members WHERE supersedes = NEW.supersedes); END;

-- 矫正方案 versions (社区矫正法 Art 24; 实施办法 Art 22): each adjustment is a new version.
CREATE TABLE correction_plans (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    plan_version INTEGER NOT NULL CHECK (plan_version >= 1),
    effective_from TEXT NOT NULL,
    basic_info TEXT NOT NULL,
    assessment TEXT NOT NULL,
    psychology TEXT NOT NULL,
    measures TEXT NOT NULL,
    extra_duties TEXT,
    adjustment_reason TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES correction_plans(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX correction_plans_subject ON correction_plans(subject_id);
CREATE INDEX correction_plans_supersedes ON correction_plans(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER correction_plans_append_only_u BEFORE UPDATE ON correction_plans
BEGIN SELECT RAISE(ABORT, 'append-only: correction_plans'); END;
CREATE TRIGGER correction_plans_append_only_d BEFORE DELETE ON correction_plans
BEGIN SELECT RAISE(ABORT, 'append-only: correction_plans'); END;
CREATE TRIGGER correction_plans_supersede_once BEFORE INSERT ON correction_plans WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: correction_plans')
      WHERE EXISTS (SELECT 1 FROM correction_plans WHERE supersedes = NEW.supersedes); END;

-- 报告 by the subject (实施办法 Art 24; domain.md §6).
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    report_date TEXT NOT NULL,
    report_time TEXT,
    method TEXT NOT NULL CHECK (method IN ('phone', 'in_person', 'written', 'video')),
    received_by TEXT NOT NULL,
    content TEXT NOT NULL,
    anomalies TEXT,
    follow_up TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES reports(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX reports_subject ON reports(subject_id);
CREATE INDEX reports_supersedes ON reports(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER reports_append_only_u BEFORE UPDATE ON reports
BEGIN SELECT RAISE(ABORT, 'append-only: reports'); END;
CREATE TRIGGER reports_append_only_d BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'append-only: reports'); END;
CREATE TRIGGER reports_supersede_once BEFORE INSERT ON reports WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: reports')
      WHERE EXISTS (SELECT 1 FROM reports WHERE supersedes = NEW.supersedes); END;

-- 走访/实地查访 (社区矫正法 Art 26; domain.md §7.2).
CREATE TABLE visits (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    visit_date TEXT NOT NULL,
    start_time TEXT,
    end_time TEXT,
    place_type TEXT NOT NULL CHECK (place_type IN ('home', 'workplace', 'school', 'village_committee', 'other')),
    address TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('in_person', 'phone', 'video')),
    visitors TEXT NOT NULL,
    interviewees TEXT NOT NULL,
    subject_present INTEGER NOT NULL CHECK (subject_present IN (0, 1)),
    findings TEXT NOT NULL,
    problems TEXT,
    follow_up TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES visits(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX visits_subject ON visits(subject_id);
CREATE INDEX visits_supersedes ON visits(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER visits_append_only_u BEFORE UPDATE ON visits
BEGIN SELECT RAISE(ABORT, 'append-only: visits'); END;
CREATE TRIGGER visits_append_only_d BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'append-only: visits'); END;
CREATE TRIGGER visits_supersede_once BEFORE INSERT ON visits WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: visits')
      WHERE EXISTS (SELECT 1 FROM visits WHERE supersedes = NEW.supersedes); END;

-- 信息化核查 (实施办法 Art 23; domain.md §7.3): how each check was verified and on which device.
CREATE TABLE it_checks (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    check_date TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('app_checkin', 'phone_location', 'video_call', 'face_recognition', 'other')),
    result TEXT NOT NULL CHECK (result IN ('normal', 'anomaly', 'unreachable')),
    anomalies TEXT,
    device_id TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES it_checks(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX it_checks_subject ON it_checks(subject_id);
CREATE INDEX it_checks_supersedes ON it_checks(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER it_checks_append_only_u BEFORE UPDATE ON it_checks
BEGIN SELECT RAISE(ABORT, 'append-only: it_checks'); END;
CREATE TRIGGER it_checks_append_only_d BEFORE DELETE ON it_checks
BEGIN SELECT RAISE(ABORT, 'append-only: it_checks'); END;
CREATE TRIGGER it_checks_supersede_once BEFORE INSERT ON it_checks WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: it_checks')
      WHERE EXISTS (SELECT 1 FROM it_checks WHERE supersedes = NEW.supersedes); END;

-- 个别谈话/教育 (domain.md §16).
CREATE TABLE talks (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    talk_date TEXT NOT NULL,
    start_time TEXT,
    end_time TEXT,
    place TEXT NOT NULL,
    talk_type TEXT NOT NULL CHECK (talk_type IN ('entry', 'routine', 'violation', 'before_leave', 'on_return', 'pre_release', 'psychological')),
    talkers TEXT NOT NULL,
    note_taker TEXT,
    content TEXT NOT NULL,
    problems TEXT,
    follow_up TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES talks(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX talks_subject ON talks(subject_id);
CREATE INDEX talks_supersedes ON talks(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER talks_append_only_u BEFORE UPDATE ON talks
BEGIN SELECT RAISE(ABORT, 'append-only: talks'); END;
CREATE TRIGGER talks_append_only_d BEFORE DELETE ON talks
BEGIN SELECT RAISE(ABORT, 'append-only: talks'); END;
CREATE TRIGGER talks_supersede_once BEFORE INSERT ON talks WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: talks')
      WHERE EXISTS (SELECT 1 FROM talks WHERE supersedes = NEW.supersedes); END;

-- 暂予监外执行 health reports and 保外就医 re-examinations (实施办法 Art 24; domain.md §11).
CREATE TABLE medical_reports (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    report_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('health_report', 'reexamination')),
    hospital TEXT,
    result TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES medical_reports(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX medical_reports_subject ON medical_reports(subject_id);
CREATE INDEX medical_reports_supersedes ON medical_reports(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER medical_reports_append_only_u BEFORE UPDATE ON medical_reports
BEGIN SELECT RAISE(ABORT, 'append-only: medical_reports'); END;
CREATE TRIGGER medical_reports_append_only_d BEFORE DELETE ON medical_reports
BEGIN SELECT RAISE(ABORT, 'append-only: medical_reports'); END;
CREATE TRIGGER medical_reports_supersede_once BEFORE INSERT ON medical_reports WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: medical_reports')
      WHERE EXISTS (SELECT 1 FROM medical_reports WHERE supersedes = NEW.supersedes); END;

-- 集中教育学习 sessions of the office (社区矫正法 Art 36; domain.md §16).
CREATE TABLE study_sessions (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    session_date TEXT NOT NULL,
    start_time TEXT,
    end_time TEXT,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    place TEXT NOT NULL,
    organiser TEXT NOT NULL,
    speaker TEXT,
    topic TEXT NOT NULL,
    summary TEXT,
    mode TEXT NOT NULL CHECK (mode IN ('in_person', 'online', 'video')),
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES study_sessions(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX study_sessions_supersedes ON study_sessions(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER study_sessions_append_only_u BEFORE UPDATE ON study_sessions
BEGIN SELECT RAISE(ABORT, 'append-only: study_sessions'); END;
CREATE TRIGGER study_sessions_append_only_d BEFORE DELETE ON study_sessions
BEGIN SELECT RAISE(ABORT, 'append-only: study_sessions'); END;
CREATE TRIGGER study_sessions_supersede_once BEFORE INSERT ON study_sessions WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: study_sessions')
      WHERE EXISTS (SELECT 1 FROM study_sessions WHERE supersedes = NEW.supersedes); END;

-- Per-subject attendance and credited time of a study session.
CREATE TABLE study_attendance (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES study_sessions(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    attendance TEXT NOT NULL CHECK (attendance IN ('present', 'absent_leave', 'absent_ill', 'absent_other')),
    credited_minutes INTEGER NOT NULL CHECK (credited_minutes >= 0),
    sign_in TEXT,
    sign_out TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES study_attendance(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX study_attendance_subject ON study_attendance(subject_id);
CREATE INDEX study_attendance_supersedes ON study_attendance(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER study_attendance_append_only_u BEFORE UPDATE ON study_attendance
BEGIN SELECT RAISE(ABORT, 'append-only: study_attendance'); END;
CREATE TRIGGER study_attendance_append_only_d BEFORE DELETE ON study_attendance
BEGIN SELECT RAISE(ABORT, 'append-only: study_attendance'); END;
CREATE TRIGGER study_attendance_supersede_once BEFORE INSERT ON study_attendance WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: study_attendance')
      WHERE EXISTS (SELECT 1 FROM study_attendance WHERE supersedes = NEW.supersedes); END;

-- 公益活动 (社区矫正法 Art 42; 实施办法 Art 44).
CREATE TABLE service_activities (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    activity_date TEXT NOT NULL,
    start_time TEXT,
    end_time TEXT,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    place TEXT NOT NULL,
    content TEXT NOT NULL,
    supervisor TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES service_activities(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX service_activities_supersedes ON service_activities(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER service_activities_append_only_u BEFORE UPDATE ON service_activities
BEGIN SELECT RAISE(ABORT, 'append-only: service_activities'); END;
CREATE TRIGGER service_activities_append_only_d BEFORE DELETE ON service_activities
BEGIN SELECT RAISE(ABORT, 'append-only: service_activities'); END;
CREATE TRIGGER service_activities_supersede_once BEFORE INSERT ON service_activities WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: service_activities')
      WHERE EXISTS (SELECT 1 FROM service_activities WHERE supersedes = NEW.supersedes); END;

-- Per-subject hours of a public-welfare activity, or an exemption with its reason.
CREATE TABLE service_participation (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES service_activities(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    credited_minutes INTEGER NOT NULL CHECK (credited_minutes >= 0),
    performance TEXT,
    exempt_reason TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES service_participation(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX service_participation_subject ON service_participation(subject_id);
CREATE INDEX service_participation_supersedes ON service_participation(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER service_participation_append_only_u BEFORE UPDATE ON service_participation
BEGIN SELECT RAISE(ABORT, 'append-only: service_participation'); END;
CREATE TRIGGER service_participation_append_only_d BEFORE DELETE ON service_participation
BEGIN SELECT RAISE(ABORT, 'append-only: service_participation'); END;
CREATE TRIGGER service_participation_supersede_once BEFORE INSERT ON service_participation WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: service_participation')
      WHERE EXISTS (SELECT 1 FROM service_participation WHERE supersedes = NEW.supersedes); END;

-- 外出申请 (社区矫正法 Art 27; 实施办法 Arts 26–28). The state is the fold of leave_events.
CREATE TABLE leave_requests (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    applied_on TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    days INTEGER NOT NULL CHECK (days > 0),
    destination_code TEXT NOT NULL,
    destination_detail TEXT NOT NULL,
    destination_contact TEXT,
    reason_kind TEXT NOT NULL CHECK (reason_kind IN ('medical', 'study', 'litigation', 'family', 'work', 'other')),
    reason_text TEXT NOT NULL,
    transport TEXT,
    urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    authority TEXT NOT NULL CHECK (authority IN ('office', 'county', 'higher')),
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES leave_requests(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX leave_requests_subject ON leave_requests(subject_id);
CREATE INDEX leave_requests_supersedes ON leave_requests(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER leave_requests_append_only_u BEFORE UPDATE ON leave_requests
BEGIN SELECT RAISE(ABORT, 'append-only: leave_requests'); END;
CREATE TRIGGER leave_requests_append_only_d BEFORE DELETE ON leave_requests
BEGIN SELECT RAISE(ABORT, 'append-only: leave_requests'); END;
CREATE TRIGGER leave_requests_supersede_once BEFORE INSERT ON leave_requests WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: leave_requests')
      WHERE EXISTS (SELECT 1 FROM leave_requests WHERE supersedes = NEW.supersedes); END;

-- The leave lifecycle as append-only events (domain.md §8.2).
CREATE TABLE leave_events (
    id TEXT PRIMARY KEY,
    leave_id TEXT NOT NULL REFERENCES leave_requests(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL CHECK (kind IN ('submit', 'office_decide', 'office_opinion', 'county_decide', 'escalate_to_higher', 'higher_decide', 'issue_certificate', 'depart', 'request_extension', 'decide_extension', 'return', 'recall', 'cancel')),
    actor_level TEXT NOT NULL CHECK (actor_level IN ('office', 'county', 'higher')),
    event_date TEXT NOT NULL,
    approve INTEGER CHECK (approve IN (0, 1)),
    new_end TEXT,
    method TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES leave_events(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX leave_events_subject ON leave_events(subject_id);
CREATE INDEX leave_events_supersedes ON leave_events(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER leave_events_append_only_u BEFORE UPDATE ON leave_events
BEGIN SELECT RAISE(ABORT, 'append-only: leave_events'); END;
CREATE TRIGGER leave_events_append_only_d BEFORE DELETE ON leave_events
BEGIN SELECT RAISE(ABORT, 'append-only: leave_events'); END;
CREATE TRIGGER leave_events_supersede_once BEFORE INSERT ON leave_events WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: leave_events')
      WHERE EXISTS (SELECT 1 FROM leave_events WHERE supersedes = NEW.supersedes); END;

-- Standing travel permits: 经常性跨市县活动 (实施办法 Art 29, 6 months) and business travel for private-
-- entrepreneur subjects (domain.md §28).
CREATE TABLE travel_permits (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL CHECK (kind IN ('frequent_travel', 'business_travel')),
    business_name TEXT,
    destinations TEXT NOT NULL,
    reason TEXT NOT NULL,
    frequency TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL CHECK (valid_to >= valid_from),
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES travel_permits(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX travel_permits_subject ON travel_permits(subject_id);
CREATE INDEX travel_permits_supersedes ON travel_permits(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER travel_permits_append_only_u BEFORE UPDATE ON travel_permits
BEGIN SELECT RAISE(ABORT, 'append-only: travel_permits'); END;
CREATE TRIGGER travel_permits_append_only_d BEFORE DELETE ON travel_permits
BEGIN SELECT RAISE(ABORT, 'append-only: travel_permits'); END;
CREATE TRIGGER travel_permits_supersede_once BEFORE INSERT ON travel_permits WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: travel_permits')
      WHERE EXISTS (SELECT 1 FROM travel_permits WHERE supersedes = NEW.supersedes); END;

-- Each trip reported under a standing permit.
CREATE TABLE travel_trips (
    id TEXT PRIMARY KEY,
    permit_id TEXT NOT NULL REFERENCES travel_permits(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    trip_start TEXT NOT NULL,
    trip_end TEXT NOT NULL CHECK (trip_end >= trip_start),
    destination TEXT NOT NULL,
    reported_via TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES travel_trips(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX travel_trips_subject ON travel_trips(subject_id);
CREATE INDEX travel_trips_supersedes ON travel_trips(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER travel_trips_append_only_u BEFORE UPDATE ON travel_trips
BEGIN SELECT RAISE(ABORT, 'append-only: travel_trips'); END;
CREATE TRIGGER travel_trips_append_only_d BEFORE DELETE ON travel_trips
BEGIN SELECT RAISE(ABORT, 'append-only: travel_trips'); END;
CREATE TRIGGER travel_trips_supersede_once BEFORE INSERT ON travel_trips WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: travel_trips')
      WHERE EXISTS (SELECT 1 FROM travel_trips WHERE supersedes = NEW.supersedes); END;

-- Rewards and sanctions as proposals (实施办法 Arts 33–36, 46–48; 社区矫正法 Arts 28, 46–49, 59). The
-- decision is a row in `decisions`.
CREATE TABLE sanctions (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL CHECK (kind IN ('praise', 'admonition', 'warning', 'police_penalty', 'revoke_probation', 'revoke_parole', 'return_to_prison', 'arrest', 'sentence_reduction')),
    proposed_on TEXT NOT NULL,
    facts TEXT NOT NULL,
    evidence TEXT,
    legal_basis TEXT NOT NULL,
    office_opinion TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES sanctions(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX sanctions_subject ON sanctions(subject_id);
CREATE INDEX sanctions_supersedes ON sanctions(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER sanctions_append_only_u BEFORE UPDATE ON sanctions
BEGIN SELECT RAISE(ABORT, 'append-only: sanctions'); END;
CREATE TRIGGER sanctions_append_only_d BEFORE DELETE ON sanctions
BEGIN SELECT RAISE(ABORT, 'append-only: sanctions'); END;
CREATE TRIGGER sanctions_supersede_once BEFORE INSERT ON sanctions WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: sanctions')
      WHERE EXISTS (SELECT 1 FROM sanctions WHERE supersedes = NEW.supersedes); END;

-- 分类管理 changes (实施办法 Art 21; domain.md §5.2).
CREATE TABLE class_changes (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    old_class TEXT NOT NULL CHECK (old_class IN ('strict', 'ordinary', 'lenient')),
    new_class TEXT NOT NULL CHECK (new_class IN ('strict', 'ordinary', 'lenient')),
    reason TEXT NOT NULL,
    proposed_on TEXT NOT NULL,
    office_opinion TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES class_changes(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX class_changes_subject ON class_changes(subject_id);
CREATE INDEX class_changes_supersedes ON class_changes(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER class_changes_append_only_u BEFORE UPDATE ON class_changes
BEGIN SELECT RAISE(ABORT, 'append-only: class_changes'); END;
CREATE TRIGGER class_changes_append_only_d BEFORE DELETE ON class_changes
BEGIN SELECT RAISE(ABORT, 'append-only: class_changes'); END;
CREATE TRIGGER class_changes_supersede_once BEFORE INSERT ON class_changes WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: class_changes')
      WHERE EXISTS (SELECT 1 FROM class_changes WHERE supersedes = NEW.supersedes); END;

-- 变更执行地 (社区矫正法 Art 27; 实施办法 Arts 30–31).
CREATE TABLE place_changes (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    applied_on TEXT NOT NULL,
    new_residence_code TEXT NOT NULL,
    new_residence_detail TEXT NOT NULL,
    reason TEXT NOT NULL,
    office_opinion TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES place_changes(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX place_changes_subject ON place_changes(subject_id);
CREATE INDEX place_changes_supersedes ON place_changes(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER place_changes_append_only_u BEFORE UPDATE ON place_changes
BEGIN SELECT RAISE(ABORT, 'append-only: place_changes'); END;
CREATE TRIGGER place_changes_append_only_d BEFORE DELETE ON place_changes
BEGIN SELECT RAISE(ABORT, 'append-only: place_changes'); END;
CREATE TRIGGER place_changes_supersede_once BEFORE INSERT ON place_changes WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: place_changes')
      WHERE EXISTS (SELECT 1 FROM place_changes WHERE supersedes = NEW.supersedes); END;

-- Decisions on proposals: by the office within delegation, by the county, the level above, a court
-- or the police. Leave decisions are leave_events instead.
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    target_table TEXT NOT NULL CHECK (target_table IN ('sanctions', 'class_changes', 'place_changes', 'travel_permits')),
    target_id TEXT NOT NULL,
    decided_by TEXT NOT NULL CHECK (decided_by IN ('office', 'county', 'higher', 'court', 'police')),
    approve INTEGER NOT NULL CHECK (approve IN (0, 1)),
    decision_date TEXT NOT NULL,
    doc_no TEXT,
    reason TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES decisions(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX decisions_subject ON decisions(subject_id);
CREATE INDEX decisions_supersedes ON decisions(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER decisions_append_only_u BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'append-only: decisions'); END;
CREATE TRIGGER decisions_append_only_d BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'append-only: decisions'); END;
CREATE TRIGGER decisions_supersede_once BEFORE INSERT ON decisions WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: decisions')
      WHERE EXISTS (SELECT 1 FROM decisions WHERE supersedes = NEW.supersedes); END;

-- 考核 (社区矫正法 Art 28; 实施办法 Art 32), monthly by default.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL CHECK (period_end >= period_start),
    grade TEXT NOT NULL CHECK (grade IN ('good', 'pass', 'fail')),
    score INTEGER,
    items TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES assessments(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX assessments_subject ON assessments(subject_id);
CREATE INDEX assessments_supersedes ON assessments(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER assessments_append_only_u BEFORE UPDATE ON assessments
BEGIN SELECT RAISE(ABORT, 'append-only: assessments'); END;
CREATE TRIGGER assessments_append_only_d BEFORE DELETE ON assessments
BEGIN SELECT RAISE(ABORT, 'append-only: assessments'); END;
CREATE TRIGGER assessments_supersede_once BEFORE INSERT ON assessments WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: assessments')
      WHERE EXISTS (SELECT 1 FROM assessments WHERE supersedes = NEW.supersedes); END;

-- 失联/脱管 episodes (社区矫正法 Art 30; 实施办法 Art 38).
CREATE TABLE lost_contact_episodes (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    started_on TEXT NOT NULL,
    last_contact_on TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES lost_contact_episodes(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX lost_contact_episodes_subject ON lost_contact_episodes(subject_id);
CREATE INDEX lost_contact_episodes_supersedes ON lost_contact_episodes(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER lost_contact_episodes_append_only_u BEFORE UPDATE ON lost_contact_episodes
BEGIN SELECT RAISE(ABORT, 'append-only: lost_contact_episodes'); END;
CREATE TRIGGER lost_contact_episodes_append_only_d BEFORE DELETE ON lost_contact_episodes
BEGIN SELECT RAISE(ABORT, 'append-only: lost_contact_episodes'); END;
CREATE TRIGGER lost_contact_episodes_supersede_once BEFORE INSERT ON lost_contact_episodes WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: lost_contact_episodes')
      WHERE EXISTS (SELECT 1 FROM lost_contact_episodes WHERE supersedes = NEW.supersedes); END;

-- Each search step, notification and the finding, with evidence (domain.md §14).
CREATE TABLE lost_contact_steps (
    id TEXT PRIMARY KEY,
    episode_id TEXT NOT NULL REFERENCES lost_contact_episodes(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL CHECK (kind IN ('search', 'police_notified', 'procuratorate_notified', 'found')),
    step_at TEXT NOT NULL,
    method TEXT,
    result TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES lost_contact_steps(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX lost_contact_steps_subject ON lost_contact_steps(subject_id);
CREATE INDEX lost_contact_steps_supersedes ON lost_contact_steps(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER lost_contact_steps_append_only_u BEFORE UPDATE ON lost_contact_steps
BEGIN SELECT RAISE(ABORT, 'append-only: lost_contact_steps'); END;
CREATE TRIGGER lost_contact_steps_append_only_d BEFORE DELETE ON lost_contact_steps
BEGIN SELECT RAISE(ABORT, 'append-only: lost_contact_steps'); END;
CREATE TRIGGER lost_contact_steps_supersede_once BEFORE INSERT ON lost_contact_steps WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: lost_contact_steps')
      WHERE EXISTS (SELECT 1 FROM lost_contact_steps WHERE supersedes = NEW.supersedes); END;

-- Release preparation and closing (domain.md §15.1): personal summary, appraisal, announcement,
-- handover.
CREATE TABLE release_steps (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL CHECK (kind IN ('personal_summary', 'appraisal', 'announcement', 'handover')),
    done_on TEXT NOT NULL,
    content TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES release_steps(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX release_steps_subject ON release_steps(subject_id);
CREATE INDEX release_steps_supersedes ON release_steps(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER release_steps_append_only_u BEFORE UPDATE ON release_steps
BEGIN SELECT RAISE(ABORT, 'append-only: release_steps'); END;
CREATE TRIGGER release_steps_append_only_d BEFORE DELETE ON release_steps
BEGIN SELECT RAISE(ABORT, 'append-only: release_steps'); END;
CREATE TRIGGER release_steps_supersede_once BEFORE INSERT ON release_steps WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: release_steps')
      WHERE EXISTS (SELECT 1 FROM release_steps WHERE supersedes = NEW.supersedes); END;

-- 账本式 education: the per-subject violation-cost ledger (domain.md §28, 濮阳 2022).
CREATE TABLE violation_ledger (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    entry_date TEXT NOT NULL,
    theme TEXT NOT NULL CHECK (theme IN ('ledger', 'checklist', 'case', 'reminder', 'guidance')),
    violation_kind TEXT NOT NULL CHECK (violation_kind IN ('fighting', 'drunk_driving', 'gambling', 'defying_supervision', 'other')),
    cost_kind TEXT NOT NULL CHECK (cost_kind IN ('freedom', 'income', 'family_parents', 'family_children', 'marriage', 'reputation', 'employment', 'property')),
    content TEXT NOT NULL,
    reflection TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES violation_ledger(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX violation_ledger_subject ON violation_ledger(subject_id);
CREATE INDEX violation_ledger_supersedes ON violation_ledger(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER violation_ledger_append_only_u BEFORE UPDATE ON violation_ledger
BEGIN SELECT RAISE(ABORT, 'append-only: violation_ledger'); END;
CREATE TRIGGER violation_ledger_append_only_d BEFORE DELETE ON violation_ledger
BEGIN SELECT RAISE(ABORT, 'append-only: violation_ledger'); END;
CREATE TRIGGER violation_ledger_supersede_once BEFORE INSERT ON violation_ledger WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: violation_ledger')
      WHERE EXISTS (SELECT 1 FROM violation_ledger WHERE supersedes = NEW.supersedes); END;

-- Psychological counselling and legal help sessions (domain.md §28).
CREATE TABLE counselling_records (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    session_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('psychological', 'legal')),
    counsellor TEXT NOT NULL,
    summary TEXT NOT NULL,
    follow_up TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES counselling_records(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX counselling_records_subject ON counselling_records(subject_id);
CREATE INDEX counselling_records_supersedes ON counselling_records(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER counselling_records_append_only_u BEFORE UPDATE ON counselling_records
BEGIN SELECT RAISE(ABORT, 'append-only: counselling_records'); END;
CREATE TRIGGER counselling_records_append_only_d BEFORE DELETE ON counselling_records
BEGIN SELECT RAISE(ABORT, 'append-only: counselling_records'); END;
CREATE TRIGGER counselling_records_supersede_once BEFORE INSERT ON counselling_records WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: counselling_records')
      WHERE EXISTS (SELECT 1 FROM counselling_records WHERE supersedes = NEW.supersedes); END;

-- 帮扶: employment, 低保, medical, schooling of minor children, skills (社区矫正法 Arts 35–43).
CREATE TABLE help_records (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    help_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('employment', 'subsistence', 'medical', 'schooling', 'skills', 'other')),
    content TEXT NOT NULL,
    outcome TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES help_records(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX help_records_subject ON help_records(subject_id);
CREATE INDEX help_records_supersedes ON help_records(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER help_records_append_only_u BEFORE UPDATE ON help_records
BEGIN SELECT RAISE(ABORT, 'append-only: help_records'); END;
CREATE TRIGGER help_records_append_only_d BEFORE DELETE ON help_records
BEGIN SELECT RAISE(ABORT, 'append-only: help_records'); END;
CREATE TRIGGER help_records_supersede_once BEFORE INSERT ON help_records WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: help_records')
      WHERE EXISTS (SELECT 1 FROM help_records WHERE supersedes = NEW.supersedes); END;

-- 排查整治 campaigns (domain.md §28).
CREATE TABLE screening_campaigns (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES office(id),
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL CHECK (end_date >= start_date),
    scope TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES screening_campaigns(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX screening_campaigns_supersedes ON screening_campaigns(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER screening_campaigns_append_only_u BEFORE UPDATE ON screening_campaigns
BEGIN SELECT RAISE(ABORT, 'append-only: screening_campaigns'); END;
CREATE TRIGGER screening_campaigns_append_only_d BEFORE DELETE ON screening_campaigns
BEGIN SELECT RAISE(ABORT, 'append-only: screening_campaigns'); END;
CREATE TRIGGER screening_campaigns_supersede_once BEFORE INSERT ON screening_campaigns WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: screening_campaigns')
      WHERE EXISTS (SELECT 1 FROM screening_campaigns WHERE supersedes = NEW.supersedes); END;

-- Hazards found by a screening campaign and their resolution (a resolution supersedes the open
-- row).
CREATE TABLE hazards (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES screening_campaigns(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    found_on TEXT NOT NULL,
    description TEXT NOT NULL,
    measures TEXT,
    resolved_on TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES hazards(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX hazards_subject ON hazards(subject_id);
CREATE INDEX hazards_supersedes ON hazards(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER hazards_append_only_u BEFORE UPDATE ON hazards
BEGIN SELECT RAISE(ABORT, 'append-only: hazards'); END;
CREATE TRIGGER hazards_append_only_d BEFORE DELETE ON hazards
BEGIN SELECT RAISE(ABORT, 'append-only: hazards'); END;
CREATE TRIGGER hazards_supersede_once BEFORE INSERT ON hazards WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: hazards')
      WHERE EXISTS (SELECT 1 FROM hazards WHERE supersedes = NEW.supersedes); END;

-- Attachments of a record; the bytes are content-addressed in `attachments`.
CREATE TABLE attachment_links (
    id TEXT PRIMARY KEY,
    subject_id TEXT REFERENCES subjects(id),
    record_table TEXT NOT NULL,
    record_id TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES attachments(sha256),
    filename TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES attachment_links(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX attachment_links_subject ON attachment_links(subject_id);
CREATE INDEX attachment_links_supersedes ON attachment_links(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER attachment_links_append_only_u BEFORE UPDATE ON attachment_links
BEGIN SELECT RAISE(ABORT, 'append-only: attachment_links'); END;
CREATE TRIGGER attachment_links_append_only_d BEFORE DELETE ON attachment_links
BEGIN SELECT RAISE(ABORT, 'append-only: attachment_links'); END;
CREATE TRIGGER attachment_links_supersede_once BEFORE INSERT ON attachment_links WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: attachment_links')
      WHERE EXISTS (SELECT 1 FROM attachment_links WHERE supersedes = NEW.supersedes); END;

-- Documents issued or printed from the app (forms, 外出证明, dossiers).
CREATE TABLE issued_documents (
    id TEXT PRIMARY KEY,
    subject_id TEXT REFERENCES subjects(id),
    doc_kind TEXT NOT NULL,
    doc_no TEXT,
    title TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    sha256 TEXT,
    recorded_by TEXT NOT NULL REFERENCES staff(id),
    recorded_at TEXT NOT NULL,
    supersedes TEXT REFERENCES issued_documents(id),
    correction_reason TEXT,
    CHECK ((supersedes IS NULL) = (correction_reason IS NULL))
) STRICT;
CREATE INDEX issued_documents_subject ON issued_documents(subject_id);
CREATE INDEX issued_documents_supersedes ON issued_documents(supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER issued_documents_append_only_u BEFORE UPDATE ON issued_documents
BEGIN SELECT RAISE(ABORT, 'append-only: issued_documents'); END;
CREATE TRIGGER issued_documents_append_only_d BEFORE DELETE ON issued_documents
BEGIN SELECT RAISE(ABORT, 'append-only: issued_documents'); END;
CREATE TRIGGER issued_documents_supersede_once BEFORE INSERT ON issued_documents WHEN NEW.supersedes IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'already superseded: issued_documents')
      WHERE EXISTS (SELECT 1 FROM issued_documents WHERE supersedes = NEW.supersedes); END;

CREATE INDEX leave_events_leave ON leave_events(leave_id);
CREATE INDEX study_attendance_session ON study_attendance(session_id);
CREATE INDEX service_participation_activity ON service_participation(activity_id);
CREATE INDEX lost_contact_steps_episode ON lost_contact_steps(episode_id);

-- Attachment bytes, addressed by their SHA-256: the same file attached twice is stored once.
CREATE TABLE attachments (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size       INTEGER NOT NULL CHECK (size >= 0),
    mime       TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE TRIGGER attachments_immutable_u BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'append-only: attachments'); END;
CREATE TRIGGER attachments_immutable_d BEFORE DELETE ON attachments
BEGIN SELECT RAISE(ABORT, 'append-only: attachments'); END;

-- Rule packs in force (domain crate, rule_pack.rs): the exact text loaded, so a month's
-- obligations can be recomputed later with the rules that applied then.
CREATE TABLE rule_packs (
    id             TEXT NOT NULL,
    version        INTEGER NOT NULL,
    name           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    body           TEXT NOT NULL,
    loaded_at      TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- Derived cache of each leave's state (the fold of leave_events), for lists and the home page.
-- Not a legal record: it is rewritten from the events whenever one is appended.
CREATE TABLE leave_status (
    leave_id    TEXT PRIMARY KEY REFERENCES leave_requests(id),
    subject_id  TEXT NOT NULL REFERENCES subjects(id),
    state       TEXT NOT NULL,
    current_end TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX leave_status_subject ON leave_status(subject_id);

-- Tamper-evident audit log (design.md §2; 网络安全法 Art 21: ≥ 6 months): every change and every
-- view of a subject's file. hash = SHA-256(prev_hash ‖ canonical entry); the chain head is sent
-- to the county on each sync.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity_id);
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'append-only: audit_log'); END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'append-only: audit_log'); END;

-- Sync outbox (design.md §3): one op per write, in the same transaction. `seq` is the dense
-- per-device sequence (rows are never deleted); `op_id` makes the push idempotent.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    op_id        TEXT NOT NULL UNIQUE,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('create', 'update', 'supersede', 'event')),
    base_version INTEGER,
    payload      TEXT NOT NULL,
    device_time  TEXT NOT NULL,
    -- resubmitted: a rejected op sent again as a new op (重新提交); it keeps the county's answer.
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'acked', 'rejected', 'resubmitted')),
    result       TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox(state) WHERE state <> 'acked';
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;

-- Sync bookkeeping: device id, server cursor, last sync, measured clock skew.
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

PRAGMA user_version = 1;
