//! How requests reach the county: over HTTP(S) with reqwest, or in-process in tests and the
//! simulation. The engine sees only this trait, so faults can be injected between the two.

use std::future::Future;
use std::sync::{Arc, Mutex};

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

    /// The pin of the certificate the county presented on the last connection (HTTPS only).
    fn presented_pin(&self) -> Option<String> {
        None
    }
}

/// HTTP(S) to the county. Plain HTTP is refused except on a loopback address (protocol §2).
/// Over HTTPS the county's certificate is trusted by its pin (SHA-256 of its public key, taken
/// at enrolment), not by the PC's CA store or the PC's date: office clocks are years off.
pub struct HttpTransport {
    base: String,
    client: reqwest::Client,
    seen: Arc<Mutex<Option<String>>>,
}

/// The pin of a DER certificate: lower-case hex SHA-256 of its SubjectPublicKeyInfo (RFC 7469's
/// SPKI pin), so a county that renews its certificate with the same key keeps its pin and its
/// offices need not enrol again. `None` for bytes that are not a certificate.
pub fn certificate_pin(der: &[u8]) -> Option<String> {
    use sha2::Digest;
    let der = rustls::pki_types::CertificateDer::from(der);
    let cert = webpki::EndEntityCert::try_from(&der).ok()?;
    Some(hex::encode(sha2::Sha256::digest(cert.subject_public_key_info().as_ref())))
}

/// Accepts exactly the pinned certificate (or, at enrolment, any, remembering which), and checks
/// the handshake signatures with it as usual.
#[derive(Debug)]
struct PinVerifier {
    pin: Option<String>,
    seen: Arc<Mutex<Option<String>>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        let presented = certificate_pin(end_entity)
            .ok_or(rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding))?;
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(presented.clone());
        match &self.pin {
            Some(pin) if *pin != presented => Err(rustls::Error::General(PIN_MISMATCH.into())),
            _ => Ok(rustls::client::danger::ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The words a transport error carries when the county's certificate is not the pinned one.
pub const PIN_MISMATCH: &str = "county certificate does not match the pin taken at enrolment";

impl HttpTransport {
    /// 60 s without progress gives up on a request (protocol §2).
    pub fn new(base_url: &str) -> Result<HttpTransport, TransportError> {
        HttpTransport::with_timeout(base_url, std::time::Duration::from_secs(60))
    }

    pub fn with_timeout(base_url: &str, timeout: std::time::Duration) -> Result<HttpTransport, TransportError> {
        HttpTransport::pinned(base_url, None, timeout)
    }

    /// `pin`: the certificate pin stored at enrolment (None at enrolment itself: the pin of the
    /// certificate presented is then remembered, see `presented_pin`).
    pub fn pinned(
        base_url: &str,
        pin: Option<&str>,
        timeout: std::time::Duration,
    ) -> Result<HttpTransport, TransportError> {
        let base = base_url.trim().trim_end_matches('/').to_string();
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
        let seen = Arc::new(Mutex::new(None));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = PinVerifier { pin: pin.map(str::to_owned), seen: seen.clone(), provider: provider.clone() };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .connect_timeout(timeout.min(std::time::Duration::from_secs(15)))
            .read_timeout(timeout)
            .build()
            .map_err(|e| TransportError(e.to_string()))?;
        Ok(HttpTransport { base, client, seen })
    }
}

impl Transport for HttpTransport {
    async fn send(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| TransportError(e.to_string()))?;
        let mut b = self.client.request(method, format!("{}{}", self.base, req.path));
        for (k, v) in &req.headers {
            b = b.header(k, v);
        }
        let resp = b.body(req.body).send().await.map_err(|e| TransportError(error_chain(&e)))?;
        let status = resp.status().as_u16();
        let content_type =
            resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = resp.bytes().await.map_err(|e| TransportError(error_chain(&e)))?.to_vec();
        Ok(WireResponse { status, body, content_type })
    }

    fn presented_pin(&self) -> Option<String> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// An error with its causes (the pin mismatch is a cause several levels down).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cur = c.source();
    }
    out
}
