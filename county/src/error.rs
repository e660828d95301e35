//! Every refusal of the server: a code of docs/sync-protocol.md §9, a Chinese message for the
//! clerk or county staff, and the field at fault. Rendered as the §9 error body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiaowu_sync::wire::{ErrorBody, ErrorCode, ErrorDetail};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ServerError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl ServerError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ServerError {
        ServerError { code, message: message.into(), field: None, detail: Default::default() }
    }

    pub fn field(mut self, field: &str) -> ServerError {
        self.field = Some(field.to_string());
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> ServerError {
        self.detail.insert(key.to_string(), value.into());
        self
    }

    /// The server's own fault; the text is logged, the client sees a Chinese message.
    pub fn internal(text: impl Into<String>) -> ServerError {
        let text = text.into();
        eprintln!("jiaowu-county internal error: {text}");
        ServerError::new(ErrorCode::Internal, crate::zh::INTERNAL)
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message.clone(),
                field: self.field.clone(),
                detail: self.detail.clone(),
            },
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(self.body())).into_response();
        resp.headers_mut().insert("jiaowu-protocol", axum::http::HeaderValue::from_static("1"));
        resp
    }
}
