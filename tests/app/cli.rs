//! The `scrutiny` binary on its embedded default: start, serve, stop, restart.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scrutiny");

/// The longest a child may take to start serving, or a command to finish:
/// a first start makes a PostgreSQL cluster, on a busy machine.
const START_LIMIT: Duration = Duration::from_secs(120);
/// The longest a server may take to stop on SIGTERM, or to answer.
const STOP_LIMIT: Duration = Duration::from_secs(30);

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("scrutiny-cli-")
        .tempdir()
        .expect("temp dir")
}

/// A child process of a test. Dropped, pass or fail, it is stopped as a
/// person would stop it (SIGTERM, so that it stops its PostgreSQL too),
/// killed if it does not stop in time, and always waited for: no server or
/// cluster outlives its test. Its standard output is read on a thread of its
/// own, so that every read has a time limit and a silent child cannot hang
/// the run.
pub struct Guarded {
    child: Child,
    /// Its standard output, line by line, when it is read as it comes.
    lines: Option<mpsc::Receiver<String>>,
}

impl Guarded {
    /// Starts `command` with its standard output piped to us.
    fn spawn(command: &mut Command) -> Guarded {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("scrutiny starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Guarded {
            child,
            lines: Some(lines),
        }
    }

    /// Reads standard output up to the "serving" line, within
    /// `START_LIMIT`; returns the address and every line read.
    fn until_serving(&self) -> (String, Vec<String>) {
        let deadline = Instant::now() + START_LIMIT;
        let read = self.lines.as_ref().expect("output read line by line");
        let mut lines = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match read.recv_timeout(left) {
                Ok(line) => {
                    let address = line
                        .strip_prefix("scrutiny is serving on http://")
                        .map(str::to_owned);
                    lines.push(line);
                    if let Some(address) = address {
                        return (address, lines);
                    }
                }
                Err(e) => panic!("scrutiny did not print its address ({e}); it printed {lines:?}"),
            }
        }
    }

    /// Kills it with SIGKILL, as a crash would, and waits for it.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Sends SIGTERM and waits, within `STOP_LIMIT`, for the exit.
    fn terminate(&mut self) -> ExitStatus {
        signal("-TERM", &self.child);
        let status = wait(&mut self.child, STOP_LIMIT);
        status.unwrap_or_else(|| panic!("scrutiny did not stop on SIGTERM within {STOP_LIMIT:?}"))
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        signal("-TERM", &self.child);
        if wait(&mut self.child, STOP_LIMIT).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn signal(signal: &str, child: &Child) {
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .stderr(Stdio::null())
        .status();
}

/// The child's exit, if it comes within `limit`.
fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `command` to the end with `stdin` piped in, within `START_LIMIT`;
/// one that takes longer is stopped (see `Guarded`) and the test fails.
pub fn run(command: &mut Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let (mut input, stdin) = (child.stdin.take().expect("stdin"), stdin.to_owned());
    // Written and read on threads, so that a full pipe blocks no one.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let stdout = read_all(child.stdout.take().expect("stdout"));
    let stderr = read_all(child.stderr.take().expect("stderr"));
    let mut guard = Guarded { child, lines: None };
    let Some(status) = wait(&mut guard.child, START_LIMIT) else {
        panic!("{command:?} did not finish within {START_LIMIT:?}");
    };
    let _ = writer.join();
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// `scrutiny serve` on a port of the system's choosing (it binds port 0
/// and prints the address it got); returns it and its address.
pub fn serve(data_dir: &Path, extra: &[&str]) -> (Guarded, String) {
    let child = Guarded::spawn(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .env_remove("DATABASE_URL")
            .stderr(Stdio::null()),
    );
    let (address, _) = child.until_serving();
    (child, address)
}

/// A plain HTTP/1.1 GET, answered within `STOP_LIMIT`; returns the status
/// code and body.
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream.set_read_timeout(Some(STOP_LIMIT)).expect("read timeout");
    stream.set_write_timeout(Some(STOP_LIMIT)).expect("write timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("writes");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

pub fn terminate(mut child: Guarded) -> ExitStatus {
    child.terminate()
}

fn socket(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("run/.s.PGSQL.5432")
}

#[test]
fn serve_runs_its_own_cluster_loads_the_demo_and_stops_on_sigterm() {
    let dir = temp_dir();
    let (child, address) = serve(dir.path(), &[]);
    assert_eq!(get(&address, "/health"), (200, "ok".to_owned()));
    let (status, body) = get(&address, "/meetings/2024-12-03-stalking");
    assert_eq!(status, 200);
    assert!(body.contains("Stalking Protection Orders"));
    assert!(dir.path().join("pg/PG_VERSION").exists());
    assert!(std::os::unix::net::UnixStream::connect(socket(dir.path())).is_ok());

    let status = terminate(child);
    assert!(status.success(), "{status:?}");
    assert!(
        std::os::unix::net::UnixStream::connect(socket(dir.path())).is_err(),
        "PostgreSQL is stopped with the app"
    );
    assert!(!dir.path().join("pg/postmaster.pid").exists());

    // The next start reuses the data, and does not load the demo twice.
    let (child, address) = serve(dir.path(), &[]);
    let (_, list) = get(&address, "/meetings");
    assert_eq!(list.matches("href=\"/meetings/2024-12-03-stalking\"").count(), 1);
    assert!(terminate(child).success());
}

#[test]
fn no_demo_leaves_a_new_database_empty() {
    let dir = temp_dir();
    let (child, address) = serve(dir.path(), &["--no-demo"]);
    assert_eq!(get(&address, "/meetings/2024-12-03-stalking").0, 404);
    assert!(terminate(child).success());
}

#[test]
fn a_killed_server_does_not_block_the_next_start() {
    let dir = temp_dir();
    let (mut child, _) = serve(dir.path(), &["--no-demo"]);
    child.kill();
    // Its PostgreSQL notices and stops; a pid file naming a live process
    // that is not PostgreSQL (as after a reboot) must not block us either.
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::os::unix::net::UnixStream::connect(socket(dir.path())).is_ok() {
        assert!(Instant::now() < deadline, "orphaned PostgreSQL did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid_file = dir.path().join("pg/postmaster.pid");
    std::fs::write(
        &pid_file,
        format!("{}\n{}\n", std::process::id(), dir.path().join("pg").display()),
    )
    .expect("stale pid file");
    let (child, address) = serve(dir.path(), &["--no-demo"]);
    assert_eq!(get(&address, "/health").0, 200);
    assert!(terminate(child).success());
}

#[test]
fn missing_postgresql_binaries_get_a_clear_message() {
    let dir = temp_dir();
    let output = run(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .env("PG_BINDIR", dir.path().join("nowhere")),
        "",
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no PostgreSQL server binaries found"), "{stderr}");
    assert!(
        stderr.contains("apt-get install postgresql") && stderr.contains("DATABASE_URL"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_database_gets_one_line_and_a_failure_exit() {
    let output = run(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("DATABASE_URL", "postgres://nobody@127.0.0.1:9/nothing"),
        "",
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("cannot reach the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_malformed_database_url_is_explained() {
    let output = run(Command::new(BIN).env("DATABASE_URL", "not a url"), "");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DATABASE_URL is not a valid PostgreSQL address"),
        "{stderr}"
    );
}

/// Runs `scrutiny user add …` on `data_dir` with `password` piped in.
pub(crate) fn user_add(data_dir: &Path, email: &str, role: &str, password: &str) -> std::process::Output {
    run(
        Command::new(BIN)
            .args([
                "user",
                "add",
                email,
                "--role",
                role,
                "--name",
                "Test Person",
                "--data-dir",
            ])
            .arg(data_dir)
            .env_remove("DATABASE_URL"),
        password,
    )
}

#[test]
fn user_add_takes_a_piped_password_with_or_without_a_running_server() {
    let dir = temp_dir();
    // No server running: the command starts the cluster for itself.
    let added = user_add(
        dir.path(),
        "Officer@OPCC.example",
        "staff",
        "correct horse battery staple\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        String::from_utf8_lossy(&added.stdout).contains("Created the staff account officer@opcc.example")
    );
    assert!(
        std::os::unix::net::UnixStream::connect(socket(dir.path())).is_err(),
        "the cluster it started is stopped again"
    );
    // With a server running on the same data dir, it uses that server.
    let (child, address) = serve(dir.path(), &["--no-demo"]);
    let added = user_add(
        dir.path(),
        "pcc@opcc.example",
        "pcc",
        "another long password here",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let again = user_add(
        dir.path(),
        "officer@opcc.example",
        "staff",
        "correct horse battery staple",
    );
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("there is already an account for officer@opcc.example")
    );
    assert_eq!(get(&address, "/health").0, 200, "the server is unaffected");
    assert!(terminate(child).success());
}

#[test]
fn user_add_refuses_a_short_password_and_a_bad_role() {
    let dir = temp_dir();
    let short = user_add(dir.path(), "officer@opcc.example", "staff", "short\n");
    assert!(!short.status.success());
    let stderr = String::from_utf8_lossy(&short.stderr);
    assert!(stderr.contains("at least 12 characters"), "{stderr}");
    let bad_role = user_add(
        dir.path(),
        "officer@opcc.example",
        "king",
        "correct horse battery staple",
    );
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("invalid value 'king'"));
}

#[test]
fn a_new_database_gets_a_one_time_admin_printed_once() {
    let dir = temp_dir();
    let child = Guarded::spawn(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--no-demo", "--data-dir"])
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .stderr(Stdio::null()),
    );
    let (_, lines) = child.until_serving();
    assert!(
        lines.iter().any(|l| l.trim() == "email: admin@localhost"),
        "{lines:?}"
    );
    let password = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("one-time password: "))
        .expect("password");
    assert_eq!(password.len(), 20);
    let status = terminate(child);
    assert!(status.success(), "{status:?}");
    let child = Guarded::spawn(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .stderr(Stdio::null()),
    );
    let (_, lines) = child.until_serving();
    assert!(
        !lines.iter().any(|l| l.contains("one-time password")),
        "{lines:?}"
    );
    assert!(terminate(child).success());
}

/// The pid of the postmaster serving `data_dir`: the first line of its
/// `postmaster.pid`.
fn postmaster_pid(data_dir: &Path) -> String {
    let text = std::fs::read_to_string(data_dir.join("pg/postmaster.pid")).expect("postmaster.pid");
    text.lines().next().expect("a pid").trim().to_owned()
}

/// Asks `/health` of `address` until it has answered 503 and then 200,
/// within `limit`; returns the answers in order (repeats left out).
fn health_goes_down_and_up(address: &str, limit: Duration) -> Vec<u16> {
    let deadline = Instant::now() + limit;
    let mut seen: Vec<u16> = Vec::new();
    loop {
        let (status, _) = get(address, "/health");
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        if status == 200 && seen.contains(&503) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "/health of {address} answered {seen:?} within {limit:?}, not 503 then 200"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_killed_postgresql_is_started_again_and_the_site_serves_again() {
    let dir = temp_dir();
    let (own, address) = serve(dir.path(), &["--no-demo", "--cache-mb", "0"]);
    // A second instance on the same server through DATABASE_URL, as on an
    // external PostgreSQL: it only connects again.
    let url = format!(
        "postgres://postgres@localhost/scrutiny?host={}",
        dir.path().canonicalize().expect("dir").join("run").display()
    );
    let external = Guarded::spawn(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--cache-mb", "0"])
            .env("DATABASE_URL", &url)
            .stderr(Stdio::null()),
    );
    let (external_address, _) = external.until_serving();
    let added = user_add(
        dir.path(),
        "kept@opcc.example",
        "staff",
        "correct horse battery staple",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let killed = postmaster_pid(dir.path());

    let status = Command::new("kill")
        .args(["-KILL", &killed])
        .status()
        .expect("kill");
    assert!(status.success());

    // Both watched at once: either may see the server come back first.
    let watch_external =
        std::thread::spawn(move || health_goes_down_and_up(&external_address, Duration::from_secs(30)));
    let seen = health_goes_down_and_up(&address, Duration::from_secs(30));
    assert_eq!(seen.last(), Some(&200), "{seen:?}");
    let seen = watch_external.join().expect("the external instance's /health");
    assert_eq!(seen.last(), Some(&200), "{seen:?}");
    assert_ne!(postmaster_pid(dir.path()), killed, "a new postmaster");
    let again = user_add(
        dir.path(),
        "kept@opcc.example",
        "staff",
        "correct horse battery staple",
    );
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("there is already an account for kept@opcc.example"),
        "the committed account is still there: {}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(get(&address, "/meetings").0, 200);
    assert!(terminate(external).success());
    assert!(terminate(own).success());
    assert!(
        std::os::unix::net::UnixStream::connect(socket(dir.path())).is_err(),
        "the restarted PostgreSQL is stopped with the app"
    );
}
