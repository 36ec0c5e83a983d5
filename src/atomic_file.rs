//! A file written under a temporary name beside its final place and renamed
//! into place by [`AtomicFile::commit`], so a reader (or a nightly job's
//! consumer) never sees half of it; dropped uncommitted, it vanishes and the
//! previous file stays. Every report and export is written through one.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

pub struct AtomicFile {
    path: PathBuf,
    w: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Start writing `path`; `bom` starts it with a UTF-8 BOM (for Excel).
    pub fn create(path: &Path, bom: bool) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = NamedTempFile::new_in(dir)
            .map_err(|e| Error::usage(format!("cannot write in {}: {e}", dir.display())))?;
        let mut w = BufWriter::with_capacity(256 * 1024, tmp);
        if bom {
            w.write_all("\u{feff}".as_bytes())?;
        }
        Ok(AtomicFile {
            path: path.to_path_buf(),
            w,
        })
    }

    /// Flush, sync and rename into place.
    pub fn commit(self) -> Result<()> {
        let failed = |e: String| Error::usage(format!("cannot write {}: {e}", self.path.display()));
        let tmp = self
            .w
            .into_inner()
            .map_err(|e| failed(e.error().to_string()))?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path)
            .map_err(|e| failed(e.error.to_string()))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Write `value` as pretty JSON to `path`, atomically.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut f = AtomicFile::create(path, false)?;
    serde_json::to_writer_pretty(&mut f, value).map_err(io::Error::from)?;
    f.write_all(b"\n")?;
    f.commit()
}

/// Finish a CSV writer over an [`AtomicFile`] and rename it into place.
pub fn commit_csv(writer: csv::Writer<AtomicFile>) -> Result<()> {
    writer
        .into_inner()
        .map_err(|e| Error::usage(format!("cannot finish a CSV file: {}", e.error())))?
        .commit()
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
}
