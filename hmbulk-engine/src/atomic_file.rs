//! A file written under a temporary name beside its final place and renamed
//! into place by [`AtomicFile::commit`], so a reader (or a nightly job's
//! consumer) never sees half of it; dropped uncommitted, it vanishes and the
//! previous file stays. Every report and export is written through one.
//!
//! Temporary files are named `.<target name>.<6 random>.hmbulk-tmp` and
//! locked (an OS advisory lock) while written. Every exit path removes them:
//! an error drops them, and the Ctrl-C handler calls [`remove_unfinished`]
//! before it quits. A run that is killed outright (`kill -9`, power loss)
//! leaves its temporary files behind; the next run writing the same target
//! removes every one of them that no live run holds locked.
//!
//! Every error names the file being written ([`Error::Output`]); a CSV file
//! is written through [`CsvFile`], whose errors name it too.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Suffix of every temporary file hmbulk writes.
pub const TEMP_SUFFIX: &str = ".hmbulk-tmp";
const RANDOM_CHARS: usize = 6;

/// Temporary files being written, for [`remove_unfinished`].
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub struct AtomicFile {
    path: PathBuf,
    temp_path: PathBuf,
    /// `None` once committed.
    w: Option<BufWriter<NamedTempFile>>,
}

impl AtomicFile {
    /// Start writing `path`; `bom` starts it with a UTF-8 BOM (for Excel).
    /// Temporary files of `path` left by a killed run are removed first.
    pub fn create(path: &Path, bom: bool) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let failed = |e| Error::output(path, e);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| failed(io::Error::other("that is not a file name")))?;
        remove_stale(dir, &name);
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(TEMP_SUFFIX)
            .rand_bytes(RANDOM_CHARS)
            .tempfile_in(dir)
            .map_err(failed)?;
        // Marks the file as in use: the stale-file sweep of a concurrent run
        // leaves it alone. Where the file system has no locks, it is never
        // taken for stale either (see `remove_stale`).
        let _ = tmp.as_file().try_lock();
        let temp_path = tmp.path().to_path_buf();
        lock_unfinished().push(temp_path.clone());
        let mut w = BufWriter::with_capacity(256 * 1024, tmp);
        if bom {
            w.write_all("\u{feff}".as_bytes()).map_err(failed)?;
        }
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp_path,
            w: Some(w),
        })
    }

    /// The file's final place.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<()> {
        let path = self.path.clone();
        let failed = |e| Error::output(&path, e);
        let Some(w) = self.w.take() else {
            return Ok(());
        };
        let tmp = w.into_inner().map_err(|e| failed(e.into_error()))?;
        tmp.as_file().sync_all().map_err(failed)?;
        // Under the registry's lock, so the Ctrl-C handler either removes
        // the file before the rename or sees it gone after.
        let mut unfinished = lock_unfinished();
        tmp.persist(&self.path).map_err(|e| failed(e.error))?;
        unfinished.retain(|p| p != &self.temp_path);
        Ok(())
    }

    fn writer(&mut self) -> io::Result<&mut BufWriter<NamedTempFile>> {
        self.w
            .as_mut()
            .ok_or_else(|| io::Error::other("the file was already committed"))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // The temporary file removes itself when `w` is dropped right after.
        if self.w.is_some() {
            lock_unfinished().retain(|p| p != &self.temp_path);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

fn lock_unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Remove every temporary file not yet committed. For the way out of the
/// process (Ctrl-C): afterwards no file can be committed any more.
pub fn remove_unfinished() {
    let unfinished = lock_unfinished();
    for path in unfinished.iter() {
        let _ = std::fs::remove_file(path);
    }
    // Keep the registry locked for good: a commit racing with the exit
    // must not rename a file that is being abandoned.
    std::mem::forget(unfinished);
}

/// Is `file_name` one of our temporary files for the target `name`?
fn is_temp_of(file_name: &str, name: &str) -> bool {
    file_name
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == RANDOM_CHARS && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Remove the temporary files of `name` in `dir` that no live run holds:
/// a killed run's lock went with it. Best effort; a file that cannot be
/// locked or removed is left.
fn remove_stale(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if !is_temp_of(&file_name.to_string_lossy(), name) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Write `value` as pretty JSON to `path`, atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut f = AtomicFile::create(path, false)?;
    serde_json::to_writer_pretty(&mut f, value)
        .map_err(io::Error::from)
        .and_then(|()| f.write_all(b"\n"))
        .map_err(|e| Error::output(path, e))?;
    f.commit()
}

/// A CSV file written through an [`AtomicFile`]; every error names it.
pub struct CsvFile {
    writer: csv::Writer<AtomicFile>,
    path: PathBuf,
}

impl CsvFile {
    /// Start writing `path` (see [`AtomicFile::create`]). Records may differ
    /// in length.
    pub fn create(path: &Path, bom: bool) -> Result<CsvFile> {
        let file = AtomicFile::create(path, bom)?;
        Ok(CsvFile {
            writer: csv::WriterBuilder::new().flexible(true).from_writer(file),
            path: path.to_path_buf(),
        })
    }

    pub fn write_record<I, T>(&mut self, record: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(record)
            .map_err(|e| Error::output(&self.path, csv_io(e)))
    }

    /// Flush and rename into place.
    pub fn commit(self) -> Result<()> {
        self.writer
            .into_inner()
            .map_err(|e| Error::output(&self.path, e.into_error()))?
            .commit()
    }
}

/// The io error under a CSV writer's error (a writer's only other errors
/// are about record shapes, which a flexible writer does not check).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_shows_until_commit_and_a_dropped_file_leaves_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old\n").unwrap();
        let mut f = AtomicFile::create(&path, true).unwrap();
        f.write_all(b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"\xEF\xBB\xBFnew\n");

        let mut f = AtomicFile::create(&path, false).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"\xEF\xBB\xBFnew\n");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn every_error_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no such folder").join("out.csv");
        let err = CsvFile::create(&missing, false).err().unwrap();
        assert!(matches!(&err, Error::Output { path, .. } if *path == missing));
        assert!(err.to_string().contains("no such folder"), "{err}");
        // A directory in the way of the rename: found at commit.
        let taken = dir.path().join("taken");
        std::fs::create_dir(&taken).unwrap();
        let mut csv = CsvFile::create(&taken, false).unwrap();
        csv.write_record(["a", "b"]).unwrap();
        let err = csv.commit().unwrap_err();
        assert!(
            matches!(&err, Error::Output { path, .. } if *path == taken),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("cannot write {}", taken.display()))
        );
        assert!(taken.is_dir());
    }

    #[test]
    fn temp_files_are_recognisable_and_stale_ones_are_swept_but_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let live = AtomicFile::create(&path, false).unwrap();
        let live_name = live
            .temp_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(is_temp_of(&live_name, "out.csv"), "{live_name}");
        // What a killed run leaves: a temp file nobody holds locked.
        let stale = dir.path().join(".out.csv.aB3xY9.hmbulk-tmp");
        std::fs::write(&stale, "phones of a killed run").unwrap();
        // Not ours, or another target's: kept.
        let others = [
            ".out.csv.tmp",
            ".other.csv.aB3xY9.hmbulk-tmp",
            "out.csv.aB3xY9.hmbulk-tmp",
        ];
        for o in others {
            std::fs::write(dir.path().join(o), "x").unwrap();
        }
        let next = AtomicFile::create(&path, false).unwrap();
        assert!(!stale.exists(), "the stale temp file was removed");
        assert!(live.temp_path.exists(), "a live run's temp file is kept");
        for o in others {
            assert!(dir.path().join(o).exists(), "{o} kept");
        }
        drop(next);
        drop(live);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), others.len());
    }
}
