//! The last line after a run whose rows failed: `fix <errors file> and run:
//! hmbulk <command> <errors file> …`, with the options that decide the
//! rows' outcomes again (the mode, the tags mode, where the contacts are:
//! the sandbox, a credentials file). Not the options a file beside the
//! error report carries (the mapping and its default region, the
//! dialect), nor those of speed (rate, batch size). Quoted for a POSIX
//! shell.

use std::fmt::Display;
use std::path::Path;

use crate::cli::Connection;

/// A command line being put together.
pub struct FixLine {
    errors: String,
    words: Vec<String>,
}

impl FixLine {
    /// `hmbulk <command> <errors>`.
    pub fn new(command: &str, errors: &Path) -> FixLine {
        let errors = shell_quote(&errors.display().to_string());
        FixLine {
            words: vec!["hmbulk".into(), command.into(), errors.clone()],
            errors,
        }
    }

    /// `flag` when `on`.
    pub fn flag(mut self, flag: &str, on: bool) -> FixLine {
        if on {
            self.words.push(flag.into());
        }
        self
    }

    /// `flag value` when there is a value.
    pub fn value(mut self, flag: &str, value: Option<impl Display>) -> FixLine {
        if let Some(v) = value {
            self.words.push(flag.into());
            self.words.push(shell_quote(&v.to_string()));
        }
        self
    }

    /// Where the contacts are: `--sandbox`, `--sandbox-dir`, `--credentials`
    /// (the base URL and keys come from the environment, which stays).
    pub fn connection(self, c: &Connection) -> FixLine {
        self.flag("--sandbox", c.sandbox && c.sandbox_dir.is_none())
            .value("--sandbox-dir", c.sandbox_dir.as_ref().map(|d| d.display()))
            .value("--credentials", c.credentials.as_ref().map(|f| f.display()))
    }

    /// The line, on stderr.
    pub fn print(&self) {
        say!("fix {} and run: {}", self.errors, self.words.join(" "));
    }
}

/// `word` as a POSIX shell reads it back.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_quotes_what_a_shell_would_split() {
        let line = FixLine::new("import", Path::new("my files/people.errors.csv"))
            .value("--mode", Some("update"))
            .flag("--no-channels", true)
            .flag("--search-first", false)
            .value("--tags", None::<&str>);
        assert_eq!(
            line.words.join(" "),
            "hmbulk import 'my files/people.errors.csv' --mode update --no-channels"
        );
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
