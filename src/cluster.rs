//! A private PostgreSQL cluster, run from the server binaries on the machine.
//!
//! Only start-up, the command line and the test harness use this module. The
//! cluster lives in `DATA_DIR/pg`, listens on a Unix socket only (so no TCP
//! port can clash) and is owned by the `postgres` user when we run as root,
//! since PostgreSQL refuses to run as root.
//!
//! The server runs under a tiny `sh` wrapper whose standard input is a pipe
//! from this process: when the pipe closes, because we stop the cluster or
//! because this process died, the wrapper asks PostgreSQL for a fast shutdown.
//! So a killed `scrutiny` never leaves a server behind. The wrapper exits
//! when PostgreSQL does: a supervisor thread notices a server that died
//! (`kill -9`, the OOM killer) and starts it again, with backoff, logging
//! why; the app's pool connects again by itself once it is back.

use std::fs;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;

mod supervise;
use supervise::Server;

/// What can go wrong running the private cluster; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "no PostgreSQL server binaries found (looked in $PG_BINDIR, `pg_config --bindir`, \
         /usr/lib/postgresql/*/bin and PATH). Install them (Debian: `apt-get install postgresql`) \
         or set DATABASE_URL to use an existing server"
    )]
    NoBinaries,
    #[error(
        "running as root, but there is no `postgres` user to run PostgreSQL as: create one, or set DATABASE_URL"
    )]
    NoPostgresUser,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is not empty and holds no PostgreSQL cluster; choose another --data-dir")]
    NotACluster(PathBuf),
    #[error("initdb failed:\n{0}")]
    Initdb(String),
    #[error("PostgreSQL did not start; the end of its log ({log}):\n{tail}")]
    Start { log: PathBuf, tail: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ClusterError + '_ {
    move |source| ClusterError::Io {
        path: path.to_owned(),
        source,
    }
}

/// How the cluster is run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Throw-away data (tests): no fsync, and the whole folder is removed when
    /// the cluster stops. Never for the app's own data. Not supervised: its
    /// data is gone once its server stops.
    pub ephemeral: bool,
}

/// A running private cluster (ours, or one another `scrutiny` process runs on
/// the same data dir).
#[derive(Debug)]
pub struct Cluster {
    socket_dir: PathBuf,
    /// The server we started; `None` when another process owns the server.
    server: Option<Server>,
}

/// Everything needed to start the server again.
#[derive(Debug, Clone)]
struct Launch {
    bindir: PathBuf,
    pgdata: PathBuf,
    socket_dir: PathBuf,
    log: PathBuf,
    owner: Option<(u32, u32)>,
    options: Options,
}

/// The longest a server may take to accept connections after a start
/// (crash recovery included).
const READY_LIMIT: Duration = Duration::from_secs(60);

impl Cluster {
    /// Starts the cluster in `data_dir`, creating it first if needed. When a
    /// server is already running on this data dir, connects to that one.
    ///
    /// A server we start (not an ephemeral one) is supervised: when
    /// PostgreSQL dies, it is started again, with backoff, until it is
    /// back or the cluster is stopped.
    pub fn open(data_dir: &Path, options: Options) -> Result<Cluster, ClusterError> {
        fs::create_dir_all(data_dir).map_err(io(data_dir))?;
        let data_dir = data_dir.canonicalize().map_err(io(data_dir))?;
        let pgdata = data_dir.join("pg");
        let socket_dir = socket_dir_for(&data_dir);
        if is_accepting(&socket_dir) {
            return Ok(Cluster {
                socket_dir,
                server: None,
            });
        }
        let bindir = find_bindir().ok_or(ClusterError::NoBinaries)?;
        let owner = server_owner()?;
        prepare_dirs(&data_dir, &pgdata, &socket_dir, owner, options)?;
        if !pgdata.join("PG_VERSION").exists() {
            initdb(&bindir, &pgdata, owner)?;
        }
        let launch = Launch {
            bindir,
            pgdata,
            socket_dir: socket_dir.clone(),
            log: data_dir.join("postgres.log"),
            owner,
            options,
        };
        let child = launch.start()?;
        let server = Server::watch(launch, child, !options.ephemeral);
        Ok(Cluster {
            socket_dir,
            server: Some(server),
        })
    }

    /// Connection options for database `name` on this cluster.
    pub fn connect_options(&self, name: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username("postgres")
            .database(name)
    }

    /// Stops the server if we started it, and waits for it to finish.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Closes the wrapper's standard input (it then asks PostgreSQL for a fast
/// shutdown) and waits for it.
fn stop_child(mut child: Child) {
    drop(child.stdin.take());
    if let Err(e) = child.wait() {
        tracing::warn!(error = %e, "waiting for PostgreSQL to stop");
    }
}

impl Launch {
    /// Starts the server and waits until it accepts connections.
    fn start(&self) -> Result<Child, ClusterError> {
        remove_stale_pid_file(&self.pgdata, &self.socket_dir)?;
        let mut child = spawn_server(self)?;
        let deadline = Instant::now() + READY_LIMIT;
        loop {
            if is_accepting(&self.socket_dir) {
                return Ok(child);
            }
            let exited = !matches!(child.try_wait(), Ok(None));
            if exited || Instant::now() > deadline {
                stop_child(child);
                return Err(ClusterError::Start {
                    log: self.log.clone(),
                    tail: tail(&self.log),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Finds the PostgreSQL server binaries: `$PG_BINDIR`, `pg_config --bindir`,
/// the newest `/usr/lib/postgresql/*/bin`, then `PATH`.
pub fn find_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("postgres").is_file() && dir.join("initdb").is_file();
    if let Some(dir) = std::env::var_os("PG_BINDIR").map(PathBuf::from) {
        return has_server(&dir).then_some(dir);
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let mut versioned: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versioned.sort();
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    from_pg_config
        .into_iter()
        .chain(versioned.into_iter().rev().map(|(_, dir)| dir))
        .chain(on_path)
        .find(|dir| has_server(dir))
}

/// The uid and gid to run PostgreSQL as: `postgres` when we are root.
fn server_owner() -> Result<Option<(u32, u32)>, ClusterError> {
    let me = fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX);
    if me != 0 {
        return Ok(None);
    }
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|f| f.len() > 3 && f[0] == "postgres")
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .map(Some)
        .ok_or(ClusterError::NoPostgresUser)
}

/// Unix socket paths are limited to about 100 bytes; a deep data dir gets
/// its socket in the temp dir instead, named after the data dir.
fn socket_dir_for(data_dir: &Path) -> PathBuf {
    let beside = data_dir.join("run");
    if beside.as_os_str().len() + "/.s.PGSQL.5432".len() < 100 {
        return beside;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
    std::env::temp_dir().join(format!("scrutiny-pg-{}", &hex::encode(digest)[..16]))
}

fn is_accepting(socket_dir: &Path) -> bool {
    UnixStream::connect(socket_dir.join(".s.PGSQL.5432")).is_ok()
}

fn prepare_dirs(
    data_dir: &Path,
    pgdata: &Path,
    socket_dir: &Path,
    owner: Option<(u32, u32)>,
    options: Options,
) -> Result<(), ClusterError> {
    for dir in [pgdata, socket_dir] {
        fs::create_dir_all(dir).map_err(io(dir))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
    }
    if let Some((uid, gid)) = owner {
        // PostgreSQL runs as `postgres`: it must reach the data dir, and own
        // its cluster and socket folders.
        let mode = fs::metadata(data_dir).map_err(io(data_dir))?.mode();
        fs::set_permissions(data_dir, fs::Permissions::from_mode(mode | 0o711)).map_err(io(data_dir))?;
        let mut owned = vec![pgdata, socket_dir];
        if options.ephemeral {
            // The wrapper, running as `postgres`, removes the whole folder.
            owned.push(data_dir);
        }
        for dir in owned {
            std::os::unix::fs::chown(dir, Some(uid), Some(gid)).map_err(io(dir))?;
        }
    }
    Ok(())
}

fn as_owner(command: &mut Command, owner: Option<(u32, u32)>) -> &mut Command {
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid);
    }
    command
}

fn initdb(bindir: &Path, pgdata: &Path, owner: Option<(u32, u32)>) -> Result<(), ClusterError> {
    if fs::read_dir(pgdata).map_err(io(pgdata))?.next().is_some() {
        return Err(ClusterError::NotACluster(pgdata.to_owned()));
    }
    let initdb = bindir.join("initdb");
    let output = as_owner(&mut Command::new(&initdb), owner)
        .arg("-D")
        .arg(pgdata)
        .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        .current_dir("/")
        .output()
        .map_err(io(&initdb))?;
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stderr).into_owned();
        return Err(ClusterError::Initdb(text));
    }
    Ok(())
}

/// A `postmaster.pid` left by a killed server names a process that is gone
/// (or, after a reboot, some other process with that pid): remove it, so that
/// PostgreSQL starts instead of refusing.
fn remove_stale_pid_file(pgdata: &Path, socket_dir: &Path) -> Result<(), ClusterError> {
    let pid_file = pgdata.join("postmaster.pid");
    let Ok(text) = fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let pid = text.lines().next().unwrap_or("").trim();
    let cwd = fs::read_link(format!("/proc/{pid}/cwd")).ok();
    if !pid.is_empty() && cwd.as_deref() == Some(pgdata) {
        // A server on this data dir is still alive (perhaps just starting).
        return Ok(());
    }
    fs::remove_file(&pid_file).map_err(io(&pid_file))?;
    for name in [".s.PGSQL.5432", ".s.PGSQL.5432.lock"] {
        let _ = fs::remove_file(socket_dir.join(name));
    }
    Ok(())
}

/// Runs PostgreSQL until it exits, or until our end of its standard input
/// closes (we stop the cluster, or this process died): then it asks for a
/// fast shutdown. It exits when PostgreSQL does, however that happens, so
/// the supervisor sees a server that died.
const WRAPPER: &str = r#"
postgres="$1"; remove="$2"; shift 2
exec 3<&0
"$postgres" "$@" </dev/null &
pid=$!
trap 'kill -INT $pid 2>/dev/null' INT TERM
(read -r _ <&3; kill -INT $pid 2>/dev/null) &
watcher=$!
exec 3<&-
while :; do
  wait $pid
  status=$?
  kill -0 $pid 2>/dev/null || break
done
kill $watcher 2>/dev/null
if [ -n "$remove" ]; then rm -rf "$remove"; fi
exit $status
"#;

fn spawn_server(launch: &Launch) -> Result<Child, ClusterError> {
    let Launch {
        bindir,
        pgdata,
        socket_dir,
        log,
        owner,
        options,
    } = launch;
    let (owner, options) = (*owner, *options);
    let log_file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(io(log))?;
    let log_err = log_file.try_clone().map_err(io(log))?;
    let remove = match (options.ephemeral, pgdata.parent()) {
        (true, Some(dir)) => dir.as_os_str().to_owned(),
        _ => Default::default(),
    };
    let mut command = Command::new("sh");
    as_owner(&mut command, owner)
        .arg("-c")
        .arg(WRAPPER)
        .arg("scrutiny-postgres")
        .arg(bindir.join("postgres"))
        .arg(remove)
        .arg("-D")
        .arg(pgdata)
        .arg("-c")
        .arg("listen_addresses=")
        .arg("-c")
        .arg(format!("unix_socket_directories={}", socket_dir.display()))
        .args(["-c", "max_connections=200"]);
    if options.ephemeral {
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    // Its own process group: a Ctrl-C in the terminal reaches us, and we stop
    // the server after the app has finished its requests.
    command
        .current_dir("/")
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(log_file)
        .stderr(log_err)
        .spawn()
        .map_err(io(Path::new("sh")))
}

fn tail(log: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut f) = fs::File::open(log) {
        let _ = f.read_to_string(&mut text);
    }
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
