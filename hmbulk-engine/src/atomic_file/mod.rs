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
//!
//! A report's [`Stamp`] (its size and CRC-32, taken as it is written) is
//! given when it is placed: the summary records it, so that the next run
//! can tell a report it wrote from one a person edited since
//! ([`crate::report::Earlier`]).
//!
//! A report ([`AtomicFile::create_report`]) is never lost to a full disk:
//! when its folder cannot take it (no space, a quota, any write error), it
//! moves, with what it holds so far, to a fallback folder in the system's
//! temporary directory (`$TMPDIR/hmbulk-reports-XXXXXX`, one per run), is
//! finished there, and [`AtomicFile::place`] says where and why.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Suffix of every temporary file hmbulk writes.
pub const TEMP_SUFFIX: &str = ".hmbulk-tmp";
const RANDOM_CHARS: usize = 6;

/// Bytes gathered before they are written to the file.
const BUFFER: usize = 256 * 1024;

/// Bytes written between two starts of writeback (Linux): the disk takes a
/// large report while it is written, so the sync before the rename waits
/// for the last few MiB only (a 1M-row dry run's 75 MB results report:
/// 50 ms of sync at the end otherwise).
const WRITEBACK_EVERY: u64 = 8 << 20;

/// What errors call standard output.
pub const STDOUT_NAME: &str = "<stdout>";

/// Temporary files being written, for [`remove_unfinished`].
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The fallback folder of this run, made when first needed.
static FALLBACK: OnceLock<io::Result<PathBuf>> = OnceLock::new();

pub struct AtomicFile {
    /// The final place (in the fallback folder once moved).
    path: PathBuf,
    /// Empty for standard output.
    temp_path: PathBuf,
    /// `None` once committed.
    file: Option<Target>,
    /// Bytes not yet written to `file`; everything before them is.
    buf: Vec<u8>,
    /// Bytes written to `file`.
    written: u64,
    /// Bytes of `file` whose writeback has been started.
    written_back: u64,
    /// May move to the fallback folder.
    report: bool,
    /// Why it moved there, if it did.
    moved: Option<String>,
    /// What [`AtomicFile::pre_sync`] gave, when nothing was written since.
    synced: Option<io::Result<()>>,
    /// The CRC-32 of the bytes written to `file` (a report's only).
    crc: Option<crc32fast::Hasher>,
}

/// A file as written: its size and CRC-32 (IEEE, as hex), which the
/// summary records so that a later run knows whether the file is still the
/// one hmbulk wrote. CRC-32 finds every change of up to 32 adjacent bits
/// (a cell edited), and costs a report of 75 MB some 17 ms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub bytes: u64,
    pub crc32: String,
}

impl Stamp {
    /// The stamp of the file at `path` as it is now.
    pub fn of_file(path: &Path) -> io::Result<Stamp> {
        let mut file = File::open(path)?;
        let mut crc = crc32fast::Hasher::new();
        let mut buf = vec![0u8; 256 << 10];
        let mut bytes = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            crc.update(&buf[..n]);
            bytes += n as u64;
        }
        Ok(Stamp::new(bytes, crc))
    }

    fn new(bytes: u64, crc: crc32fast::Hasher) -> Stamp {
        Stamp {
            bytes,
            crc32: format!("{:08x}", crc.finalize()),
        }
    }
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

/// Where a committed file ended up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub path: PathBuf,
    /// Why it is not where it was meant to be (the error of its own
    /// folder), when it moved to the fallback folder.
    pub moved: Option<String>,
    /// A report's size and CRC-32 (`None` for other files).
    pub stamp: Option<Stamp>,
}

impl AtomicFile {
    /// Start writing `path`; `bom` starts it with a UTF-8 BOM (for Excel).
    /// Temporary files of `path` left by a killed run are removed first.
    pub fn create(path: &Path, bom: bool) -> Result<AtomicFile> {
        let failed = |e| Error::output(path, e);
        let dir = parent(path);
        let name = file_name(path).map_err(failed)?;
        remove_stale(dir, &name);
        let (file, temp_path) = temp_in(dir, &name, path).map_err(failed)?;
        Ok(AtomicFile::over(path, temp_path, Target::Temp(file), bom))
    }

    /// Write standard output instead, as it comes; `commit` flushes it.
    pub fn stdout(bom: bool) -> Result<AtomicFile> {
        let path = PathBuf::from(STDOUT_NAME);
        Ok(AtomicFile::over(
            &path,
            PathBuf::new(),
            Target::Stdout(io::stdout()),
            bom,
        ))
    }

    fn over(path: &Path, temp_path: PathBuf, target: Target, bom: bool) -> AtomicFile {
        let mut buf = Vec::with_capacity(BUFFER);
        if bom {
            buf.extend_from_slice("\u{feff}".as_bytes());
        }
        AtomicFile {
            path: path.to_path_buf(),
            temp_path,
            file: Some(target),
            buf,
            written: 0,
            written_back: 0,
            report: false,
            moved: None,
            synced: None,
            crc: None,
        }
    }

    /// As [`AtomicFile::create`], for a report: when its folder cannot take
    /// it (full from the start, or any write error later), it moves to the
    /// fallback folder.
    pub fn create_report(path: &Path, bom: bool) -> Result<AtomicFile> {
        let mut f = match AtomicFile::create(path, bom) {
            Ok(f) => f,
            // A full disk; a folder that does not exist stays an error.
            Err(Error::Output { source, .. }) if no_room(&source) => {
                let name = file_name(path).map_err(|e| Error::output(path, e))?;
                let dir = fallback_dir().map_err(|_| Error::output(path, clone_io(&source)))?;
                let mut f = AtomicFile::create(&dir.join(name), bom)?;
                f.moved = Some(format!("cannot write {}: {source}", path.display()));
                f
            }
            Err(e) => return Err(e),
        };
        f.report = true;
        f.crc = Some(crc32fast::Hasher::new());
        Ok(f)
    }

    /// The file's final place.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write out what is buffered and sync it to disk, without renaming:
    /// files synced side by side (each on a thread of its own) are then
    /// placed one by one at little cost. A failure is kept for
    /// [`AtomicFile::place`], which reports it (or moves a report).
    pub fn pre_sync(&mut self) {
        let synced = self.write_buf().and_then(|()| match self.file.as_mut() {
            Some(Target::Temp(tmp)) => tmp.as_file().sync_all(),
            Some(Target::Stdout(out)) => out.flush(),
            None => Err(committed()),
        });
        self.synced = Some(synced);
    }

    /// Flush, sync and rename into place.
    pub fn commit(self) -> Result<()> {
        self.place().map(drop)
    }

    /// Flush, sync and rename into place; gives where it went.
    pub fn place(mut self) -> Result<Placed> {
        let result = self.place_here();
        match result {
            Err(e) if self.report && self.moved.is_none() => {
                self.move_to_fallback(e)
                    .map_err(|e| Error::output(&self.path, e))?;
                self.place_here()
                    .map_err(|e| Error::output(&self.path, e))?;
            }
            other => other.map_err(|e| Error::output(&self.path, e))?,
        }
        Ok(Placed {
            path: self.path.clone(),
            moved: self.moved.clone(),
            stamp: self.crc.take().map(|crc| Stamp::new(self.written, crc)),
        })
    }

    fn place_here(&mut self) -> io::Result<()> {
        self.write_buf()?;
        let tmp = match self.file.as_mut().ok_or_else(committed)? {
            Target::Temp(tmp) => tmp,
            Target::Stdout(out) => {
                out.flush()?;
                self.file = None;
                return Ok(());
            }
        };
        match self.synced.take() {
            // Synced already, and nothing written since.
            Some(Ok(())) => {}
            // The error of that sync: syncing again could hide it.
            Some(Err(e)) => return Err(e),
            None => tmp.as_file().sync_all()?,
        }
        // Under the registry's lock, so the Ctrl-C handler either removes
        // the file before the rename or sees it gone after.
        let mut unfinished = lock_unfinished();
        let Some(Target::Temp(tmp)) = self.file.take() else {
            return Err(committed());
        };
        match tmp.persist(&self.path) {
            Ok(_) => {
                unfinished.retain(|p| p != &self.temp_path);
                Ok(())
            }
            Err(e) => {
                self.file = Some(Target::Temp(e.file));
                Err(e.error)
            }
        }
    }

    /// Write out the buffer; a report whose folder fails it moves.
    fn write_buf(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let file = self.file.as_mut().ok_or_else(committed)?;
        match file.write_all(&self.buf) {
            Ok(()) => {}
            Err(e) if self.report && self.moved.is_none() => {
                self.move_to_fallback(e)?;
                let file = self.file.as_mut().ok_or_else(committed)?;
                file.write_all(&self.buf)?;
            }
            Err(e) => return Err(e),
        }
        if let Some(crc) = &mut self.crc {
            crc.update(&self.buf);
        }
        self.written += self.buf.len() as u64;
        self.buf.clear();
        self.synced = None;
        if self.written - self.written_back >= WRITEBACK_EVERY {
            self.start_writeback();
        }
        Ok(())
    }

    /// Start writing what is written so far to the disk, without waiting
    /// for it. A hint: a failure here shows up in the sync before the rename.
    fn start_writeback(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(Target::Temp(tmp)) = &self.file {
            use std::os::fd::AsRawFd;
            let (from, len) = (self.written_back, self.written - self.written_back);
            // SAFETY: the descriptor is the open temporary file's, alive for
            // the call; `sync_file_range` reads no memory of ours.
            unsafe {
                libc::sync_file_range(
                    tmp.as_file().as_raw_fd(),
                    from as libc::off64_t,
                    len as libc::off64_t,
                    libc::SYNC_FILE_RANGE_WRITE,
                );
            }
        }
        self.written_back = self.written;
    }

    /// Go on in the fallback folder with what was written so far; `why`
    /// is the error of the file's own folder.
    fn move_to_fallback(&mut self, why: io::Error) -> io::Result<()> {
        if matches!(self.file, Some(Target::Stdout(_))) {
            return Err(why);
        }
        let dir = fallback_dir().map_err(|_| clone_io(&why))?;
        let name = file_name(&self.path)?;
        let moved = format!("cannot write {}: {why}", self.path.display());
        self.rewrite_in(&dir, &name, b"")
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => why,
                _ => e,
            })?;
        self.moved = Some(moved);
        self.path = dir.join(name);
        Ok(())
    }

    /// Finish this report in the fallback folder, because of `why` (the
    /// file at its place could not be moved out of the way); one there
    /// already stays. A file that is no report gives the error back.
    pub fn move_to_fallback_now(&mut self, why: Error) -> Result<()> {
        let io = io::Error::other(why.to_string());
        if self.moved.is_some() {
            return Ok(());
        }
        if !self.report {
            return Err(why);
        }
        self.write_buf().map_err(|e| Error::output(&self.path, e))?;
        self.move_to_fallback(io)
            .map_err(|e| Error::output(&self.path, e))
    }

    /// Start the file with `prefix` (a BOM decided once the input turned
    /// out not to be plain UTF-8): at once when nothing reached the file
    /// yet; otherwise what did is copied after it into a new temporary file.
    pub fn prepend(&mut self, prefix: &[u8]) -> Result<()> {
        if self.written == 0 {
            self.buf.splice(0..0, prefix.iter().copied());
            return Ok(());
        }
        if !matches!(self.file, Some(Target::Temp(_))) {
            return Ok(());
        }
        let name = file_name(&self.path).map_err(|e| Error::output(&self.path, e))?;
        let dir = parent(&self.temp_path).to_path_buf();
        self.rewrite_in(&dir, &name, prefix)
            .map_err(|e| Error::output(&self.path, e))
    }

    /// Go on in a new temporary file in `dir`: `prefix`, then what was
    /// written so far (the buffer still holds the rest). The old one is
    /// removed, giving its space back.
    fn rewrite_in(&mut self, dir: &Path, name: &str, prefix: &[u8]) -> io::Result<()> {
        let (mut file, temp_path) = temp_in(dir, name, &self.path)?;
        file.write_all(prefix)?;
        // What reached the old file: exactly the bytes written before the
        // buffer, which still holds the rest.
        let old = File::open(&self.temp_path)?;
        let copied = io::copy(&mut old.take(self.written), &mut file)?;
        if copied != self.written {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if let Some(crc) = &mut self.crc
            && !prefix.is_empty()
        {
            // The file now starts with the prefix: its CRC is taken again.
            let mut again = crc32fast::Hasher::new();
            again.update(prefix);
            let mut old = File::open(&self.temp_path)?.take(self.written);
            let mut buf = vec![0u8; 64 << 10];
            loop {
                let n = old.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                again.update(&buf[..n]);
            }
            *crc = again;
        }
        {
            let mut unfinished = lock_unfinished();
            unfinished.retain(|p| p != &self.temp_path);
        }
        self.file = Some(Target::Temp(file));
        self.temp_path = temp_path;
        self.written += prefix.len() as u64;
        self.synced = None;
        self.written_back = 0;
        Ok(())
    }
}

/// The disk (or the user's quota) is full.
fn no_room(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge
    )
}

fn committed() -> io::Error {
    io::Error::other("the file was already committed")
}

fn clone_io(e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), e.to_string())
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name(path: &Path) -> io::Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::other("that is not a file name"))
}

/// A new, locked and registered temporary file for `name` in `dir`, with
/// the mode of the file it replaces, `target` (see Modes above).
fn temp_in(dir: &Path, name: &str, target: &Path) -> io::Result<(NamedTempFile, PathBuf)> {
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(RANDOM_CHARS);
    // tempfile's own default is 0600 whatever the umask.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder.tempfile_in(dir)?;
    // A file replaced keeps its mode.
    if let Ok(meta) = std::fs::metadata(target)
        && meta.is_file()
    {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    // Marks the file as in use: the stale-file sweep of a concurrent run
    // leaves it alone. Where the file system has no locks, it is never
    // taken for stale either (see `remove_stale`).
    let _ = tmp.as_file().try_lock();
    let temp_path = tmp.path().to_path_buf();
    lock_unfinished().push(temp_path.clone());
    Ok((tmp, temp_path))
}

/// This run's fallback folder for reports, made on first use.
pub fn fallback_dir() -> io::Result<PathBuf> {
    let made = FALLBACK.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("hmbulk-reports-")
            .tempdir_in(std::env::temp_dir())
            .map(tempfile::TempDir::keep)
    });
    match made {
        Ok(dir) => Ok(dir.clone()),
        Err(e) => Err(clone_io(e)),
    }
}

/// Put the finished file `path` into the fallback folder (a copy, when
/// `keep`); gives its new place.
pub fn to_fallback(path: &Path, keep: bool) -> io::Result<PathBuf> {
    let to = fallback_dir()?.join(file_name(path)?);
    std::fs::copy(path, &to)?;
    if !keep {
        std::fs::remove_file(path)?;
    }
    Ok(to)
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // The temporary file removes itself when `file` is dropped right after.
        if self.file.is_some() {
            lock_unfinished().retain(|p| p != &self.temp_path);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.file.is_none() {
            return Err(committed());
        }
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= BUFFER {
            self.write_buf()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_buf()
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
    json_into(AtomicFile::create(path, false)?, value).map(drop)
}

/// [`write_json`] for a report: it may move to the fallback folder.
pub fn write_report_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<Placed> {
    json_into(AtomicFile::create_report(path, false)?, value)
}

fn json_into<T: serde::Serialize>(mut f: AtomicFile, value: &T) -> Result<Placed> {
    serde_json::to_writer_pretty(&mut f, value)
        .map_err(io::Error::from)
        .and_then(|()| f.write_all(b"\n"))
        .map_err(|e| Error::output(f.path(), e))?;
    f.place()
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
        Ok(CsvFile::over(AtomicFile::create(path, bom)?))
    }

    /// A report (see [`AtomicFile::create_report`]).
    pub fn create_report(path: &Path, bom: bool) -> Result<CsvFile> {
        Ok(CsvFile::over(AtomicFile::create_report(path, bom)?))
    }

    /// Write standard output (see [`AtomicFile::stdout`]).
    pub fn stdout(bom: bool) -> Result<CsvFile> {
        Ok(CsvFile::over(AtomicFile::stdout(bom)?))
    }

    fn over(file: AtomicFile) -> CsvFile {
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
        self.place().map(drop)
    }

    /// Flush and rename into place; gives where it went.
    pub fn place(self) -> Result<Placed> {
        self.writer
            .into_inner()
            .map_err(|e| Error::output(&self.path, e.into_error()))?
            .place()
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
mod tests;
