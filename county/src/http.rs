//! The HTTP face of the server (docs/sync-protocol.md §2–§11): the device API, signed per
//! request, and the county console API, with a bearer session. Store work runs on the blocking
//! pool; bodies are read with their limits before anything is parsed.

use std::io::Read;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiaowu_sync::signing::Signed;
use jiaowu_sync::wire::{EnrolRequest, ErrorCode, PushRequest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::console::{Intake, LeaveDecision, LeaveEscalation, NewOffice, Resolve};
use crate::error::ServerError;
use crate::model::{Device, User};
use crate::proposals::ProposalDecision;
use crate::pull::RecordsRequest;
use crate::server::Server;
use crate::zh;

/// A request body as sent (§2).
pub const MAX_BODY: usize = 1024 * 1024;
/// A request body after gzip (§2).
pub const MAX_INFLATED: usize = 8 * 1024 * 1024;

type Shared = Arc<Server>;

pub fn router(server: Shared) -> Router {
    let api = Router::new()
        .route("/enrol", post(enrol))
        .route("/push", post(push))
        .route("/pull", get(pull))
        .route("/snapshot", get(snapshot))
        .route("/records", post(records))
        .route("/county/login", post(login))
        .route("/county/offices", get(offices).post(create_office))
        .route("/county/offices/{id}/enrolment-codes", post(enrolment_code))
        .route("/county/offices/{id}/leave-delegation", post(leave_delegation))
        .route("/county/offices/{id}/dossier-order", post(dossier_order))
        .route("/county/devices", get(devices))
        .route("/county/devices/{id}/revoke", post(revoke))
        .route("/county/subjects", post(intake))
        .route("/county/subjects/{id}/assign", post(assign))
        .route("/county/subjects/{id}/transfer", post(assign))
        .route("/county/leave-requests", get(pending_leaves))
        .route("/county/leave-requests/{id}/decision", post(decide_leave))
        .route("/county/leave-requests/{id}/escalation", post(escalate_leave))
        .route("/county/leave-requests/{id}/higher-decision", post(record_higher_decision))
        .route("/county/proposals", get(pending_proposals))
        .route("/county/sanctions/{id}/decision", post(decide_sanction))
        .route("/county/class-changes/{id}/decision", post(decide_class_change))
        .route("/county/conflicts", get(conflicts))
        .route("/county/conflicts/{id}/resolve", post(resolve));
    Router::new()
        .nest("/api/v1", api)
        .fallback(|| async { ServerError::new(ErrorCode::NotFound, zh::NO_SUCH_ENDPOINT).into_response() })
        .layer(DefaultBodyLimit::disable())
        // Fastest gzip: on a 2-core county PC the CPU, not the line, is the scarcer resource
        // for big pulls, and level 1 already shrinks JSON about 5-fold.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .quality(tower_http::compression::CompressionLevel::Fastest),
        )
        .with_state(server)
}

/// Runs store work off the async threads and renders the answer with the protocol header.
async fn blocking<T: Serialize + Send + 'static>(
    server: &Shared,
    f: impl FnOnce(&Server) -> Result<T, ServerError> + Send + 'static,
) -> Response {
    let s = server.clone();
    let out = tokio::task::spawn_blocking(move || f(&s)).await;
    let result = match out {
        Ok(r) => r,
        Err(e) => Err(ServerError::internal(format!("task: {e}"))),
    };
    match result {
        Ok(v) => {
            let mut resp = Json(v).into_response();
            resp.headers_mut().insert("jiaowu-protocol", HeaderValue::from_static("1"));
            resp
        }
        Err(e) => e.into_response(),
    }
}

async fn read_body(body: Body) -> Result<Bytes, ServerError> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| ServerError::new(ErrorCode::TooLarge, zh::TOO_LARGE))
}

fn check_protocol(headers: &HeaderMap) -> Result<(), ServerError> {
    match headers.get("jiaowu-protocol").and_then(|v| v.to_str().ok()) {
        None | Some("1") => Ok(()),
        Some(_) => Err(ServerError::new(ErrorCode::UpgradeRequired, zh::UPGRADE_REQUIRED)),
    }
}

/// Inflates a gzip'd body (bounded) and parses JSON, naming the first bad field.
fn parse<T: DeserializeOwned>(headers: &HeaderMap, raw: &[u8]) -> Result<T, ServerError> {
    let gz =
        headers.get("content-encoding").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let inflated;
    let bytes: &[u8] = if gz {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw)
            .take(MAX_INFLATED as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|_| ServerError::new(ErrorCode::Malformed, zh::MALFORMED))?;
        if out.len() > MAX_INFLATED {
            return Err(ServerError::new(ErrorCode::TooLarge, zh::TOO_LARGE));
        }
        inflated = out;
        &inflated
    } else {
        raw
    };
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let mut err = ServerError::new(ErrorCode::Malformed, format!("{}：{}", zh::MALFORMED, e.inner()));
        if path != "." {
            err = err.field(&path);
        }
        err
    })
}

/// A device request: headers checked, signature verified, counter moved on.
struct DeviceCall {
    device: Device,
    body: Bytes,
    headers: HeaderMap,
}

async fn device_call(
    server: &Shared,
    method: Method,
    uri: &axum::http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<DeviceCall, ServerError> {
    check_protocol(&headers)?;
    let body = read_body(body).await?;
    let (device, counter, time, signature, path) = signed_parts(uri, &headers)?;
    let s = server.clone();
    let b = body.clone();
    let method = method.as_str().to_string();
    let device = tokio::task::spawn_blocking(move || {
        let signed = Signed { method: &method, path: &path, device, counter, time: &time, body: &b };
        s.authenticate(&signed, &signature)
    })
    .await
    .map_err(|e| ServerError::internal(format!("task: {e}")))??;
    Ok(DeviceCall { device, body, headers })
}

async fn enrol(State(s): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let call = async {
        check_protocol(&headers)?;
        let raw = read_body(body).await?;
        parse::<EnrolRequest>(&headers, &raw)
    };
    match call.await {
        Ok(req) => blocking(&s, move |s| s.enrol(&req)).await,
        Err(e) => e.into_response(),
    }
}

/// A push is authenticated and applied in one transaction (see `Server::push_signed`); the body
/// is parsed first, so a malformed push from a valid device spends no counter.
async fn push(
    State(s): State<Shared>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let parts = async {
        check_protocol(&headers)?;
        let body = read_body(body).await?;
        let signed = signed_parts(&uri, &headers)?;
        let req = parse::<PushRequest>(&headers, &body)?;
        Ok::<_, ServerError>((signed, body, req))
    };
    match parts.await {
        Ok(((device, counter, time, signature, path), body, req)) => {
            let method = method.as_str().to_string();
            blocking(&s, move |s| {
                let signed = Signed { method: &method, path: &path, device, counter, time: &time, body: &body };
                s.push_signed(&signed, &signature, &req)
            })
            .await
        }
        Err(e) => e.into_response(),
    }
}

/// The signed headers of a device request: (device, counter, time, signature, path).
fn signed_parts(
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Result<(Uuid, u64, String, String, String), ServerError> {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let device = h("jiaowu-device")
        .and_then(|d| Uuid::parse_str(&d).ok())
        .ok_or_else(|| ServerError::new(ErrorCode::DeviceUnknown, zh::DEVICE_UNKNOWN))?;
    let counter = h("jiaowu-counter")
        .and_then(|c| c.parse::<u64>().ok())
        .ok_or_else(|| ServerError::new(ErrorCode::BadSignature, zh::BAD_SIGNATURE))?;
    let time = h("jiaowu-time").unwrap_or_default();
    let signature =
        h("jiaowu-signature").ok_or_else(|| ServerError::new(ErrorCode::BadSignature, zh::BAD_SIGNATURE))?;
    let path = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    Ok((device, counter, time, signature, path))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    cursor: Option<String>,
    limit: Option<usize>,
}

async fn pull(
    State(s): State<Shared>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match device_query::<PullQuery>(&s, method, &uri, headers, body).await {
        Ok((call, q)) => blocking(&s, move |s| s.pull(&call.device, q.cursor.as_deref(), q.limit.unwrap_or(500))).await,
        Err(e) => e.into_response(),
    }
}

/// A signed GET: the device, then its query string.
async fn device_query<Q: DeserializeOwned>(
    s: &Shared,
    method: Method,
    uri: &axum::http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(DeviceCall, Q), ServerError> {
    let call = device_call(s, method, uri, headers, body).await?;
    Ok((call, serde_urlencoded(uri)?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotQuery {
    entity: String,
    after: Option<Uuid>,
    limit: Option<usize>,
}

async fn snapshot(
    State(s): State<Shared>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match device_query::<SnapshotQuery>(&s, method, &uri, headers, body).await {
        Ok((call, q)) => {
            blocking(&s, move |s| s.snapshot(&call.device, &q.entity, q.after, q.limit.unwrap_or(1000))).await
        }
        Err(e) => e.into_response(),
    }
}

async fn records(
    State(s): State<Shared>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let call = match device_call(&s, method, &uri, headers, body).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    match parse::<RecordsRequest>(&call.headers, &call.body) {
        Ok(req) => blocking(&s, move |s| s.records(&call.device, &req)).await,
        Err(e) => e.into_response(),
    }
}

fn serde_urlencoded<T: DeserializeOwned>(uri: &axum::http::Uri) -> Result<T, ServerError> {
    Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| ServerError::new(ErrorCode::Malformed, format!("{}：{e}", zh::MALFORMED)))
}

// ---- county console ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    username: String,
    password: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DelegationBody {
    leave_delegated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DossierOrderBody {
    /// Section names, or `null` for the default order; required (an empty body resets nothing).
    order: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignBody {
    office_id: Uuid,
}

/// The console user of a request, from `Authorization: Bearer`.
async fn console_user(s: &Shared, headers: &HeaderMap) -> Result<User, ServerError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
        .ok_or_else(|| ServerError::new(ErrorCode::Forbidden, zh::UNAUTHORISED))?;
    let s = s.clone();
    tokio::task::spawn_blocking(move || s.console_user(&token))
        .await
        .map_err(|e| ServerError::internal(format!("task: {e}")))?
}

/// A console call: the user, then the parsed body.
async fn console<T: DeserializeOwned>(s: &Shared, headers: &HeaderMap, body: Body) -> Result<(User, T), ServerError> {
    let user = console_user(s, headers).await?;
    let raw = read_body(body).await?;
    let raw: &[u8] = if raw.is_empty() { b"null" } else { &raw };
    Ok((user, parse(headers, raw)?))
}

async fn login(State(s): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let b = async { parse::<LoginBody>(&headers, &read_body(body).await?) };
    match b.await {
        Ok(b) => blocking(&s, move |s| s.login(&b.username, &b.password)).await,
        Err(e) => e.into_response(),
    }
}

/// A console call without a body: the user, then `f` on the blocking pool.
async fn as_user<T: Serialize + Send + 'static>(
    s: &Shared,
    headers: &HeaderMap,
    f: impl FnOnce(&Server, User) -> Result<T, ServerError> + Send + 'static,
) -> Response {
    match console_user(s, headers).await {
        Ok(u) => blocking(s, move |s| f(s, u)).await,
        Err(e) => e.into_response(),
    }
}

/// A console call with a JSON body.
async fn as_user_with<B: DeserializeOwned + Send + 'static, T: Serialize + Send + 'static>(
    s: &Shared,
    headers: &HeaderMap,
    body: Body,
    f: impl FnOnce(&Server, User, B) -> Result<T, ServerError> + Send + 'static,
) -> Response {
    match console::<B>(s, headers, body).await {
        Ok((u, b)) => blocking(s, move |s| f(s, u, b)).await,
        Err(e) => e.into_response(),
    }
}

async fn offices(State(s): State<Shared>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, |s, _| s.offices()).await
}

async fn create_office(State(s): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, |s, u, b: NewOffice| s.create_office(&b, &u.username)).await
}

async fn enrolment_code(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, move |s, u| s.issue_enrolment_code(id, &u.username)).await
}

async fn leave_delegation(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: DelegationBody| {
        s.set_leave_delegation(id, b.leave_delegated, &u.username)
    })
    .await
}

async fn dossier_order(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: DossierOrderBody| {
        s.set_dossier_order(id, crate::console::section_names(&b.order)?, &u.username)
    })
    .await
}

async fn devices(State(s): State<Shared>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, |s, _| s.devices()).await
}

async fn revoke(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, move |s, u| s.revoke_device(id, &u.username)).await
}

async fn intake(State(s): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, |s, u, b: Intake| s.intake(&b, &u.username)).await
}

async fn assign(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: AssignBody| s.assign(id, b.office_id, &u.username)).await
}

async fn pending_proposals(State(s): State<Shared>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, |s, _| s.pending_proposals()).await
}

async fn decide_sanction(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: ProposalDecision| s.decide_proposal("sanctions", id, &b, &u)).await
}

async fn decide_class_change(
    State(s): State<Shared>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: ProposalDecision| s.decide_proposal("class_changes", id, &b, &u))
        .await
}

async fn pending_leaves(State(s): State<Shared>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, |s, _| s.pending_leaves()).await
}

async fn decide_leave(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: LeaveDecision| s.decide_leave(id, &b, &u)).await
}

async fn escalate_leave(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: LeaveEscalation| s.escalate_leave(id, &b, &u)).await
}

async fn record_higher_decision(
    State(s): State<Shared>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: LeaveDecision| s.record_higher_decision(id, &b, &u)).await
}

async fn conflicts(State(s): State<Shared>, headers: HeaderMap) -> Response {
    as_user(&s, &headers, |s, _| s.conflicts()).await
}

async fn resolve(State(s): State<Shared>, Path(id): Path<Uuid>, headers: HeaderMap, body: Body) -> Response {
    as_user_with(&s, &headers, body, move |s, u, b: Resolve| s.resolve_conflict(id, &b, &u)).await
}
