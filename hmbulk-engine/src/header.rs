//! Header text as hmbulk compares it: a column's header, a custom field's
//! title, a map file's key. A leaf: it names nothing else of the crate.

/// Lower-case letters and digits only: `E-mail` -> `email`, `Last Name` -> `lastname`.
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}
