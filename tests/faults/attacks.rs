//! An attack through the command line (an export edited to make the
//! restore read a file it must not), and a disk that fills up.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::harness::{exchange, run, scrutiny, serve};

pub fn restore_of_an_edited_export(dir: &Path) -> String {
    let (source, target, export) = (dir.join("source"), dir.join("target"), dir.join("export"));
    // The demo record, loaded by a first start.
    let (mut server, _) = serve(&source, &[]);
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    let exported = run(scrutiny(&source, &["export"]).arg(&export)).expect("export finishes");
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    // The record's file swapped for a link to a file only root may read.
    let secret = dir.join("shadow");
    std::fs::write(&secret, "root:secret").expect("secret");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).expect("mode");
    let record = export.join("meetings/2024-12-03-stalking/record.json");
    std::fs::remove_file(&record).expect("the record's file");
    std::os::unix::fs::symlink(&secret, &record).expect("symlink");

    let refused = run(scrutiny(&target, &["restore"]).arg(&export)).expect("restore finishes");

    let stderr = String::from_utf8_lossy(&refused.stderr);
    let said: Vec<&str> = stderr.lines().filter(|l| l.starts_with("scrutiny:")).collect();
    assert!(!refused.status.success(), "refused: {stderr}");
    assert_eq!(said.len(), 1, "one line: {stderr}");
    assert!(said[0].contains("symbolic link"), "{stderr}");
    let left = run(scrutiny(&target, &["export"]).arg(dir.join("left"))).expect("export finishes");
    let left = String::from_utf8_lossy(&left.stdout);
    assert!(left.contains("Exported 0 records"), "nothing written: {left}");
    format!("refused in one line (\"{}\"), nothing written", said[0])
}

/// A small tmpfs mounted for a scenario, unmounted when dropped (after the
/// server on it, which is declared later and so dropped first).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, megabytes: u32) -> Tmpfs {
        std::fs::create_dir_all(at).expect("mount point");
        let mounted = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={megabytes}m,mode=755"),
                "tmpfs",
            ])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        assert!(mounted, "mount -t tmpfs at {}", at.display());
        Tmpfs(at.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the file system holding `dir` with one file; its path.
fn fill(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    let block = vec![0u8; 1 << 20];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
    filler
}

pub fn disk_full(dir: &Path) -> String {
    if !running_as_root() {
        return "not run: mounting a tmpfs needs root (CI runs as root)".to_owned();
    }
    let disk = dir.join("disk");
    let _tmpfs = Tmpfs::mount(&disk, 200);
    let (mut server, address) = serve(&disk.join("data"), &["--cache-mb", "0", "--behind-proxy"]);
    let filler = fill(&disk);

    // A sign-in writes its attempt first: the table's first page is new.
    let write = crate::pressure::guess(&address, "full@opcc.example", "192.0.2.1");
    let read = exchange(&address, "GET /meetings HTTP/1.1", b"");
    std::fs::remove_file(&filler).expect("space again");
    let again = crate::pressure::guess(&address, "full@opcc.example", "192.0.2.1");

    assert_eq!(write.status, 503, "a write with the disk full: {}", write.body);
    assert_eq!(write.header("retry-after"), Some("5"));
    assert!(write.body.contains("nothing was changed"), "{}", write.body);
    assert_eq!(read.status, 200, "a read with the disk full");
    assert!(read.body.contains("Stalking"), "the records are listed");
    assert_eq!(again.status, 401, "the write once there is space: {}", again.body);
    assert!(
        server.terminate().is_some_and(|s| s.success()),
        "stops on SIGTERM"
    );
    "the cluster on a full 200 MB tmpfs: a sign-in (a write) 503 with Retry-After, /meetings 200 \
     with its records; with space again the same write goes through (401)"
        .to_owned()
}

/// Whether this runs as root (as `src/cluster.rs` tells it).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
