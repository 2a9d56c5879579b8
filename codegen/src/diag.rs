//! Diagnostics: every problem the generator reports names the file and the
//! place in the document (a JSON pointer, and the operation when there is one).

use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something was left out or interpreted; generation goes on.
    Note,
    /// Generation cannot produce a correct crate.
    Error,
}

/// One problem (or note) about the input document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the problem is in, as the user named it.
    pub file: String,
    /// JSON pointer into that file (`""` for the whole document).
    pub pointer: String,
    /// Line and column (1-based) when the parser knows them.
    pub location: Option<(usize, usize)>,
    /// The operation this is about, when there is one.
    pub operation_id: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: String::new(),
            pointer: pointer.into(),
            location: None,
            operation_id: None,
            message: message.into(),
        }
    }

    pub fn note(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(pointer, message) }
    }

    pub fn with_operation(mut self, operation_id: Option<&str>) -> Self {
        if self.operation_id.is_none() {
            self.operation_id = operation_id.map(str::to_owned);
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Note => "note",
        };
        write!(f, "{kind}: {}", self.file)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at #{}", self.pointer)?;
        }
        if let Some(op) = &self.operation_id {
            write!(f, " (operation `{op}`)")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every error found, all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn notes(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Note)
    }

    /// Fills in the file name on every diagnostic that has none.
    pub fn in_file(mut self, file: &str) -> Self {
        for d in &mut self.0 {
            if d.file.is_empty() {
                d.file = file.to_owned();
            }
        }
        self
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.errors().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Decodes `%XX` escapes: URI references carry file names and JSON pointers
/// percent-encoded. Text that does not decode to UTF-8 is kept as written.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().map_or_else(|_| s.to_owned(), |d| d.into_owned())
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub fn push_pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Splits a JSON pointer (without the leading `#`) into unescaped tokens.
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("common/pet%20types.yaml"), "common/pet types.yaml");
        assert_eq!(percent_decode("#/paths/~1a~1%7Bid%7D"), "#/paths/~1a~1{id}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%E2%82"), "%E2%82", "not UTF-8: kept as written");
    }

    #[test]
    fn pointers_escape_and_unescape() {
        let p = push_pointer(&push_pointer("", "paths"), "/a/{id}~x");
        assert_eq!(p, "/paths/~1a~1{id}~0x");
        assert_eq!(pointer_tokens(&p).unwrap(), vec!["paths", "/a/{id}~x"]);
        assert_eq!(pointer_tokens("").unwrap(), Vec::<String>::new());
        assert!(pointer_tokens("nope").is_none());
    }

    #[test]
    fn display_names_file_pointer_and_operation() {
        let d = Diagnostic::error("/paths/~1x/get", "boom").with_operation(Some("getX"));
        let all = Diagnostics::from(d).in_file("spec.yaml");
        assert_eq!(all.to_string(), "error: spec.yaml at #/paths/~1x/get (operation `getX`): boom");
    }
}
