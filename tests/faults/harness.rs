//! Running the binary as a person would, with a time limit on
//! everything: no child outlives its scenario, and no read can hang.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest a server may take to start, or a command to finish.
pub const START_LIMIT: Duration = Duration::from_secs(180);
/// The longest a server may take to stop, or to answer.
pub const STOP_LIMIT: Duration = Duration::from_secs(30);

/// The binary under test: `SCRUTINY_BIN` (the release build, say), else the
/// one cargo built beside this test.
pub fn binary() -> PathBuf {
    let path = std::env::var_os("SCRUTINY_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_scrutiny")), PathBuf::from);
    assert!(
        path.is_file(),
        "{} is missing: name a built binary with SCRUTINY_BIN",
        path.display()
    );
    path
}

/// A command of the binary on the private cluster in `data_dir`.
pub fn scrutiny(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary());
    command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL");
    command
}

/// A child process. Dropped, it gets SIGTERM (so that it stops its
/// PostgreSQL), SIGKILL if it does not stop in time, and is waited for.
pub struct Guarded {
    pub child: Child,
    lines: mpsc::Receiver<String>,
}

impl Guarded {
    /// Starts `command`, reading the output it is asked to (`stdout` or
    /// standard error) line by line on a thread of its own.
    pub fn spawn(command: &mut Command, read_stderr: bool) -> Guarded {
        let mut child = if read_stderr {
            command.stdout(Stdio::null()).stderr(Stdio::piped())
        } else {
            command.stdout(Stdio::piped()).stderr(Stdio::null())
        }
        .spawn()
        .expect("scrutiny starts");
        let pipe: Box<dyn Read + Send> = if read_stderr {
            Box::new(child.stderr.take().expect("stderr"))
        } else {
            Box::new(child.stdout.take().expect("stdout"))
        };
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Guarded { child, lines }
    }

    /// Reads lines until one satisfies `wanted`, within `limit`.
    pub fn until(&self, limit: Duration, wanted: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + limit;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if wanted(&line) => return Ok(line),
                Ok(line) => seen.push(line),
                Err(e) => return Err(format!("{e} after {seen:?}")),
            }
        }
    }

    /// SIGKILL, as a crash would, and wait.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and the exit within `STOP_LIMIT`.
    pub fn terminate(&mut self) -> Option<ExitStatus> {
        signal("-TERM", &self.child.id().to_string());
        wait(&mut self.child, STOP_LIMIT)
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        if self.terminate().is_none() {
            self.kill();
        }
    }
}

/// Sends `signal` (`-TERM`, `-KILL`) to process `pid`.
pub fn signal(signal: &str, pid: &str) -> bool {
    Command::new("kill")
        .args([signal, pid])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `command` to the end within `START_LIMIT` (a child that takes
/// longer is stopped, and `None` returned).
pub fn run(command: &mut Command) -> Option<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr")));
    let status = wait(&mut child, START_LIMIT);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    Some(Output {
        status: status?,
        stdout: stdout.join().ok()?,
        stderr: stderr.join().ok()?,
    })
}

/// `scrutiny serve` on a port of the system's choosing, with `extra`
/// flags; returns it and its address.
pub fn serve(data_dir: &Path, extra: &[&str]) -> (Guarded, String) {
    let mut command = scrutiny(data_dir, &["serve", "--listen", "127.0.0.1:0"]);
    command.args(extra);
    let child = Guarded::spawn(&mut command, false);
    let line = child
        .until(START_LIMIT, |l| l.starts_with("scrutiny is serving on http://"))
        .unwrap_or_else(|e| panic!("scrutiny did not serve: {e}"));
    let address = line
        .trim_start_matches("scrutiny is serving on http://")
        .to_owned();
    (child, address)
}

/// One HTTP/1.1 exchange, answered within `STOP_LIMIT`: the status, the
/// headers (names in lower case) and the body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `head` (the request line and headers, without the blank line)
/// and `body`, and reads the answer; status 0 when none came.
pub fn exchange(address: &str, head: &str, body: &[u8]) -> Answer {
    let none = || Answer {
        status: 0,
        headers: Vec::new(),
        body: String::new(),
    };
    let Ok(mut stream) = TcpStream::connect(address) else {
        return none();
    };
    let _ = stream.set_read_timeout(Some(STOP_LIMIT));
    let _ = stream.set_write_timeout(Some(STOP_LIMIT));
    let request = format!("{head}\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return none();
    }
    let _ = stream.write_all(body);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return none();
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// A GET's status.
pub fn get(address: &str, path: &str) -> u16 {
    exchange(address, &format!("GET {path} HTTP/1.1"), b"").status
}
