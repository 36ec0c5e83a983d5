//! A plan that needed guesses (a column placed by its content alone) is
//! confirmed before anything runs: on a terminal, `Use this mapping?
//! [Y/n/edit]` is asked once (edit opens the proposed map file in
//! `$VISUAL`/`$EDITOR` and the run goes on with what is saved); off a
//! terminal the run stops with exit 2 and the map file, which is right when
//! pasted (every column named, priority explicit, consent mapped).

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

use hmbulk_engine::error::{Error, Result};
use hmbulk_engine::mapping::{self, MapFile, Mapping, Settings};

/// What to run with after the question.
pub(crate) enum Answer {
    /// The plan as it is.
    Yes,
    /// The map file the person edited.
    Edited(MapFile),
}

/// Confirm `mapping` when it needed guesses; `Err` (a usage error) when the
/// person says no, or off a terminal.
pub(crate) fn confirm(mapping: &Mapping, settings: &Settings) -> Result<Answer> {
    let guesses = mapping.guesses();
    if guesses.is_empty() {
        return Ok(Answer::Yes);
    }
    let named: Vec<&str> = guesses.iter().map(|&i| mapping.header(i)).collect();
    let map = mapping::render(mapping, settings);
    let why = format!(
        "this plan needed {}: {} placed by {} content alone",
        mapping::count(guesses.len(), "guess"),
        mapping::quoted_list(&named),
        if guesses.len() == 1 { "its" } else { "their" }
    );
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Error::usage(format!(
            "{why}; nothing was sent. Check the plan above; to run with it, save these lines \
             as map.toml (change what is wrong) and run again with --map map.toml:\n\n{map}"
        )));
    }
    say_inline!("{why}.\nUse this mapping? [Y/n/edit] ");
    io::stderr().flush().ok();
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line).ok();
    match line.trim().to_ascii_lowercase().as_str() {
        "" | "y" | "yes" => Ok(Answer::Yes),
        "e" | "edit" => edit(&map).map(Answer::Edited),
        _ => Err(Error::usage(format!(
            "the mapping was not used; nothing was sent. To run with another, save this map \
             file, change it and pass it with --map:\n\n{map}"
        ))),
    }
}

/// Open the proposed map file in the person's editor; give what they saved.
fn edit(map: &str) -> Result<MapFile> {
    let file = tempfile::Builder::new()
        .prefix("hmbulk-mapping.")
        .suffix(".toml")
        .tempfile()
        .map_err(|e| Error::usage(format!("cannot write the proposed map file: {e}")))?;
    std::fs::write(file.path(), map)
        .map_err(|e| Error::usage(format!("cannot write the proposed map file: {e}")))?;
    // An empty variable is an unset one (as git and sudo read them).
    let set = |name| {
        std::env::var(name)
            .ok()
            .filter(|v: &String| !v.trim().is_empty())
    };
    let editor = set("VISUAL")
        .or_else(|| set("EDITOR"))
        .unwrap_or_else(|| "vi".to_string());
    let status = run_editor(&editor, file.path())?;
    if !status {
        return Err(Error::usage(format!(
            "the editor ({editor}) did not finish well; nothing was sent"
        )));
    }
    MapFile::load(file.path())
}

fn run_editor(editor: &str, path: &Path) -> Result<bool> {
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    std::process::Command::new(program)
        .args(words)
        .arg(path)
        .status()
        .map(|s| s.success())
        .map_err(|e| Error::usage(format!("cannot start the editor {editor}: {e}")))
}
