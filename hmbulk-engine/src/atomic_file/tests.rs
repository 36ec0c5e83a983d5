//! Tests of [`super::AtomicFile`] and [`super::CsvFile`].

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
fn a_report_its_folder_cannot_take_moves_whole_to_the_fallback_folder() {
    let dir = tempfile::tempdir().unwrap();
    // A folder in the way: found at the rename, after most of the
    // report was written in place.
    let taken = dir.path().join("r.csv");
    std::fs::create_dir(&taken).unwrap();
    let mut f = AtomicFile::create_report(&taken, true).unwrap();
    let text: Vec<u8> = (0..100_000u32)
        .flat_map(|i| format!("{i},row\n").into_bytes())
        .collect();
    f.write_all(&text).unwrap();
    let placed = f.place().unwrap();
    let why = placed.moved.clone().unwrap();
    assert!(
        why.starts_with(&format!("cannot write {}", taken.display())),
        "{why}"
    );
    assert_eq!(placed.path.parent().unwrap(), fallback_dir().unwrap());
    let written = std::fs::read(&placed.path).unwrap();
    assert_eq!(&written[..3], "\u{feff}".as_bytes());
    assert_eq!(&written[3..], &text[..]);
    std::fs::remove_file(&placed.path).unwrap();
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
    // Not a report: the error, and nothing elsewhere.
    let f = AtomicFile::create(&taken, false).unwrap();
    assert!(f.place().is_err());
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

#[test]
fn a_file_synced_ahead_and_written_again_is_placed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let mut f = AtomicFile::create(&path, false).unwrap();
    f.write_all(b"first\n").unwrap();
    f.pre_sync();
    assert!(!path.exists(), "synced, not placed");
    f.write_all(b"second\n").unwrap();
    f.commit().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "first\nsecond\n");

    // A report synced ahead still moves when its folder cannot take it.
    let taken = dir.path().join("r.csv");
    std::fs::create_dir(&taken).unwrap();
    let mut f = AtomicFile::create_report(&taken, false).unwrap();
    f.write_all(b"row\n").unwrap();
    f.pre_sync();
    let placed = f.place().unwrap();
    assert!(placed.moved.is_some());
    assert_eq!(std::fs::read_to_string(&placed.path).unwrap(), "row\n");
    std::fs::remove_file(&placed.path).unwrap();
}

#[test]
fn a_file_written_back_while_it_grows_is_placed_whole() {
    // Past WRITEBACK_EVERY twice, in writes that do not fall on its edges:
    // the writeback started on the way changes nothing of what lands.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let line: Vec<u8> = (0..1000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let lines = (2 * WRITEBACK_EVERY as usize) / line.len() + 7;
    let mut f = AtomicFile::create(&path, false).unwrap();
    for _ in 0..lines {
        f.write_all(&line).unwrap();
    }
    assert!(f.written_back >= WRITEBACK_EVERY, "writeback was started");
    f.commit().unwrap();
    let got = std::fs::read(&path).unwrap();
    assert_eq!(got.len(), lines * line.len());
    assert!(got.chunks(line.len()).all(|c| c == line.as_slice()));
}

#[test]
fn a_reports_stamp_is_the_file_as_placed_even_after_a_prefix_or_a_move() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    // A BOM put in front once most of the report reached the file.
    let mut f = AtomicFile::create_report(&path, false).unwrap();
    let text: Vec<u8> = (0..100_000u32)
        .flat_map(|i| format!("{i},row\n").into_bytes())
        .collect();
    f.write_all(&text).unwrap();
    f.prepend("\u{feff}".as_bytes()).unwrap();
    f.write_all(b"last\n").unwrap();
    let placed = f.place().unwrap();
    let written = std::fs::read(&path).unwrap();
    assert_eq!(&written[..3], "\u{feff}".as_bytes());
    assert_eq!(&written[3..text.len() + 3], &text[..]);
    assert!(written.ends_with(b"last\n"));
    assert_eq!(placed.stamp, Some(Stamp::of_file(&path).unwrap()));
    assert_eq!(placed.stamp.unwrap().bytes, written.len() as u64);

    // Sent to the fallback folder (the file at its place could not be
    // kept): the report is whole there, the file in place untouched.
    std::fs::write(&path, "the user's\n").unwrap();
    let mut f = AtomicFile::create_report(&path, false).unwrap();
    f.write_all(&text).unwrap();
    f.move_to_fallback_now(Error::fatal("cannot keep it"))
        .unwrap();
    let placed = f.place().unwrap();
    assert!(placed.moved.unwrap().contains("cannot keep it"));
    assert_eq!(std::fs::read(&placed.path).unwrap(), text);
    assert_eq!(placed.stamp, Some(Stamp::of_file(&placed.path).unwrap()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "the user's\n");
    std::fs::remove_file(&placed.path).unwrap();
    // Not a report: the error comes back.
    let mut f = AtomicFile::create(&path, false).unwrap();
    assert!(f.move_to_fallback_now(Error::fatal("no")).is_err());
}
