//! The harness: the real `scrutiny` binary on a fresh data dir (its own
//! private PostgreSQL, with the demo record), and headless Chromium driven
//! through chromedriver. Both are stopped when the test ends, pass or fail.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use serde::de::DeserializeOwned;
use serde_json::json;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_scrutiny");

/// A public page every browser check visits, and what shows it is the right one.
pub struct Page {
    pub path: &'static str,
    /// The page's one `h1`.
    pub heading: &'static str,
    /// Text somewhere on the page.
    pub shows: &'static str,
}

/// The public pages of the demo data, one of each kind, including the
/// "not found" page.
pub const PUBLIC_PAGES: &[Page] = &[
    Page {
        path: "/",
        heading: "Holding the Force to account",
        shows: "Stalking",
    },
    Page {
        path: "/meetings",
        heading: "All records",
        shows: "Stalking",
    },
    Page {
        path: "/meetings?topic=stalking&year=2024",
        heading: "All records",
        shows: "1 record",
    },
    Page {
        path: RECORD_PAGE,
        heading: "Stalking",
        shows: "Assured",
    },
    Page {
        path: "/meetings/2024-12-03-stalking/revisions",
        heading: "Revision history",
        shows: "First published",
    },
    Page {
        path: "/search",
        heading: "Search records",
        shows: "What you can search",
    },
    Page {
        path: "/search?q=stalk",
        heading: "Search records",
        shows: "1 record found",
    },
    Page {
        path: "/search?q=kangaroo&year=2024",
        heading: "Search records",
        shows: "Check the spelling",
    },
    Page {
        path: "/topics",
        heading: "Topics",
        shows: "Stalking",
    },
    Page {
        path: "/topics/stalking",
        heading: "Stalking",
        shows: "Assurance over time",
    },
    Page {
        path: "/actions",
        heading: "Actions",
        shows: "1 action",
    },
    Page {
        path: "/forward-plan",
        heading: "Forward plan",
        shows: "To be re-visited",
    },
    Page {
        path: "/data",
        heading: "Open data",
        shows: "RFC 4180",
    },
    Page {
        path: "/accessibility",
        heading: "Accessibility statement",
        shows: "version 2.2 AA",
    },
    Page {
        path: "/privacy",
        heading: "Privacy notice",
        shows: "one-way hash",
    },
    Page {
        path: "/alerts?topic=stalking",
        heading: "Get email alerts",
        shows: "Every record",
    },
    Page {
        path: "/alerts/requested",
        heading: "Check your email",
        shows: "Nothing else is sent",
    },
    Page {
        path: "/no-such-page",
        heading: "Page not found",
        shows: "There is no page at this address",
    },
];

/// The demo record's page.
pub const RECORD_PAGE: &str = "/meetings/2024-12-03-stalking";

/// A running app and a browser session on it.
pub struct Browser {
    pub client: Client,
    base: String,
    processes: Processes,
    /// The one-time password of the administrator the app made for its new
    /// database, as it printed it.
    pub admin_password: String,
}

impl Browser {
    /// Starts chromedriver, the app and a headless Chromium session.
    pub async fn start() -> Browser {
        let mut processes = Processes::new();
        let browser_dir = temp_dir("scrutiny-chromium-");
        let capabilities = chromium_capabilities(&browser_dir.path().join("profile"));
        let tmp = browser_dir.path().join("tmp");
        std::fs::create_dir(&tmp).expect("browser temp dir");
        processes.dirs.push(browser_dir);
        let driver_port = start_chromedriver(&mut processes, &tmp);
        let (base, admin_password) = start_app(&mut processes);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .unwrap_or_else(|e| panic!("Chromium did not start through chromedriver: {e}"));
        Browser {
            client,
            base,
            processes,
            admin_password,
        }
    }

    /// Ends the browser session, stops the app and checks it stopped cleanly.
    pub async fn finish(mut self) {
        self.client
            .clone()
            .close()
            .await
            .expect("the browser session ends");
        let status = self.processes.stop();
        assert!(
            status.is_some_and(|s| s.success()),
            "scrutiny did not stop cleanly on SIGTERM: {status:?}"
        );
    }

    /// Opens a page of the app, e.g. `/meetings`.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("{path} does not load: {e}"));
    }

    /// Opens one of [`PUBLIC_PAGES`] and checks it is the page expected.
    pub async fn open_page(&self, page: &Page) {
        self.open(page.path).await;
        let heading: String = self
            .eval("return document.querySelector('h1')?.innerText ?? ''")
            .await;
        assert_eq!(heading, page.heading, "the heading of {}", page.path);
        let text: String = self.eval("return document.body.innerText").await;
        assert!(
            text.contains(page.shows),
            "{} shows {:?}:\n{text}",
            page.path,
            page.shows
        );
    }

    /// Runs `script` (a function body: `return …`) and reads its result.
    pub async fn eval<T: DeserializeOwned>(&self, script: &str) -> T {
        let value = self
            .client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script fails: {e}\n{script}"));
        serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("unexpected script result {value}: {e}\n{script}"))
    }

    /// Sizes the window so that the page's viewport is `width` CSS pixels wide.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let (mut outer_width, mut outer_height) = (width, height);
        for _ in 0..3 {
            self.client
                .set_window_size(outer_width, outer_height)
                .await
                .expect("the window resizes");
            let (inner_width, inner_height): (u32, u32) =
                self.eval("return [window.innerWidth, window.innerHeight]").await;
            if inner_width == width {
                return;
            }
            // Window decorations, if any, take their share: ask for more.
            outer_width = (outer_width + width).saturating_sub(inner_width);
            outer_height = (outer_height + height).saturating_sub(inner_height);
        }
        let inner_width: u32 = self.eval("return window.innerWidth").await;
        assert_eq!(inner_width, width, "the viewport width after resizing");
    }

    /// Presses and releases one key, as a person at the keyboard does.
    pub async fn press(&self, key: Key) {
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        self.client
            .perform_actions(keys)
            .await
            .expect("the key is pressed");
    }
}

/// The children of one test, stopped when it ends, even by a panic.
struct Processes {
    app: Option<Child>,
    driver: Option<Child>,
    /// chromedriver's and the app's output.
    logs: TempDir,
    /// The app's data dir, the browser's profile and temp dir.
    dirs: Vec<TempDir>,
}

impl Processes {
    fn new() -> Processes {
        Processes {
            app: None,
            driver: None,
            logs: temp_dir("scrutiny-browser-logs-"),
            dirs: Vec::new(),
        }
    }

    fn log(&self, name: &str) -> PathBuf {
        self.logs.path().join(name)
    }

    /// Stops chromedriver and its browser, then the app; returns the app's exit.
    fn stop(&mut self) -> Option<ExitStatus> {
        if let Some(mut driver) = self.driver.take() {
            // Its own process group holds Chromium and its helpers too.
            let group = format!("-{}", driver.id());
            signal(&["-TERM", "--", &group]);
            let _ = wait(&mut driver, Duration::from_secs(10));
            let deadline = Instant::now() + Duration::from_secs(10);
            while signal(&["-0", "--", &group]) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            signal(&["-KILL", "--", &group]);
            let _ = driver.wait();
        }
        let mut app = self.app.take()?;
        signal(&["-TERM", &app.id().to_string()]);
        let status = wait(&mut app, Duration::from_secs(30));
        if status.is_none() {
            let _ = app.kill();
            let _ = app.wait();
        }
        status
    }
}

impl Drop for Processes {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs `kill` with `args`; true if it signalled something.
fn signal(args: &[&str]) -> bool {
    Command::new("kill")
        .args(args)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn wait(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return None,
        }
    }
    None
}

fn temp_dir(prefix: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("temp dir")
}

/// `chromedriver` from `CHROMEDRIVER`, else from `PATH`.
fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned())
}

/// Chromium from `CHROMIUM`, else Debian's.
fn chromium() -> PathBuf {
    let path = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()));
    assert!(
        path.exists(),
        "Chromium is not at {}: install it (Debian: apt-get install chromium chromium-driver) \
         or set CHROMIUM to its path",
        path.display()
    );
    path
}

/// What chromedriver prints once it listens, before the port it got.
const DRIVER_LISTENING: &str = "ChromeDriver was started successfully on port ";

/// Starts chromedriver in a process group of its own, with a temp dir of its
/// own that goes when the test ends, on a loopback port it chooses itself
/// (`--port=0`) and prints: no port is picked here and freed for it, which
/// another process could take in between. Returns the port.
fn start_chromedriver(processes: &mut Processes, tmp: &Path) -> u16 {
    let log_path = processes.log("chromedriver.log");
    let mut log = std::fs::File::create(&log_path).expect("log file");
    let mut child = Command::new(chromedriver())
        .arg("--port=0")
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(log.try_clone().expect("log file"))
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver cannot be started ({e}): install it (Debian: apt-get install \
                 chromium chromium-driver) or set CHROMEDRIVER to its path"
            )
        });
    let stdout = child.stdout.take().expect("stdout");
    processes.driver = Some(child);
    // Read its port, then keep copying its output to the log.
    let (sender, port) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = writeln!(log, "{line}");
            let listening = line
                .split_once(DRIVER_LISTENING)
                .map(|(_, rest)| rest.trim_end_matches('.').parse::<u16>());
            if let Some(Ok(port)) = listening {
                let _ = sender.send(port);
            }
        }
    });
    port.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|e| {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        panic!("chromedriver did not say which port it listens on ({e}):\n{log}")
    })
}

/// Starts `scrutiny serve` on a fresh data dir; returns its base address
/// and the first administrator's one-time password.
fn start_app(processes: &mut Processes) -> (String, String) {
    let data = temp_dir("scrutiny-browser-data-");
    let log_path = processes.log("scrutiny.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("scrutiny starts");
    processes.dirs.push(data);
    let stdout = child.stdout.take().expect("stdout");
    processes.app = Some(child);
    // Read its address, then keep draining its output so it never blocks.
    let (sender, address) = mpsc::channel();
    std::thread::spawn(move || {
        let mut password = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(p) = line.trim().strip_prefix("one-time password: ") {
                password = p.to_owned();
            }
            if let Some(address) = line.strip_prefix("scrutiny is serving on ") {
                let _ = sender.send((address.to_owned(), password.clone()));
            }
        }
    });
    address
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|e| {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            panic!("scrutiny did not print its address ({e}):\n{log}")
        })
}

/// Headless Chromium, as root, with a fresh profile and no network chatter.
fn chromium_capabilities(profile: &Path) -> Capabilities {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-crash-reporter",
        "--disable-breakpad",
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium(), "args": args },
    });
    match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("an object"),
    }
}

/// Where screenshots go: `target/screenshots/`, beside the built binary's profile dir.
pub fn screenshots_dir() -> PathBuf {
    let dir = Path::new(BIN)
        .ancestors()
        .nth(2)
        .expect("the target dir")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    dir
}
