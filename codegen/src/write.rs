//! Stage 5: put the files on disk, touching only those whose bytes change.

use std::io;
use std::path::{Path, PathBuf};

use crate::emit::OutFile;

/// What writing (or checking) did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because they were missing or different.
    pub written: Vec<PathBuf>,
    pub unchanged: usize,
    /// In check mode: files that differ, are missing, or should not exist.
    pub stale: Vec<PathBuf>,
    /// Generated files from an earlier run that are no longer produced.
    pub removed: Vec<PathBuf>,
}

/// Writes `text` to `path` unless it already holds exactly that; in check
/// mode only reports whether it does. Returns whether the file differed.
pub fn ensure_file_contents(path: &Path, text: &str, check: bool) -> io::Result<bool> {
    if !check && let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    write_if_changed(path, text, check)
}

/// [`ensure_file_contents`] once the directory exists.
fn write_if_changed(path: &Path, text: &str, check: bool) -> io::Result<bool> {
    // Only a file of the same length can hold the same bytes.
    let same_length = std::fs::metadata(path).is_ok_and(|m| m.len() == text.len() as u64);
    if same_length && std::fs::read(path).map_err(at(path))? == text.as_bytes() {
        return Ok(false);
    }
    if !check {
        std::fs::write(path, text).map_err(at(path))?;
    }
    Ok(true)
}

/// Puts the path into an I/O error, which does not name it by itself.
fn at(path: &Path) -> impl FnOnce(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Writes every file under `out`, and removes generated files no longer
/// produced (only files that carry the generated header).
pub fn write_all(out: &Path, files: &[OutFile], check: bool) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    // Each directory once, rather than a `create_dir_all` per file.
    if !check {
        let dirs: std::collections::BTreeSet<PathBuf> =
            files.iter().filter_map(|f| out.join(&f.path).parent().map(Path::to_path_buf)).collect();
        for dir in dirs {
            std::fs::create_dir_all(&dir).map_err(at(&dir))?;
        }
    }
    for f in files {
        if write_if_changed(&out.join(&f.path), &f.contents, check)? {
            if check {
                report.stale.push(f.path.clone());
            } else {
                report.written.push(f.path.clone());
            }
        } else {
            report.unchanged += 1;
        }
    }
    for extra in leftover_files(out, files)? {
        let rel = extra.strip_prefix(out).unwrap_or(&extra).to_path_buf();
        if check {
            report.stale.push(rel);
        } else {
            std::fs::remove_file(&extra).map_err(at(&extra))?;
            report.removed.push(rel);
        }
    }
    Ok(report)
}

/// Files under `out` with the generated header that `files` does not name.
fn leftover_files(out: &Path, files: &[OutFile]) -> io::Result<Vec<PathBuf>> {
    // A set: crates of large documents have thousands of files.
    let produced: std::collections::HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    let mut found = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let ty = entry.file_type()?;
            if ty.is_dir() {
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                stack.push(path);
            } else if ty.is_file() {
                let rel = path.strip_prefix(out).unwrap_or(&path);
                if produced.contains(rel) {
                    continue;
                }
                let mut head = Vec::with_capacity(16);
                if let Ok(f) = std::fs::File::open(&path) {
                    let _ = io::Read::read_to_end(&mut io::Read::take(f, 16), &mut head);
                }
                if head.starts_with(b"// @generated") || head.starts_with(b"# @generated") {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory, removed when the test ends (pass or fail).
    fn tmp(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new().prefix(&format!("codegen-write-{name}-")).tempdir().unwrap()
    }

    #[test]
    fn writes_only_changed_files_and_checks() {
        let dir = tmp("changed");
        let dir = dir.path();
        let files = vec![OutFile { path: "src/a.rs".into(), contents: "// @generated\nA\n".into() }];
        let r = write_all(dir, &files, false).unwrap();
        assert_eq!(r.written.len(), 1);
        let r = write_all(dir, &files, false).unwrap();
        assert_eq!((r.written.len(), r.unchanged), (0, 1));
        std::fs::write(dir.join("src/a.rs"), "edited").unwrap();
        let r = write_all(dir, &files, true).unwrap();
        assert_eq!(r.stale, vec![PathBuf::from("src/a.rs")]);
        assert_eq!(std::fs::read_to_string(dir.join("src/a.rs")).unwrap(), "edited");
    }

    #[test]
    fn leftover_generated_files_are_stale_and_removed() {
        let dir = tmp("leftover");
        let dir = dir.path();
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/old.rs"), "// @generated by x\n").unwrap();
        std::fs::write(dir.join("src/mine.rs"), "fn main() {}\n").unwrap();
        let r = write_all(dir, &[], true).unwrap();
        assert_eq!(r.stale, vec![PathBuf::from("src/old.rs")]);
        let r = write_all(dir, &[], false).unwrap();
        assert_eq!(r.removed, vec![PathBuf::from("src/old.rs")]);
        assert!(dir.join("src/mine.rs").exists());
    }
}
