//! HTTPS with a pinned certificate (protocol §2, §4): the county serves TLS with a self-signed
//! certificate on loopback; the office takes its pin at enrolment and afterwards talks only to
//! that certificate, whatever the PC's clock or CA store say.

use std::net::SocketAddr;
use std::sync::Arc;

use jiaowu_app::clock::FixedClock;
use jiaowu_app::store::KdfParams;
use jiaowu_app::{init_office, InitOfficeInput};
use jiaowu_county::{router, Server};
use jiaowu_sync::transport::HttpTransport;

mod common;
use common::*;

async fn serve_tls(server: Arc<Server>, addr: SocketAddr, cert: &str, key: &str) -> axum_server::Handle {
    let config =
        axum_server::tls_rustls::RustlsConfig::from_config(jiaowu_county::tls::server_config(cert, key).unwrap());
    let handle = axum_server::Handle::new();
    let h = handle.clone();
    let app = router(server);
    tokio::spawn(async move { axum_server::bind_rustls(addr, config).handle(h).serve(app.into_make_service()).await });
    handle.listening().await.expect("listening");
    handle
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_trusts_the_certificate_it_enrolled_with_and_no_other() {
    let c = county().await;
    let (a_id, _code) = c.office("城关镇司法所", false).await;
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let (cert, key) = jiaowu_county::tls::self_signed(&names).unwrap();
    let pin = jiaowu_county::tls::pin_of_pem(&cert).unwrap();
    *c.server.cert_pin.lock().unwrap() = Some(pin.clone());
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let handle = serve_tls(c.server.clone(), addr, &cert, &key).await;
    let url = format!("https://localhost:{}", addr.port());

    // Enrolment over HTTPS: the pin of the certificate presented is kept; its first 16 digits
    // are what the printed slip shows.
    let slip = c.server.issue_enrolment_code(uuid::Uuid::parse_str(&a_id).unwrap(), "wang").unwrap();
    assert_eq!(slip.pin_prefix.as_deref(), Some(&pin[..16]));
    let dir = tempfile::tempdir().unwrap();
    let input = InitOfficeInput {
        office_name: "城关镇司法所".into(),
        county_name: "正定县社区矫正管理局".into(),
        division_code: "130123".into(),
        leave_delegated: false,
        rule_family: None,
        username: "zhang".into(),
        display_name: "张所长".into(),
        password: "office-pass-1".into(),
    };
    let kdf = KdfParams { m_kib: 1024, t: 1, p: 1 };
    let (mut core, _) =
        init_office(&dir.path().join("office.db"), input, Arc::new(FixedClock::on(d(TODAY))), kdf).unwrap();
    let t = HttpTransport::new(&url).unwrap();
    jiaowu_app::sync::enrol(&mut core, t, &url, &slip.code, "办公室电脑").await.unwrap();
    assert_eq!(core.sync_status().unwrap().county_pin_prefix.as_deref(), Some(&pin[..16]));
    let t = jiaowu_app::sync::county_transport(&core, std::time::Duration::from_secs(10)).unwrap();
    let r = jiaowu_app::sync::sync_now(&mut core, t).await.unwrap();
    assert!(r.pushed > 0 && r.rejected == 0, "{r:?}");

    // Someone else answers at the same address with another certificate: refused, nothing sent.
    handle.shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (other_cert, other_key) = jiaowu_county::tls::self_signed(&names).unwrap();
    let impostor = serve_tls(c.server.clone(), addr, &other_cert, &other_key).await;
    let before = c.server.op_count().unwrap();
    let t = jiaowu_app::sync::county_transport(&core, std::time::Duration::from_secs(10)).unwrap();
    let e = jiaowu_app::sync::sync_now(&mut core, t).await.unwrap_err();
    assert_eq!(e.code(), "sync.certificate_mismatch", "{}", e.message());
    assert!(e.message().contains("证书"), "{}", e.message());
    assert_eq!(c.server.op_count().unwrap(), before, "nothing reached the impostor");

    // The county renews its certificate on the same key: a new certificate, the same pin (the
    // pin is the key's, RFC 7469), and the office syncs without enrolling again.
    impostor.shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let renewed = jiaowu_county::tls::renew(&names, &key).unwrap();
    assert_ne!(renewed, cert);
    assert_eq!(jiaowu_county::tls::pin_of_pem(&renewed).unwrap(), pin);
    let _renewed = serve_tls(c.server.clone(), addr, &renewed, &key).await;
    let t = jiaowu_app::sync::county_transport(&core, std::time::Duration::from_secs(10)).unwrap();
    let r = jiaowu_app::sync::sync_now(&mut core, t).await.unwrap();
    assert_eq!(r.rejected, 0, "{r:?}");
}
