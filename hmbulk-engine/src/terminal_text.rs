//! Text as a terminal is to show it. A header, a cell, a file name or a
//! server's answer can hold control characters: an escape sequence in a
//! header (`\x1b]52;…` writes the clipboard on some terminals, `\x1b[2J`
//! clears the screen, `\x1b[8m` hides what follows) or a bidirectional
//! override (U+202E, which shows text reversed) would act on the user's
//! terminal if printed as it is. [`escape`] shows each such character as
//! Rust writes it escaped (`\u{1b}`), so that what the file holds is seen,
//! not obeyed. Line breaks and tabs are kept: messages are made of lines.
//! Every line hmbulk prints for a person goes through it (the binary's
//! `say!`, and the progress module's lines).

use std::borrow::Cow;

/// `text` with every control character but `\n` and `\t`, and every
/// bidirectional control, shown escaped.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A character a terminal would act on, or that changes how the text
/// around it is shown, rather than showing itself.
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape("phone, Zoë\tx\n"), "phone, Zoë\tx\n");
        assert_eq!(escape("na\u{1b}[31mme"), "na\\u{1b}[31mme");
        assert_eq!(
            escape("a\u{7}b\u{0}c\u{9b}d\r"),
            "a\\u{7}b\\u{0}c\\u{9b}d\\u{d}"
        );
        assert_eq!(escape("abc\u{202E}fed"), "abc\\u{202e}fed");
    }
}
