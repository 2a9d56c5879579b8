//! An OpenAPI 3.0/3.1 to Rust client generator.
//!
//! The pipeline is a sequence of stages, each a module:
//! [`load`] (YAML/JSON → JSON tree) → [`normalise`] (3.1 → 3.0 shape) →
//! [`parse`] (`openapiv3` types) → [`lower`] (the [`ir`], names from
//! [`naming`]) → [`emit`] (Rust source) → [`write`] (files, only when changed).

pub mod contract;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalise;
pub mod parse;
#[path = "../runtime/sensitive.rs"]
pub mod sensitive;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use diag::{Diagnostic, Diagnostics, Severity};
pub use emit::{EmitOptions, OutFile};
pub use lower::Selection;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    pub spec: PathBuf,
    /// How the spec is named in diagnostics and in the `@generated` header.
    pub spec_label: String,
    pub crate_name: String,
    pub crate_version: String,
    pub selection: Selection,
}

impl Options {
    pub fn new(spec: impl Into<PathBuf>, spec_label: impl Into<String>) -> Self {
        Options {
            spec: spec.into(),
            spec_label: spec_label.into(),
            crate_name: "openrouter-observability".into(),
            crate_version: "0.1.0".into(),
            selection: Selection::default(),
        }
    }
}

/// The output of a run, before anything is written.
#[derive(Debug)]
pub struct Generated {
    pub api: ir::Api,
    pub files: Vec<OutFile>,
    /// Notes about what was skipped or interpreted.
    pub notes: Diagnostics,
    /// Time spent in each stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A document lowered to the IR.
#[derive(Debug)]
pub struct Loaded {
    pub api: ir::Api,
    /// Notes about what was skipped or interpreted.
    pub notes: Diagnostics,
    /// Time spent in each stage so far.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads, checks and lowers a document: everything up to the IR.
pub fn load_api(spec: &Path, label: &str, selection: &Selection) -> Result<Loaded, Diagnostics> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let mut doc = load::load_file(spec, label)?;
    timings.push(("load", t.elapsed()));

    let t = Instant::now();
    let mut diags = Diagnostics::default();
    let version = normalise::normalise(&mut doc.value, &mut diags);
    timings.push(("normalise", t.elapsed()));
    if version.is_none() || diags.has_errors() {
        return Err(diags.in_file(label));
    }

    let t = Instant::now();
    let openapi = parse::read_openapi(&doc.value).map_err(|d| d.in_file(label))?;
    let (api, lower_diags) = lower::lower(&openapi, &doc.value, selection);
    timings.push(("ir", t.elapsed()));
    diags.extend(lower_diags);
    let diags = diags.in_file(label);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Loaded { api, notes: diags, timings })
}

/// Runs the whole pipeline in memory.
pub fn generate(opts: &Options) -> Result<Generated, Diagnostics> {
    let Loaded { api, notes, mut timings } = load_api(&opts.spec, &opts.spec_label, &opts.selection)?;
    let t = Instant::now();
    let emit_opts = EmitOptions {
        crate_name: opts.crate_name.clone(),
        crate_version: opts.crate_version.clone(),
        spec_label: opts.spec_label.clone(),
    };
    let files = emit::emit(&api, &emit_opts)
        .map_err(|e| Diagnostics::from(Diagnostic::error("", e)).in_file(&opts.spec_label))?;
    timings.push(("emit", t.elapsed()));
    Ok(Generated { api, files, notes, timings })
}
