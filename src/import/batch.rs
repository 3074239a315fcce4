//! `scrutiny import FILE_OR_FOLDER…`: many files at once. Every file is
//! read first; each becomes its own draft, in the order of the meetings'
//! dates, with a line saying what became of it. Notes imported before are
//! known by their text and not imported again, so a folder can be imported
//! a second time after some of its files were mended.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use sqlx::PgPool;

use super::notes::ImportedRecord;
use super::words::{self, WordCount};
use super::{DraftError, Shape, create_draft, read_notes, read_source};

/// The failure of an import whose files have each had their line: the
/// command fails without saying more.
#[derive(Debug, thiserror::Error)]
#[error("some files were not imported")]
pub struct Silent;

/// How the drafts are made.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The date the original notes were published, for every file.
    pub published_on: Option<NaiveDate>,
    /// Replace a draft (never published) that has a draft's address.
    pub replace: bool,
    /// The email of the account making the import.
    pub as_email: Option<String>,
}

/// What became of the files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Done {
    /// Drafts created.
    pub created: usize,
    /// Files whose notes were imported before: nothing was created.
    pub already: usize,
    /// Files refused, each with its line on the progress stream.
    pub refused: usize,
    /// Pieces of text the drafts created keep unplaced.
    pub unplaced: usize,
}

/// Every file to read: each file given, and each file in the folders given
/// and their folders, by name. Hidden files and Word's owner files
/// ("~$notes.docx", left while a document is open) are left out, and links
/// to folders are not followed.
pub fn files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if !meta.is_dir() {
            found.push(path.clone());
            continue;
        }
        let before = found.len();
        walk(path, &mut found)?;
        if found.len() == before {
            bail!("the folder {} holds no file to import", path.display());
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let unreadable = || format!("cannot read the folder {}", dir.display());
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(unreadable)? {
        let entry = entry.with_context(unreadable)?;
        entries.push((entry.path(), entry.file_type().with_context(unreadable)?));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, kind) in entries {
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if kind.is_dir() {
            walk(&path, found)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

/// The files read, sorted by their meetings' dates, and how many were
/// refused.
#[derive(Debug)]
pub struct Read<'a> {
    /// Each file read, its record, and how many of its words it keeps.
    pub records: Vec<(&'a Path, ImportedRecord, WordCount)>,
    pub refused: usize,
}

/// Reads and parses `files`, writing progress (for more than one file) and
/// a line for each file refused to `progress`. Touches no database, so a
/// folder of files that cannot be imported opens none.
pub fn read<'a>(files: &'a [PathBuf], progress: &mut impl Write) -> std::io::Result<Read<'a>> {
    let mut read = Read {
        records: Vec::new(),
        refused: 0,
    };
    for (n, file) in files.iter().enumerate() {
        if files.len() > 1 {
            writeln!(
                progress,
                "import: reading {} of {}: {}",
                n + 1,
                files.len(),
                file.display()
            )?;
        }
        let parsed = std::fs::read(file)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| {
                let text = read_source(&bytes)?;
                let record = read_notes(&text)?;
                let count = words::count(&text, &record);
                Ok((record, count))
            });
        match parsed {
            Ok((record, count)) => read.records.push((file, record, count)),
            Err(e) => {
                read.refused += 1;
                writeln!(progress, "scrutiny: {} cannot be imported: {e:#}", file.display())?;
            }
        }
    }
    read.records
        .sort_by(|(a_file, a, _), (b_file, b, _)| (a.held_on, a_file).cmp(&(b.held_on, b_file)));
    Ok(read)
}

/// Makes a draft of each record `read`, in its order and each in its own
/// transaction, writing a line for each draft made (or made before from
/// the same notes) to `out`, and for each refused to `progress`. Fails only
/// when the account or the database fails.
pub async fn create(
    pool: &PgPool,
    read: Read<'_>,
    options: &Options,
    out: &mut impl Write,
    progress: &mut impl Write,
) -> anyhow::Result<Done> {
    let by = match &options.as_email {
        Some(email) => Some(crate::accounts::writer(&mut *pool.acquire().await?, email).await?),
        None => None,
    };
    let mut done = Done {
        refused: read.refused,
        ..Done::default()
    };
    for (file, record, count) in read.records {
        let mut tx = pool.begin().await?;
        match create_draft(&mut tx, &record, options.published_on, options.replace, by).await {
            Ok(draft) => {
                tx.commit().await?;
                done.created += 1;
                done.unplaced += draft.unplaced;
                let mut notes = vec![count.summary()];
                if !count.all_kept() {
                    notes.push(format!("not kept: {}", count.missing.join(" ")));
                }
                if let Shape::Unrecognised { dated_by_import, .. } = &record.shape {
                    notes.push(
                        "not in a shape the importer knows: its text is kept whole as unplaced text".into(),
                    );
                    if *dated_by_import {
                        notes.push("no date was found in it, so the draft is dated today".into());
                    }
                }
                writeln!(
                    out,
                    "{}: Created a draft of {} questions and {} actions: {} ({})",
                    file.display(),
                    draft.questions,
                    draft.actions,
                    draft.address(),
                    notes.join("; ")
                )?;
            }
            Err(DraftError::AlreadyImported { id }) => {
                done.already += 1;
                writeln!(
                    out,
                    "{}: imported already, as /staff/meetings/{id}; nothing was created",
                    file.display()
                )?;
            }
            Err(DraftError::Database(e)) => return Err(e.into()),
            Err(e) => {
                done.refused += 1;
                writeln!(progress, "scrutiny: {} cannot be imported: {e}", file.display())?;
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gives_its_files_and_its_folders_files_by_name_without_hidden_or_owner_files() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("2019/spring")).expect("dirs");
        std::fs::create_dir_all(root.join(".git")).expect("dirs");
        for file in [
            "b.txt",
            "a.docx",
            "~$a.docx",
            ".DS_Store",
            "2019/spring/c.txt",
            "2019/d.txt",
            ".git/HEAD",
        ] {
            std::fs::write(root.join(file), "x").expect("write");
        }
        let names = |paths: &[PathBuf]| -> Vec<String> {
            files(paths)
                .expect("files")
                .iter()
                .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
                .collect()
        };
        assert_eq!(
            names(&[root.to_path_buf()]),
            ["2019/d.txt", "2019/spring/c.txt", "a.docx", "b.txt"]
        );
        // A file given is read whatever its name; the order given is kept.
        assert_eq!(
            names(&[root.join("b.txt"), root.join(".DS_Store"), root.join("2019")]),
            ["b.txt", ".DS_Store", "2019/d.txt", "2019/spring/c.txt"]
        );
        std::fs::create_dir(root.join("empty")).expect("dir");
        let empty = files(&[root.join("empty")]).unwrap_err().to_string();
        assert!(empty.contains("holds no file to import"), "{empty}");
        let missing = files(&[root.join("nowhere")]).unwrap_err().to_string();
        assert!(missing.contains("cannot read"), "{missing}");
    }
}
