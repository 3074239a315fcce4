//! A real SMTP server for the mail tests: mailin's protocol over a TCP
//! listener on loopback, a thread a connection, keeping every message it
//! accepts. It stops when dropped. [`Sink::with_tls`] is a submission
//! server: STARTTLS (rustls, with the test certificates in
//! `tests/fixtures/smtp-tls/`, made with openssl, their key no secret),
//! then AUTH PLAIN with one user and password, as an office's relay is.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{Action, AuthMechanism, Handler, Response, SessionBuilder};

/// A message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent: headers, a blank line, the body.
    pub data: String,
    /// Whether it came over TLS.
    pub tls: bool,
    /// Who it was sent as (AUTH), if anyone.
    pub user: Option<String>,
}

impl Received {
    /// The plain-text body, decoded as a mail program shows it.
    pub fn text(&self) -> String {
        let message = mail_parser::MessageParser::default()
            .parse(self.data.as_bytes())
            .expect("a message mail programs can read");
        message.body_text(0).expect("a plain-text body").into_owned()
    }

    /// The value of header `name` (the first, unfolded).
    pub fn header(&self, name: &str) -> String {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded
            .lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
            })
            .unwrap_or_default()
    }
}

/// A running SMTP server.
pub struct Sink {
    pub address: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

impl Sink {
    /// A server on a free loopback port.
    pub fn start() -> Sink {
        Sink::on(TcpListener::bind("127.0.0.1:0").expect("a free port"), None)
    }

    /// A server at `address` (which was free a moment ago).
    pub fn at(address: SocketAddr) -> Sink {
        Sink::on(TcpListener::bind(address).expect("the address"), None)
    }

    /// A submission server on a free loopback port: it offers STARTTLS and,
    /// once TLS is on, takes AUTH PLAIN as `user` with `password`; it takes
    /// a message only from someone signed in.
    pub fn with_tls(user: &str, password: &str) -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let account = Account {
            tls: Arc::new(server_config()),
            user: user.to_owned(),
            password: password.to_owned(),
        };
        Sink::on(listener, Some(account))
    }

    /// `smtp://user:password@localhost:PORT?tls=required`: STARTTLS, with
    /// the name the test certificate is for.
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!(
            "smtp://{user}:{password}@localhost:{}?tls=required",
            self.address.port()
        )
    }

    fn on(listener: TcpListener, account: Option<Account>) -> Sink {
        listener.set_nonblocking(true).expect("nonblocking");
        let address = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (kept, stopping) = (received.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Acquire) {
                match listener.accept() {
                    Ok((stream, peer)) => {
                        let kept = kept.clone();
                        let account = account.clone();
                        std::thread::spawn(move || converse(stream, peer.ip(), kept, account));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Sink {
            address,
            received,
            stop,
        }
    }

    /// `smtp://` and the address: plain SMTP, as `--smtp-url` takes it.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// The messages received once there are `n` (failing after 20 s), and
    /// after a further moment in which no more should come.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let start = Instant::now();
        while self.messages().len() < n {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{} of {n} messages came: {:?}",
                self.messages().len(),
                self.messages()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.messages()
    }
}

/// A free loopback address with nothing listening on it.
pub fn free_address() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("address")
}

/// The one account of a submission server, and its TLS.
#[derive(Clone)]
struct Account {
    tls: Arc<rustls::ServerConfig>,
    user: String,
    password: String,
}

/// The test certificate and key, for `localhost` and 127.0.0.1, signed by
/// `tests/fixtures/smtp-tls/ca.pem`.
fn server_config() -> rustls::ServerConfig {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/smtp-tls");
    let certs = CertificateDer::pem_file_iter(format!("{dir}/server.pem"))
        .expect("the certificate")
        .collect::<Result<Vec<_>, _>>()
        .expect("the certificate");
    let key = PrivateKeyDer::from_pem_file(format!("{dir}/server.key")).expect("the key");
    // ring, as lettre uses here; that it has no post-quantum key exchange
    // (its deprecation) is no matter on loopback.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("the server's TLS")
}

/// Keeps each message of one connection.
struct Keeper {
    received: Arc<Mutex<Vec<Received>>>,
    current: Received,
    /// The submission server's account; none for a plain server.
    account: Option<Account>,
    /// Whether TLS is on (set by the connection when it starts).
    tls: Arc<AtomicBool>,
    /// Who signed in.
    user: Option<String>,
}

impl Handler for Keeper {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        if self.account.is_some() && self.user.is_none() {
            return mailin::response::AUTHENTICATION_REQUIRED;
        }
        self.current = Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
            tls: self.tls.load(Ordering::Acquire),
            user: self.user.clone(),
        };
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = std::mem::take(&mut self.current);
        self.received.lock().expect("lock").push(message);
        mailin::response::OK
    }

    fn auth_plain(&mut self, _authorization_id: &str, user: &str, password: &str) -> Response {
        match &self.account {
            Some(account) if account.user == user && account.password == password => {
                self.user = Some(user.to_owned());
                mailin::response::AUTH_OK
            }
            _ => mailin::response::INVALID_CREDENTIALS,
        }
    }
}

/// A connection, plain or over TLS.
trait Io: Read + Write {}
impl<T: Read + Write> Io for T {}

/// One line from `io`, up to and with its line feed (a byte at a time, so
/// that nothing is read past it before TLS starts).
fn read_line(io: &mut dyn Io, line: &mut Vec<u8>) -> bool {
    line.clear();
    let mut byte = [0u8; 1];
    loop {
        match io.read(&mut byte) {
            Ok(0) | Err(_) => return !line.is_empty(),
            Ok(_) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return true;
                }
            }
        }
    }
}

fn converse(stream: TcpStream, peer: IpAddr, received: Arc<Mutex<Vec<Received>>>, account: Option<Account>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut builder = SessionBuilder::new("sink.test");
    if account.is_some() {
        builder.enable_start_tls().enable_auth(AuthMechanism::Plain);
    }
    let tls = Arc::new(AtomicBool::new(false));
    let keeper = Keeper {
        received,
        current: Received::default(),
        account: account.clone(),
        tls: tls.clone(),
        user: None,
    };
    let mut session = builder.build(peer, keeper);
    let mut io: Box<dyn Io> = Box::new(stream.try_clone().expect("clone"));
    if session.greeting().write_to(&mut io).is_err() {
        return;
    }
    let mut line = Vec::new();
    while read_line(io.as_mut(), &mut line) {
        let response = session.process(&line);
        match response.action {
            Action::Reply => {
                if response.write_to(&mut io).is_err() {
                    return;
                }
            }
            Action::Close => {
                let _ = response.write_to(&mut io);
                return;
            }
            Action::UpgradeTls => {
                let Some(account) = &account else { return };
                if response.write_to(&mut io).is_err() || io.flush().is_err() {
                    return;
                }
                let connection = rustls::ServerConnection::new(account.tls.clone()).expect("TLS");
                let tcp = stream.try_clone().expect("clone");
                io = Box::new(rustls::StreamOwned::new(connection, tcp));
                session.tls_active();
                tls.store(true, Ordering::Release);
            }
            Action::NoReply => {}
        }
        let _ = io.flush();
    }
}
