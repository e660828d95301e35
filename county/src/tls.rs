//! HTTPS for the county server (protocol §2): a certificate of its own (self-signed is fine:
//! offices trust it by its pin, taken at enrolment and printed on the enrolment slip, never by
//! a CA or by the PC's date).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::ServerError;

/// A new self-signed certificate and key (PEM) for the names the offices will use.
pub fn self_signed(names: &[String]) -> Result<(String, String), ServerError> {
    let cert = rcgen::generate_simple_self_signed(names.to_vec()).map_err(|e| ServerError::internal(e.to_string()))?;
    Ok((cert.cert.pem(), cert.key_pair.serialize_pem()))
}

/// The pin offices store: SHA-256 of the certificate's public key (SPKI), lower-case hex. It
/// stays the same when the certificate is renewed with the same key (`renew`).
pub fn pin_of_pem(cert_pem: &str) -> Result<String, ServerError> {
    let der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| ServerError::internal(e.to_string()))?;
    jiaowu_sync::transport::certificate_pin(&der).ok_or_else(|| ServerError::internal("tls: not a certificate"))
}

/// A new self-signed certificate for `names` on the key the county already has (PEM): its
/// offices' pins stay valid, where a new key would make each office enrol again.
pub fn renew(names: &[String], key_pem: &str) -> Result<String, ServerError> {
    let bad = |e: rcgen::Error| ServerError::internal(format!("tls: {e}"));
    let key = rcgen::KeyPair::from_pem(key_pem).map_err(bad)?;
    let cert = rcgen::CertificateParams::new(names.to_vec()).map_err(bad)?.self_signed(&key).map_err(bad)?;
    Ok(cert.pem())
}

/// rustls server configuration (ring, HTTP/1.1) from PEM.
pub fn server_config(cert_pem: &str, key_pem: &str) -> Result<Arc<rustls::ServerConfig>, ServerError> {
    let bad = |e: String| ServerError::internal(format!("tls: {e}"));
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| bad(e.to_string()))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| bad(e.to_string()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
