//! A real SMTP server for the mail tests: mailin's protocol over a TCP
//! listener on loopback, a thread a connection, keeping every message it
//! accepts. It stops when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{Action, Handler, Response, SessionBuilder};

/// A message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent: headers, a blank line, the body.
    pub data: String,
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
        Sink::on(TcpListener::bind("127.0.0.1:0").expect("a free port"))
    }

    /// A server at `address` (which was free a moment ago).
    pub fn at(address: SocketAddr) -> Sink {
        Sink::on(TcpListener::bind(address).expect("the address"))
    }

    fn on(listener: TcpListener) -> Sink {
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
                        std::thread::spawn(move || converse(stream, peer.ip(), kept));
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

/// Keeps each message of one connection.
struct Keeper {
    received: Arc<Mutex<Vec<Received>>>,
    current: Received,
}

impl Handler for Keeper {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
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
}

fn converse(stream: TcpStream, peer: IpAddr, received: Arc<Mutex<Vec<Received>>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut writer = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let keeper = Keeper {
        received,
        current: Received::default(),
    };
    let mut session = SessionBuilder::new("sink.test").build(peer, keeper);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = session.process(&line);
        match response.action {
            Action::Reply => {
                if response.write_to(&mut writer).is_err() {
                    return;
                }
            }
            Action::Close => {
                let _ = response.write_to(&mut writer);
                return;
            }
            Action::NoReply | Action::UpgradeTls => {}
        }
        let _ = writer.flush();
    }
}
