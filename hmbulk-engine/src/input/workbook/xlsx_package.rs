//! The parts of an `.xlsx` package found where its relationships say, as
//! every reader finds them: takes the zip; gives the workbook part's path
//! (named by `_rels/.rels`, not assumed to be `xl/workbook.xml`), a
//! relationship's target resolved against the workbook's folder, and any
//! part by its path whatever the case of its zip name and whichever slash
//! the writer used (`xl\worksheets\sheet1.xml`, as some Windows tools
//! write). calamine finds parts the same way; this is what the hand reader
//! ([`super::xlsx_book`]) and the layout search ([`super::merges`]) share,
//! so that neither reads a workbook calamine reads as something else.

use std::collections::HashMap;
use std::io::{self, Read};

use zip::ZipArchive;
use zip::read::ZipFile;

use super::Source;
use super::xlsx_xml::{tag_attr, tags, unescape};

/// An `.xlsx` zip and where its workbook part is.
pub(super) struct Package {
    zip: ZipArchive<Source>,
    /// Each zip name by its path: `/` for `\`, in lower case.
    names: HashMap<String, String>,
    /// The workbook part's folder, with its `/` (`xl/`; empty at the root).
    dir: String,
    /// The workbook part's path (`xl/workbook.xml`).
    workbook: String,
}

impl Package {
    /// The package in `source`: an error when it is no zip or names no
    /// workbook part.
    pub(super) fn open(source: Source) -> io::Result<Package> {
        let zip = ZipArchive::new(source).map_err(io::Error::other)?;
        let names = zip
            .file_names()
            .flatten()
            .map(|name| (normal(&name), name.into_owned()))
            .collect();
        let mut package = Package {
            zip,
            names,
            dir: String::new(),
            workbook: String::new(),
        };
        let root = package.read("_rels/.rels")?;
        let target = tags(&root, b"Relationship")
            .find(|tag| tag_attr(tag, b"Type").is_some_and(|t| t.ends_with("/officeDocument")))
            .and_then(|tag| tag_attr(tag, b"Target"))
            .ok_or_else(|| io::Error::other("_rels/.rels names no workbook part"))?;
        package.workbook = resolve("", &unescape(&target));
        package.dir = match package.workbook.rfind('/') {
            Some(slash) => package.workbook[..=slash].to_string(),
            None => String::new(),
        };
        Ok(package)
    }

    /// The workbook part and its relationships part, whole.
    pub(super) fn workbook(&mut self) -> io::Result<(Vec<u8>, Vec<u8>)> {
        let name = &self.workbook[self.dir.len()..];
        let rels = format!("{}_rels/{name}.rels", self.dir);
        let workbook = self.workbook.clone();
        Ok((self.read(&workbook)?, self.read(&rels)?))
    }

    /// The path of part `name` in the workbook's folder (`sharedStrings.xml`).
    pub(super) fn beside_workbook(&self, name: &str) -> String {
        format!("{}{name}", self.dir)
    }

    /// The path a workbook relationship's `Target` names.
    pub(super) fn target(&self, target: &str) -> String {
        resolve(&self.dir, target)
    }

    /// The zip's name for the part at `path`, if there is one.
    pub(super) fn zip_name(&self, path: &str) -> Option<&str> {
        self.names.get(&normal(path)).map(String::as_str)
    }

    /// The zip, for reading a part by its [`Package::zip_name`].
    pub(super) fn zip(&mut self) -> &mut ZipArchive<Source> {
        &mut self.zip
    }

    /// Part `path`, to be read as it inflates.
    pub(super) fn part(&mut self, path: &str) -> io::Result<ZipFile<'_, Source>> {
        let name = self
            .zip_name(path)
            .ok_or_else(|| io::Error::other(format!("the workbook has no part {path}")))?
            .to_string();
        self.zip.by_name(&name).map_err(io::Error::other)
    }

    /// Part `path`, whole.
    pub(super) fn read(&mut self, path: &str) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.part(path)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// A zip name as a part path is compared with it.
pub(super) fn normal(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// `target` resolved against folder `dir` (`xl/`): an absolute target
/// (`/xl/worksheets/sheet1.xml`) from the package's root, `.` and `..`
/// steps taken.
fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let mut path: Vec<&str> = Vec::new();
    for step in joined.split('/') {
        match step {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            step => path.push(step),
        }
    }
    path.join("/")
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn targets_resolve_as_the_package_says() {
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl/", "../sheet1.xml"), "sheet1.xml");
        assert_eq!(resolve("", "workbook.xml"), "workbook.xml");
        assert_eq!(resolve("", "./xl\\workbook.xml"), "xl/workbook.xml");
    }
}
