//! `jiaowu-county`: create a county database, add console users, serve.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use jiaowu_county::zh::cli as zh;
use jiaowu_county::{router, Server, SqliteStore, SystemClock};

#[derive(Parser)]
#[command(name = "jiaowu-county", about = zh::ABOUT)]
struct Cli {
    /// County database file (SQLite, the default).
    #[arg(long, env = "JIAOWU_COUNTY_DB", default_value = "county.db")]
    db: PathBuf,
    /// PostgreSQL instead of the file: a libpq connection string such as
    /// "host=/run/postgresql user=jiaowu dbname=county".
    #[arg(long, env = "JIAOWU_COUNTY_PG")]
    postgres: Option<String>,
    /// County name (used when the database is created).
    #[arg(long, env = "JIAOWU_COUNTY_NAME", default_value = zh::DEFAULT_COUNTY)]
    county: String,
    #[command(subcommand)]
    command: Command,
}

/// The county's certificate: the names offices reach it by, and its two PEM files.
#[derive(Args)]
struct CertFiles {
    #[arg(long, value_delimiter = ',', required = true)]
    names: Vec<String>,
    #[arg(long, default_value = "county-cert.pem")]
    cert: PathBuf,
    #[arg(long, default_value = "county-key.pem")]
    key: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Adds a console user (password from JIAOWU_COUNTY_PASSWORD).
    AddUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
    },
    /// Imports a push bundle an office brought on USB (`<name>.jwpush` with `<name>.jwpush.sig`)
    /// and writes the answering pull bundle into `--out`.
    ImportBundle {
        file: PathBuf,
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Makes a self-signed certificate for the names offices use (host names or IP addresses)
    /// and prints its pin.
    TlsInit(CertFiles),
    /// Renews the certificate on the same key (before it expires, or for new names): the pin is
    /// that of the key, so enrolled offices go on trusting it.
    TlsRenew(CertFiles),
    /// Serves the sync and console API: HTTPS with --tls-cert/--tls-key, plain HTTP otherwise
    /// (loopback or behind a TLS front).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8640")]
        listen: SocketAddr,
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
}

fn main() {
    if let Err(e) = run() {
        eprintln!("{}", zh::error(&e));
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let cli = Cli::parse();
    let store: Arc<dyn jiaowu_county::store::CountyStore> = match &cli.postgres {
        Some(params) => Arc::new(jiaowu_county::PgStore::connect(params)?),
        None => Arc::new(SqliteStore::open(&cli.db)?),
    };
    let server = Arc::new(Server::open(store, Arc::new(SystemClock), None, &cli.county)?);
    match cli.command {
        Command::AddUser { username, display_name } => {
            let password = std::env::var("JIAOWU_COUNTY_PASSWORD").map_err(|_| zh::NEED_PASSWORD)?;
            server.add_user(&username, &display_name, &password)?;
            println!("{}", zh::user_added(&username));
        }
        Command::ImportBundle { file, out } => {
            let bytes = std::fs::read(&file)?;
            let sig =
                std::fs::read_to_string(format!("{}.sig", file.display())).map_err(|_| zh::missing_signature(&file))?;
            let answer = server.import_push_bundle(&bytes, &sig)?;
            let path = out.join(&answer.name);
            std::fs::write(&path, &answer.bytes)?;
            std::fs::write(format!("{}.sig", path.display()), &answer.signature)?;
            println!("{}", zh::bundle_answered(&path));
        }
        Command::TlsInit(CertFiles { names, cert, key }) => {
            let (c, k) = jiaowu_county::tls::self_signed(&names)?;
            std::fs::write(&cert, &c)?;
            std::fs::write(&key, &k)?;
            println!("{}", zh::certificate_made(&cert, &key, &jiaowu_county::tls::pin_of_pem(&c)?));
        }
        Command::TlsRenew(CertFiles { names, cert, key }) => {
            let c = jiaowu_county::tls::renew(&names, &std::fs::read_to_string(&key)?)?;
            std::fs::write(&cert, &c)?;
            println!("{}", zh::certificate_renewed(&cert, &jiaowu_county::tls::pin_of_pem(&c)?));
        }
        Command::Serve { listen, tls_cert, tls_key } => {
            let rt = tokio::runtime::Runtime::new()?;
            match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let (c, k) = (std::fs::read_to_string(cert)?, std::fs::read_to_string(key)?);
                    let pin = jiaowu_county::tls::pin_of_pem(&c)?;
                    *server.cert_pin.lock().unwrap_or_else(|p| p.into_inner()) = Some(pin.clone());
                    let config =
                        axum_server::tls_rustls::RustlsConfig::from_config(jiaowu_county::tls::server_config(&c, &k)?);
                    println!("{}", zh::serving(&format!("https://{listen}"), Some(&pin)));
                    rt.block_on(axum_server::bind_rustls(listen, config).serve(router(server).into_make_service()))?;
                }
                _ => rt.block_on(async move {
                    let listener = tokio::net::TcpListener::bind(listen).await?;
                    println!("{}", zh::serving(&format!("http://{}", listener.local_addr()?), None));
                    axum::serve(listener, router(server)).await
                })?,
            }
        }
    }
    Ok(())
}
