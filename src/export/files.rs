//! The files of an export: written so that only their owner can read them
//! (an export holds every draft, the audit log and perhaps password
//! hashes), and read back without trusting them: plain files only, inside
//! the export folder, each of a bounded size.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest `manifest.json`.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024;
/// Largest `record.json` of one meeting: its rows and every revision.
pub const MAX_RECORD_BYTES: u64 = 256 * 1024 * 1024;
/// Largest list of the whole archive (`accounts.json`, `audit_log.json`,
/// `forward_plan.json`, `ledger.json`), which grow with it.
pub const MAX_LIST_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Largest stored document: what the editor accepts.
pub const MAX_DOCUMENT_BYTES: u64 = crate::domain::fields::MAX_FILE_BYTES as u64;

/// Mode of every folder an export writes.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file an export writes.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and any missing parents) readable by its owner only.
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    // The umask may have taken bits away, never added them; an existing,
    // empty folder gets the same mode.
    fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
        .with_context(|| format!("cannot set the mode of {}", dir.display()))
}

/// Writes a new file readable by its owner only.
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `value` as pretty JSON, readable by its owner only.
pub fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    write(path, text.as_bytes())
}

/// An export folder being read.
pub struct Export {
    /// The folder, with every symbolic link on the way resolved.
    root: PathBuf,
}

impl Export {
    /// Opens the export in `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<Export> {
        let root = dir
            .canonicalize()
            .with_context(|| format!("cannot read {}", dir.display()))?;
        if !root.is_dir() {
            bail!("{} is not a folder", dir.display());
        }
        Ok(Export { root })
    }

    /// The bytes of the file at `relative` (inside the export), at most
    /// `limit` of them. Refuses a symbolic link, anything but a plain
    /// file, and a path that leads outside the export folder.
    pub fn read(&self, relative: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
        let path = self.root.join(relative);
        let shown = path.display();
        let seen = fs::symlink_metadata(&path).with_context(|| format!("cannot read {shown}"))?;
        if seen.file_type().is_symlink() {
            bail!("{shown} is a symbolic link: an export holds only plain files, so it is refused");
        }
        if !seen.is_file() {
            bail!("{shown} is not a plain file: refused");
        }
        let real = path
            .canonicalize()
            .with_context(|| format!("cannot read {shown}"))?;
        if !real.starts_with(&self.root) {
            bail!("{shown} is outside the export folder: refused");
        }
        if seen.len() > limit {
            bail!(
                "{shown} is {} bytes, more than the {limit} such a file may be: refused",
                seen.len()
            );
        }
        let file = fs::File::open(&real).with_context(|| format!("cannot read {shown}"))?;
        let opened = file.metadata().with_context(|| format!("cannot read {shown}"))?;
        if (opened.dev(), opened.ino()) != (seen.dev(), seen.ino()) {
            bail!("{shown} changed while it was being read: refused");
        }
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {shown}"))?;
        if bytes.len() as u64 > limit {
            bail!("{shown} grew past the {limit} bytes such a file may be: refused");
        }
        Ok(bytes)
    }

    /// The JSON file at `relative`, of at most `limit` bytes.
    pub fn read_json<T: DeserializeOwned>(&self, relative: &Path, limit: u64) -> anyhow::Result<T> {
        let bytes = self.read(relative, limit)?;
        serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not valid", self.root.join(relative).display()))
    }

    /// The record folders, `meetings/SLUG` relative to the export, sorted.
    /// Anything else in `meetings/` (a file, a symbolic link) is refused.
    pub fn record_dirs(&self) -> anyhow::Result<Vec<PathBuf>> {
        let meetings = Path::new("meetings");
        let folder = self.root.join(meetings);
        let seen =
            fs::symlink_metadata(&folder).with_context(|| format!("cannot read {}", folder.display()))?;
        if !seen.is_dir() {
            bail!("{} is not a folder: refused", folder.display());
        }
        let mut dirs = Vec::new();
        for entry in fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))? {
            let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
            let kind = entry.file_type()?;
            if !kind.is_dir() || kind.is_symlink() {
                bail!(
                    "{} is not a record's folder (a plain folder): refused",
                    entry.path().display()
                );
            }
            dirs.push(meetings.join(entry.file_name()));
        }
        dirs.sort();
        Ok(dirs)
    }

    /// Where `relative` is, for messages.
    pub fn path(&self, relative: &Path) -> PathBuf {
        self.root.join(relative)
    }
}
