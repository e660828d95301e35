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

/// The pin offices store: SHA-256 of the certificate (DER), lower-case hex.
pub fn pin_of_pem(cert_pem: &str) -> Result<String, ServerError> {
    let der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| ServerError::internal(e.to_string()))?;
    Ok(jiaowu_sync::transport::certificate_pin(&der))
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
