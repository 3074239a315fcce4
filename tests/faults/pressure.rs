//! Scenarios of pressure from outside: a burst of sign-ins, a pool with no
//! connection free, a client that never finishes its headers, and input
//! that once gave 500s.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Answer, exchange, get, serve};

/// How long a public read may take while sign-ins are being checked.
const READ_LIMIT: Duration = Duration::from_secs(1);

/// The sign-in form's token and the cookie that carries it, or the answer
/// that was no form.
fn sign_in_form(address: &str) -> Result<(String, String), Answer> {
    let page = exchange(address, "GET /staff/login HTTP/1.1", b"");
    if page.status != 200 {
        return Err(page);
    }
    let cookie = page
        .headers
        .iter()
        .find(|(n, _)| n == "set-cookie")
        .and_then(|(_, v)| v.split(';').next())
        .expect("the form's cookie")
        .to_owned();
    let token = page
        .body
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's token")
        .to_owned();
    Ok((cookie, token))
}

/// A wrong password for `email`, sent as a browser sends the form, from
/// `client` as the app's proxy says.
pub fn guess(address: &str, email: &str, client: &str) -> Answer {
    let (cookie, token) = match sign_in_form(address) {
        Ok(form) => form,
        Err(answer) => return answer,
    };
    let body = format!("_csrf={token}&email={email}&password=guess+guess+guess");
    let head = format!(
        "POST /staff/login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nCookie: {cookie}\r\nX-Forwarded-For: {client}",
        body.len()
    );
    exchange(address, &head, body.as_bytes())
}

pub fn sign_in_burst(dir: &Path) -> String {
    let (mut server, address) = serve(&dir.join("data"), &["--cache-mb", "0", "--behind-proxy"]);
    assert_eq!(get(&address, "/meetings"), 200);
    let burst: Vec<_> = (1..=40u8)
        .map(|n| {
            let address = address.clone();
            std::thread::spawn(move || {
                let answer = guess(
                    &address,
                    &format!("guess{n}@opcc.example"),
                    &format!("198.51.100.{n}"),
                );
                (answer.status, answer.header("retry-after").map(str::to_owned))
            })
        })
        .collect();
    let mut reads = Vec::new();
    while burst.iter().any(|b| !b.is_finished()) {
        let started = Instant::now();
        assert_eq!(get(&address, "/meetings"), 200, "a public read during the burst");
        reads.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    let answers: Vec<_> = burst.into_iter().map(|b| b.join().expect("a sign-in")).collect();

    let count = |status: u16| answers.iter().filter(|(s, _)| *s == status).count();
    let (checked, busy) = (count(401), count(503));
    assert_eq!(checked + busy, answers.len(), "only 401s and 503s: {answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, after)| *s != 503 || after.as_deref() == Some("5")),
        "every 503 says when to come back: {answers:?}"
    );
    reads.sort();
    let slowest = *reads.last().expect("a read during the burst");
    let median = reads[reads.len() / 2];
    assert!(
        slowest < READ_LIMIT,
        "a public read took {slowest:?} during the burst"
    );
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!(
        "40 sign-ins from 40 addresses at once: {checked} checked (401), {busy} told to retry \
         (503, Retry-After: 5), none 500; {} public reads meanwhile, median {median:.0?}, slowest {slowest:.0?}",
        reads.len()
    )
}

/// `psql` on the private cluster of `data`, as its superuser, running
/// `sql`.
fn psql_command(data: &Path, sql: &str) -> Command {
    let bindir = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|dirs| {
        dirs.filter_map(Result::ok)
            .map(|d| d.path().join("bin/psql"))
            .max()
    });
    let program = bindir.filter(|p| p.is_file()).unwrap_or_else(|| "psql".into());
    let mut command = Command::new(program);
    command
        .arg("-h")
        .arg(data.join("run"))
        .args(["-U", "postgres", "-d", "scrutiny", "-At", "-c", sql])
        .stdin(Stdio::null());
    command
}

fn psql(data: &Path, sql: &str) -> std::process::Child {
    psql_command(data, sql)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("psql starts")
}

/// The rows `sql` returns, a line each.
pub fn psql_rows(data: &Path, sql: &str) -> Vec<String> {
    let output = crate::harness::run(&mut psql_command(data, sql)).expect("psql finishes");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

pub fn pool_exhausted(dir: &Path) -> String {
    let data = dir.join("data");
    let (mut server, address) = serve(&data, &["--cache-mb", "0", "--db-pool-size", "1"]);
    assert_eq!(get(&address, "/meetings"), 200);
    // The one connection is taken by a read that waits on a lock.
    let mut locker = psql(
        &data,
        "begin; lock table public_record in access exclusive mode; select pg_sleep(8); commit;",
    );
    std::thread::sleep(Duration::from_secs(1));
    let waiting = {
        let address = address.clone();
        std::thread::spawn(move || get(&address, "/meetings"))
    };
    std::thread::sleep(Duration::from_secs(1));

    let started = Instant::now();
    let refused = exchange(&address, "GET /meetings?year=2024 HTTP/1.1", b"");
    let answered_in = started.elapsed();

    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.header("retry-after"), Some("5"));
    assert!(refused.body.contains("Service unavailable"), "{}", refused.body);
    // The pool waits 500 ms; the rest is the request itself on a busy
    // machine (1.7 s once, with the machine loaded by a benchmark's
    // sampling). A request that waited for the lock would take 6 s more.
    assert!(
        answered_in < Duration::from_millis(3000),
        "answered after {answered_in:?}"
    );
    assert!(locker.wait().is_ok_and(|s| s.success()), "the lock was held");
    assert_eq!(
        waiting.join().expect("the waiting read"),
        200,
        "the held read ends well"
    );
    assert_eq!(get(&address, "/meetings"), 200, "served again");
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!(
        "--db-pool-size 1, its connection held by a read waiting on a lock: the next read was answered \
         503 with Retry-After: 5 in {answered_in:.0?}; both served once the lock went"
    )
}

/// What a client that sends one header line every two seconds and never
/// ends its request sees: how long until the server hangs up.
pub fn slow_loris(dir: &Path) -> String {
    let (mut server, address) = serve(&dir.join("data"), &["--no-demo"]);
    let mut stream = TcpStream::connect(&address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let started = Instant::now();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: slow\r\n")
        .expect("the first line");
    let mut last_line = Instant::now();
    let mut buffer = [0u8; 1024];
    let closed_after = loop {
        match stream.read(&mut buffer) {
            Ok(0) => break started.elapsed(),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break started.elapsed(),
        }
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "the connection was still open after 45 s"
        );
        if last_line.elapsed() >= Duration::from_secs(2) {
            if stream.write_all(b"X-Slow: still coming\r\n").is_err() {
                break started.elapsed();
            }
            last_line = Instant::now();
            assert_eq!(get(&address, "/health"), 200, "others are served meanwhile");
        }
    };
    assert!(
        closed_after <= Duration::from_secs(33),
        "closed after {closed_after:?}"
    );
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!(
        "a client sending a header line every 2 s was cut off after {closed_after:.1?}; /health served meanwhile"
    )
}

pub fn input_that_gave_500s(dir: &Path) -> String {
    let (mut server, address) = serve(&dir.join("data"), &[]);
    let requests = [
        "/meetings?topic=%00",
        "/actions?owner=%00",
        "/search?q=x&topic=%00",
        "/search?q=%00",
        "/meetings/%00",
        "/topics/%FF",
        "/meetings?year=abc",
        "/meetings?page=-1",
        "/staff/login?next=%0A",
    ];
    let mut seen = Vec::new();
    for path in requests {
        let answer = exchange(&address, &format!("GET {path} HTTP/1.1"), b"");
        assert!(
            (200..500).contains(&answer.status),
            "{path} answered {}: {}",
            answer.status,
            answer.body
        );
        if answer.status >= 400 {
            assert!(answer.body.contains("<main"), "{path}: not in the site's layout");
        }
        seen.push(format!("{path} {}", answer.status));
    }
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    format!(
        "none 5xx, every refusal in the site's layout: {}",
        seen.join(", ")
    )
}
