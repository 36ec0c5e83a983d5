//! The store kept in a file between runs: takes a path and gives a
//! [`StateFile`] that holds the file's lock for as long as it lives, loads the
//! [`Store`] saved there and saves it again, atomically.
//!
//! - Lock: `FILE.lock` beside the file, an exclusive advisory lock (fs4) taken
//!   without waiting; a second simulator or sandbox on the same file gets a
//!   clear error instead of two writers clobbering each other. The lock file
//!   stays; the lock goes with the process, however it ends.
//! - Save: the whole store as one JSON document written to `FILE.tmp`,
//!   flushed to disk, renamed over `FILE`, and the folder synced, so a reader
//!   (or a crash) sees the old store or the new one, never half. The temp
//!   name is fixed — the lock makes it ours — so a killed run leaves no litter
//!   that the next save does not overwrite.
//! - Format: `{"format": "heymarket-sim store", "version": 1,
//!   "next_contact_id", "next_channel_id", "catalog": {fields, tags, team},
//!   "contacts": [...]}`; timestamps are seconds since the epoch. Counters,
//!   rate-limit windows and JWTs are never saved.
//!
//! Each save rewrites the whole store: about 450 bytes a contact, so it suits
//! the sandbox and stores up to some hundred thousand contacts.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::store::{Contact, Store};

const FORMAT: &str = "heymarket-sim store";
const VERSION: u32 = 1;

/// A state file, locked for this process while the value lives.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    temp: PathBuf,
    _lock: File,
}

#[derive(Serialize)]
struct SavedRef<'a> {
    format: &'static str,
    version: u32,
    next_contact_id: i64,
    next_channel_id: i64,
    catalog: &'a Catalog,
    contacts: AllContacts<'a>,
}

/// Serialises the store's contacts as a sequence without copying them.
struct AllContacts<'a>(&'a Store);

impl Serialize for AllContacts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for contact in self.0.all() {
            seq.serialize_element(contact)?;
        }
        seq.end()
    }
}

#[derive(Deserialize)]
struct Saved {
    format: String,
    version: u32,
    next_contact_id: i64,
    next_channel_id: i64,
    catalog: Catalog,
    contacts: Vec<Contact>,
}

/// `path` with `suffix` added to its file name (`store.json` → `store.json.lock`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

impl StateFile {
    /// Locks `path` for this process. Its folder must exist. Fails with
    /// `WouldBlock` when another process holds the lock.
    pub fn open(path: &Path) -> io::Result<StateFile> {
        let lock_path = beside(path, ".lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| with_path(e, "cannot open the lock file", &lock_path))?;
        match fs4::FileExt::try_lock(&lock) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "{} is in use by another heymarket-sim or hmbulk (it holds {})",
                        path.display(),
                        lock_path.display()
                    ),
                ));
            }
            Err(fs4::TryLockError::Error(e)) => {
                return Err(with_path(e, "cannot lock", &lock_path));
            }
        }
        Ok(StateFile {
            path: path.to_path_buf(),
            temp: beside(path, ".tmp"),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store saved in the file; `None` when there is no file yet.
    pub fn load(&self) -> io::Result<Option<Store>> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(with_path(e, "cannot read", &self.path)),
        };
        let unreadable = |why: String| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} is not a heymarket-sim store ({why}); move it away to start afresh",
                    self.path.display()
                ),
            )
        };
        let saved: Saved =
            serde_json::from_reader(BufReader::new(file)).map_err(|e| unreadable(e.to_string()))?;
        if saved.format != FORMAT || saved.version != VERSION {
            return Err(unreadable(format!(
                "format {:?} version {}, expected {FORMAT:?} version {VERSION}",
                saved.format, saved.version
            )));
        }
        Store::restore(
            saved.catalog,
            saved.contacts,
            saved.next_contact_id,
            saved.next_channel_id,
        )
        .map(Some)
        .map_err(unreadable)
    }

    /// Writes `store` to the file atomically (see the module doc).
    pub fn save(&self, store: &Store) -> io::Result<()> {
        let saved = SavedRef {
            format: FORMAT,
            version: VERSION,
            next_contact_id: store.next_contact_id(),
            next_channel_id: store.next_channel_id(),
            catalog: &store.catalog,
            contacts: AllContacts(store),
        };
        let write = || -> io::Result<()> {
            let mut out = BufWriter::new(File::create(&self.temp)?);
            serde_json::to_writer(&mut out, &saved)?;
            out.write_all(b"\n")?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&self.temp, &self.path)?;
            sync_folder(&self.path);
            Ok(())
        };
        write().map_err(|e| with_path(e, "cannot save the store to", &self.path))
    }

    /// Deletes the saved store (the lock stays held).
    pub fn remove(&self) -> io::Result<()> {
        for path in [&self.path, &self.temp] {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(with_path(e, "cannot delete", path)),
            }
        }
        Ok(())
    }
}

/// Makes a rename in `path`'s folder durable (best effort; a no-op where
/// folders cannot be opened, as on Windows).
fn sync_folder(path: &Path) {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = folder.and_then(|f| File::open(f).ok()) {
        let _ = dir.sync_all();
    }
}

fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::ContactWrite;

    #[test]
    fn a_saved_store_loads_back_equal_and_ids_are_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.json");
        let file = StateFile::open(&path).unwrap();
        assert!(file.load().unwrap().is_none());
        let mut store = Store::new(&crate::SimConfig::default(), 0);
        for (i, phone) in ["15105550001", "15105550002", "15105550003"]
            .into_iter()
            .enumerate()
        {
            let write = ContactWrite {
                phone: Some(phone.to_string()),
                email: Some(format!("p{i}@example.com")),
                custom: Some(vec![(101, "Acme".to_string())]),
                ..ContactWrite::default()
            };
            store.create(&write, 100 + i as i64).unwrap();
        }
        store.add_channel(1, "email", "second@example.com", 150);
        assert!(store.delete(3));
        file.save(&store).unwrap();

        let loaded = file.load().unwrap().unwrap();
        let all = |s: &Store| s.all().cloned().collect::<Vec<_>>();
        assert_eq!(all(&loaded), all(&store));
        assert_eq!(loaded.next_contact_id(), 4, "id 3 stays used");
        assert_eq!(loaded.next_channel_id(), store.next_channel_id());
        assert_eq!(loaded.id_by_phone("15105550002"), Some(2));
        assert_eq!(loaded.ids_by_email("P1@example.com"), [2]);
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn a_second_opener_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.json");
        let first = StateFile::open(&path).unwrap();
        let second = StateFile::open(&path).unwrap_err();
        assert_eq!(second.kind(), io::ErrorKind::WouldBlock);
        assert!(second.to_string().contains("in use"), "{second}");
        drop(first);
        assert!(StateFile::open(&path).is_ok());
    }

    #[test]
    fn a_damaged_file_is_named_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.json");
        let file = StateFile::open(&path).unwrap();
        for text in [
            "{not json",
            r#"{"format": "other", "version": 1, "next_contact_id": 1, "next_channel_id": 1, "catalog": {"fields": [], "tags": [], "team": {"id": 1, "name": "t", "members": []}}, "contacts": []}"#,
        ] {
            std::fs::write(&path, text).unwrap();
            let e = file.load().unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidData);
            assert!(
                e.to_string().contains("is not a heymarket-sim store"),
                "{e}"
            );
        }
    }
}
