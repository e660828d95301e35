//! `jiaowu-county`: create a county database, add console users, serve.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use jiaowu_county::zh::cli as zh;
use jiaowu_county::{router, Server, SqliteStore, SystemClock};

#[derive(Parser)]
#[command(name = "jiaowu-county", about = zh::ABOUT)]
struct Cli {
    /// 县级数据库文件（SQLite；不给 --postgres 时使用）
    #[arg(long, env = "JIAOWU_COUNTY_DB", default_value = "county.db")]
    db: PathBuf,
    /// 改用 PostgreSQL：libpq 连接串，如 "host=/run/postgresql user=jiaowu dbname=county"
    #[arg(long, env = "JIAOWU_COUNTY_PG")]
    postgres: Option<String>,
    /// 县级机构名称（建库时使用）
    #[arg(long, env = "JIAOWU_COUNTY_NAME", default_value = zh::DEFAULT_COUNTY)]
    county: String,
    #[command(subcommand)]
    command: Command,
}

/// The county's certificate: the names offices reach it by, and its two PEM files.
#[derive(Args)]
struct CertFiles {
    /// 司法所访问本机所用的主机名或 IP 地址，逗号分隔
    #[arg(long, value_delimiter = ',', required = true)]
    names: Vec<String>,
    /// 证书文件（PEM）
    #[arg(long, default_value = "county-cert.pem")]
    cert: PathBuf,
    /// 私钥文件（PEM）
    #[arg(long, default_value = "county-key.pem")]
    key: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// 添加县级平台用户（密码取自环境变量 JIAOWU_COUNTY_PASSWORD）
    AddUser {
        /// 登录名
        #[arg(long)]
        username: String,
        /// 显示的姓名
        #[arg(long)]
        display_name: String,
    },
    /// 导入司法所用U盘带来的上传数据包（<名称>.jwpush 连同 <名称>.jwpush.sig），回执数据包写入 --out
    ImportBundle {
        /// 上传数据包文件（.jwpush）
        #[arg(value_name = "数据包")]
        file: PathBuf,
        /// 回执数据包存放的文件夹
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// 为司法所使用的主机名或 IP 地址生成自签名证书，并显示证书指纹
    TlsInit(CertFiles),
    /// 用原私钥更新证书（到期前，或增加名称）：指纹随私钥不变，已登记的司法所继续信任
    TlsRenew(CertFiles),
    /// 启动同步与县级平台服务：给出 --tls-cert/--tls-key 时用 HTTPS，否则用 HTTP（仅本机或在 TLS 代理之后）
    Serve {
        /// 监听地址
        #[arg(long, default_value = "127.0.0.1:8640")]
        listen: SocketAddr,
        /// 证书文件（PEM）
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// 私钥文件（PEM）
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

/// A refused command line, said in Chinese (exit 2).
fn usage_error(e: clap::Error) -> ! {
    let u = jiaowu_clap_zh::usage(&e);
    eprintln!("{}", zh::error(&u.message("jiaowu-county")));
    std::process::exit(2);
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let matches = jiaowu_clap_zh::chinese(Cli::command()).try_get_matches().unwrap_or_else(|e| usage_error(e));
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| usage_error(e));
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
