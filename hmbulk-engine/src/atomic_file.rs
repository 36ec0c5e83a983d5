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
//! Modes: a new file gets the mode the umask leaves of 0666, as any file a
//! program creates (`umask 077` keeps reports private); a file replaced
//! keeps its mode (a shared 0644 export stays 0644). Set on the temporary
//! file when it is created, before anything is written to it.
//!
//! [`AtomicFile::stdout`] writes standard output instead (`--out -`): as it
//! comes, nothing to rename; its errors name it `<stdout>`.
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

/// What errors call standard output.
pub const STDOUT_NAME: &str = "<stdout>";

/// Temporary files being written, for [`remove_unfinished`].
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub struct AtomicFile {
    path: PathBuf,
    /// Empty for standard output.
    temp_path: PathBuf,
    /// `None` once committed.
    w: Option<BufWriter<Target>>,
}

/// Where the bytes go until [`AtomicFile::commit`].
enum Target {
    Temp(NamedTempFile),
    Stdout(io::Stdout),
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Target::Temp(f) => f.write(buf),
            Target::Stdout(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Target::Temp(f) => f.flush(),
            Target::Stdout(out) => out.flush(),
        }
    }
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
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder
            .prefix(&prefix)
            .suffix(TEMP_SUFFIX)
            .rand_bytes(RANDOM_CHARS);
        // tempfile's own default is 0600 whatever the umask.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir).map_err(failed)?;
        // A file replaced keeps its mode.
        if let Ok(meta) = std::fs::metadata(path)
            && meta.is_file()
        {
            tmp.as_file()
                .set_permissions(meta.permissions())
                .map_err(failed)?;
        }
        // Marks the file as in use: the stale-file sweep of a concurrent run
        // leaves it alone. Where the file system has no locks, it is never
        // taken for stale either (see `remove_stale`).
        let _ = tmp.as_file().try_lock();
        let temp_path = tmp.path().to_path_buf();
        lock_unfinished().push(temp_path.clone());
        let mut file = AtomicFile {
            path: path.to_path_buf(),
            temp_path,
            w: Some(BufWriter::with_capacity(256 * 1024, Target::Temp(tmp))),
        };
        file.start(bom)?;
        Ok(file)
    }

    /// Write standard output instead, as it comes; `commit` flushes it.
    pub fn stdout(bom: bool) -> Result<AtomicFile> {
        let mut file = AtomicFile {
            path: PathBuf::from(STDOUT_NAME),
            temp_path: PathBuf::new(),
            w: Some(BufWriter::with_capacity(
                64 * 1024,
                Target::Stdout(io::stdout()),
            )),
        };
        file.start(bom)?;
        Ok(file)
    }

    fn start(&mut self, bom: bool) -> Result<()> {
        if bom {
            self.write_all("\u{feff}".as_bytes())
                .map_err(|e| Error::output(&self.path, e))?;
        }
        Ok(())
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
        let tmp = match w.into_inner().map_err(|e| failed(e.into_error()))? {
            Target::Temp(tmp) => tmp,
            Target::Stdout(mut out) => return out.flush().map_err(failed),
        };
        tmp.as_file().sync_all().map_err(failed)?;
        // Under the registry's lock, so the Ctrl-C handler either removes
        // the file before the rename or sees it gone after.
        let mut unfinished = lock_unfinished();
        tmp.persist(&self.path).map_err(|e| failed(e.error))?;
        unfinished.retain(|p| p != &self.temp_path);
        Ok(())
    }

    fn writer(&mut self) -> io::Result<&mut BufWriter<Target>> {
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
        Ok(CsvFile::new(AtomicFile::create(path, bom)?))
    }

    /// Write standard output (see [`AtomicFile::stdout`]).
    pub fn stdout(bom: bool) -> Result<CsvFile> {
        Ok(CsvFile::new(AtomicFile::stdout(bom)?))
    }

    fn new(file: AtomicFile) -> CsvFile {
        CsvFile {
            path: file.path().to_path_buf(),
            writer: csv::WriterBuilder::new().flexible(true).from_writer(file),
        }
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

    /// The process's umask, as Linux reports it.
    #[cfg(target_os = "linux")]
    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_new_file_gets_what_the_umask_leaves_of_0666() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.csv");
        let mut f = AtomicFile::create(&path, false).unwrap();
        f.write_all(b"x\n").unwrap();
        f.commit().unwrap();
        assert_eq!(mode(&path), 0o666 & !umask(), "umask {:o}", umask());
    }

    #[test]
    #[cfg(unix)]
    fn a_replaced_file_keeps_its_mode_from_the_first_byte() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        for keep in [0o644, 0o600, 0o640, 0o664] {
            let path = dir.path().join(format!("shared-{keep:o}.csv"));
            std::fs::write(&path, "old\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(keep)).unwrap();
            let mut f = AtomicFile::create(&path, false).unwrap();
            // The temporary file already has it: a private file's new
            // contents are never readable by others while written.
            assert_eq!(mode(&f.temp_path), keep, "{keep:o}");
            f.write_all(b"new\n").unwrap();
            f.commit().unwrap();
            assert_eq!(mode(&path), keep, "{keep:o}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        }
    }
}
