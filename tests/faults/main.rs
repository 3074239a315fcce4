//! Faults and attacks on the binary, run one after another: each
//! scenario starts what it needs on a fresh data dir, does the damage, and
//! says what it saw; one table of scenario → result is printed at the end,
//! and the run fails if any scenario did.
//!
//! Slower than the integration tests, so the plain `cargo test` skips them;
//! `.ci/run` runs them on the binary cargo builds for the tests (set
//! `SCRUTINY_BIN=target/release/scrutiny` to try the release build):
//!
//! ```sh
//! cargo test --test faults -- --ignored --nocapture
//! ```

mod attacks;
mod harness;
mod pressure;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use harness::{Guarded, exchange, get, run, scrutiny, serve, signal};

/// The most a recovery may take.
const RECOVERY_LIMIT: Duration = Duration::from_secs(30);

type Scenario = fn(&Path) -> String;

const SCENARIOS: &[(&str, Scenario)] = &[
    (
        "kill -9 of the private PostgreSQL under a serving app, under load",
        postgres_killed,
    ),
    (
        "SIGKILL of the app in the middle of a save (a restore's one transaction)",
        killed_mid_save,
    ),
    (
        "a body larger than any route takes (Content-Length: 60000000)",
        big_body,
    ),
    (
        "a burst of sign-ins while the public reads (cache off)",
        pressure::sign_in_burst,
    ),
    (
        "no database connection free (pool of one, held)",
        pressure::pool_exhausted,
    ),
    ("a slow-loris client", pressure::slow_loris),
    ("input that once gave 500s", pressure::input_that_gave_500s),
    (
        "restore of an export whose record file links to a root-only file",
        attacks::restore_of_an_edited_export,
    ),
    (
        "the disk holding PostgreSQL full (a 200 MB tmpfs)",
        attacks::disk_full,
    ),
];

#[test]
#[ignore = "slow: cargo test --test faults -- --ignored --nocapture"]
fn faults() {
    harness::binary();
    let mut table = Vec::new();
    for (name, scenario) in SCENARIOS {
        let dir = tempfile::Builder::new()
            .prefix("scrutiny-faults-")
            .tempdir()
            .expect("temp dir");
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| scenario(dir.path())));
        let seconds = started.elapsed().as_secs_f64();
        let result = match outcome {
            Ok(detail) => format!("ok ({seconds:.1} s): {detail}"),
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                format!("FAILED ({seconds:.1} s): {why}")
            }
        };
        table.push((*name, result));
    }
    let width = table.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    println!("\n{:width$} | result", "scenario");
    println!("{}-|-{}", "-".repeat(width), "-".repeat(6));
    for (name, result) in &table {
        println!("{name:width$} | {result}");
    }
    let failed = table.iter().filter(|(_, r)| r.starts_with("FAILED")).count();
    assert_eq!(failed, 0, "{failed} of {} scenarios failed", table.len());
}

/// Asks `/health` until it has answered 503 and then 200; the answers in
/// order, repeats left out.
fn health_down_then_up(address: &str) -> Vec<u16> {
    let deadline = Instant::now() + RECOVERY_LIMIT;
    let mut seen: Vec<u16> = Vec::new();
    loop {
        let status = get(address, "/health");
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        if status == 200 && seen.contains(&503) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "/health answered {seen:?} within {RECOVERY_LIMIT:?}, not 503 then 200"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn postmaster_pid(data_dir: &Path) -> String {
    let text = std::fs::read_to_string(data_dir.join("pg/postmaster.pid")).expect("postmaster.pid");
    text.lines().next().expect("a pid").trim().to_owned()
}

fn postgres_killed(dir: &Path) -> String {
    let data = dir.join("data");
    let (mut server, address) = serve(&data, &["--no-demo", "--cache-mb", "0", "--behind-proxy"]);
    let added = add_account(&data, "kept@opcc.example");
    assert!(added, "the account is made");
    let killed = postmaster_pid(&data);
    let load = Load::start(&address);
    std::thread::sleep(Duration::from_secs(1));

    assert!(signal("-KILL", &killed), "kill -9 {killed}");
    let started = Instant::now();
    let seen = health_down_then_up(&address);
    let back_in = started.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(1));
    let (acknowledged, refused, reads) = load.stop();

    assert_ne!(postmaster_pid(&data), killed, "a new postmaster");
    assert!(
        !add_account(&data, "kept@opcc.example"),
        "the committed account is still there"
    );
    let stored = pressure::psql_rows(&data, "select email from sign_in_attempt");
    let lost: Vec<_> = acknowledged.iter().filter(|e| !stored.contains(e)).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    assert!(acknowledged.len() >= 2, "writes went through: {acknowledged:?}");
    assert!(
        refused.iter().all(|s| *s == 503),
        "while down, only 503s: {refused:?}"
    );
    assert_eq!(get(&address, "/meetings"), 200);
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!(
        "under load ({reads} reads, {} writes acknowledged, {} refused with 503 while down): \
         /health went {seen:?}, back in {back_in:.1} s; every acknowledged write and the committed account kept",
        acknowledged.len(),
        refused.len()
    )
}

/// Reads of `/meetings` and writes (sign-in attempts, each stored before
/// its 401) sent one after another on two threads until stopped.
struct Load {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    writer: std::thread::JoinHandle<(Vec<String>, Vec<u16>)>,
    reader: std::thread::JoinHandle<usize>,
}

impl Load {
    fn start(address: &str) -> Load {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (stop, address) = (stop.clone(), address.to_owned());
            std::thread::spawn(move || {
                let (mut acknowledged, mut refused) = (Vec::new(), Vec::new());
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let email = format!("load{n}@opcc.example");
                    let client = format!("198.18.{}.{}", n / 250, n % 250);
                    match pressure::guess(&address, &email, &client).status {
                        401 => acknowledged.push(email),
                        status => refused.push(status),
                    }
                }
                (acknowledged, refused)
            })
        };
        let reader = {
            let (stop, address) = (stop.clone(), address.to_owned());
            std::thread::spawn(move || {
                let mut reads = 0;
                while !stop.load(Ordering::Relaxed) {
                    let _ = get(&address, "/meetings");
                    reads += 1;
                }
                reads
            })
        };
        Load { stop, writer, reader }
    }

    /// The writes acknowledged, the statuses of those refused, and how
    /// many reads were made.
    fn stop(self) -> (Vec<String>, Vec<u16>, usize) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (acknowledged, refused) = self.writer.join().expect("the writer");
        (acknowledged, refused, self.reader.join().expect("the reader"))
    }
}

/// `scrutiny user add EMAIL` with a password piped in; whether it made it.
fn add_account(data: &Path, email: &str) -> bool {
    use std::io::Write;
    let mut child = scrutiny(data, &["user", "add", email, "--role", "staff"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("user add");
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse battery staple\n");
    let mut guard = GuardedChild(child);
    let deadline = Instant::now() + harness::START_LIMIT;
    loop {
        if let Ok(Some(status)) = guard.0.try_wait() {
            return status.success();
        }
        assert!(Instant::now() < deadline, "user add did not finish");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A short-lived child, killed if a scenario fails while it runs.
struct GuardedChild(std::process::Child);

impl Drop for GuardedChild {
    fn drop(&mut self) {
        if !matches!(self.0.try_wait(), Ok(Some(_))) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn killed_mid_save(dir: &Path) -> String {
    let (source, target, export) = (dir.join("source"), dir.join("target"), dir.join("export"));
    let records = "300";
    let sampled = run(&mut scrutiny(&source, &["sample", "--records", records])).expect("sample finishes");
    assert!(
        sampled.status.success(),
        "{}",
        String::from_utf8_lossy(&sampled.stderr)
    );
    let exported = run(scrutiny(&source, &["export"]).arg(&export)).expect("export finishes");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    // The target's cluster runs under a server, so that it outlives the
    // killed restore.
    let (mut server, address) = serve(&target, &["--no-demo", "--cache-mb", "0"]);
    let mut restore = scrutiny(&target, &["restore"]);
    restore.arg(&export);
    let mut restoring = Guarded::spawn(&mut restore, true);
    let line = restoring
        .until(harness::START_LIMIT, |l| l.starts_with("restored 100 of"))
        .expect("the restore reports its progress");

    restoring.kill();

    assert_eq!(get(&address, "/health"), 200);
    let mut check = scrutiny(&target, &["export"]);
    let left = run(check.arg(dir.join("after-kill"))).expect("export finishes");
    let said = String::from_utf8_lossy(&left.stdout);
    assert!(said.contains("Exported 0 records"), "nothing landed: {said}");
    let again = run(restore.stdout(std::process::Stdio::piped())).expect("restore finishes");
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        again.status.success() && said.contains(&format!("Restored {records} records")),
        "all of it restores afterwards: {said} {}",
        String::from_utf8_lossy(&again.stderr)
    );
    let verified = run(&mut scrutiny(&target, &["verify"])).expect("verify finishes");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!("killed after \"{line}\": no row; restored again, all {records} records, verify passes")
}

fn big_body(dir: &Path) -> String {
    let (mut server, address) = serve(&dir.join("data"), &["--no-demo"]);
    let answer = exchange(
        &address,
        "POST /staff/import HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 60000000",
        b"--x\r\n",
    );
    assert_eq!(answer.status, 413, "{:?}", answer.headers);
    for header in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "cache-control",
    ] {
        assert!(
            answer.header(header).is_some(),
            "413 without {header}: {:?}",
            answer.headers
        );
    }
    assert_eq!(get(&address, "/health"), 200, "the server is unaffected");
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!(
        "413 ({:?}) with Content-Security-Policy, nosniff, X-Frame-Options, Referrer-Policy and no-store",
        answer.body.trim()
    )
}
