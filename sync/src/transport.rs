//! How requests reach the county: over HTTP(S) with reqwest, or in-process in tests and the
//! simulation. The engine sees only this trait, so faults can be injected between the two.

use std::future::Future;

/// A request as signed: the path and query exactly as sent, the body as sent (compressed or not).
#[derive(Debug, Clone, PartialEq)]
pub struct WireRequest {
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WireResponse {
    pub status: u16,
    /// Decompressed.
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

/// No answer at all: the request may or may not have been processed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no connection: {0}")]
pub struct TransportError(pub String);

pub trait Transport {
    fn send(&self, req: WireRequest) -> impl Future<Output = Result<WireResponse, TransportError>> + Send;
}

/// HTTP(S) to the county. Plain HTTP is refused except on a loopback address (protocol §2).
pub struct HttpTransport {
    base: String,
    client: reqwest::Client,
}

impl HttpTransport {
    /// 60 s without progress gives up on a request (protocol §2).
    pub fn new(base_url: &str) -> Result<HttpTransport, TransportError> {
        HttpTransport::with_timeout(base_url, std::time::Duration::from_secs(60))
    }

    pub fn with_timeout(base_url: &str, timeout: std::time::Duration) -> Result<HttpTransport, TransportError> {
        let base = base_url.trim_end_matches('/').to_string();
        let url = reqwest::Url::parse(&base).map_err(|e| TransportError(format!("bad url: {e}")))?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(a)) => a.is_loopback(),
            Some(url::Host::Ipv6(a)) => a.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(TransportError("county address must be https (http only on loopback)".into()));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(timeout.min(std::time::Duration::from_secs(15)))
            .read_timeout(timeout)
            .build()
            .map_err(|e| TransportError(e.to_string()))?;
        Ok(HttpTransport { base, client })
    }
}

impl Transport for HttpTransport {
    async fn send(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| TransportError(e.to_string()))?;
        let mut b = self.client.request(method, format!("{}{}", self.base, req.path));
        for (k, v) in &req.headers {
            b = b.header(k, v);
        }
        let resp = b.body(req.body).send().await.map_err(|e| TransportError(e.to_string()))?;
        let status = resp.status().as_u16();
        let content_type =
            resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = resp.bytes().await.map_err(|e| TransportError(e.to_string()))?.to_vec();
        Ok(WireResponse { status, body, content_type })
    }
}
