//! An OpenAPI 3.0/3.1 to Rust client generator.
//!
//! The pipeline is a sequence of stages, each a module:
//! [`load`] (YAML/JSON → JSON tree) → [`normalise`] (3.1 → 3.0 shape) →
//! [`parse`] (`openapiv3` types) → [`lower`] (the [`ir`], names from
//! [`naming`]) → [`emit`] (Rust source) → [`write`](mod@write) (files, only when changed).

pub mod bundle;
pub mod contract;
pub mod diag;
pub mod emit;
pub mod fixtures;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalise;
pub mod parse;
#[path = "../runtime/sensitive.rs"]
pub mod sensitive;
pub mod skip;
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
    /// Leave out operations and schemas that cannot be generated instead of
    /// failing.
    pub skip_unsupported: bool,
}

impl Options {
    pub fn new(spec: impl Into<PathBuf>, spec_label: impl Into<String>) -> Self {
        Options {
            spec: spec.into(),
            spec_label: spec_label.into(),
            crate_name: "openrouter-observability".into(),
            crate_version: "0.1.0".into(),
            selection: Selection::default(),
            skip_unsupported: false,
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
    /// What `skip_unsupported` left out.
    pub skipped: Vec<skip::Skipped>,
}

/// A document lowered to the IR.
#[derive(Debug)]
pub struct Loaded {
    pub api: ir::Api,
    /// Notes about what was skipped or interpreted.
    pub notes: Diagnostics,
    /// Time spent in each stage so far.
    pub timings: Vec<(&'static str, Duration)>,
    /// What `skip_unsupported` left out.
    pub skipped: Vec<skip::Skipped>,
}

/// Loads, checks and lowers a document: everything up to the IR.
pub fn load_api(spec: &Path, label: &str, selection: &Selection) -> Result<Loaded, Diagnostics> {
    load_api_with(spec, label, selection, false)
}

/// Like [`load_api`]; with `skip_unsupported`, problems remove what they are
/// in (see [`skip`]) and the stages run again, until nothing is wrong.
pub fn load_api_with(
    spec: &Path,
    label: &str,
    selection: &Selection,
    skip_unsupported: bool,
) -> Result<Loaded, Diagnostics> {
    let t = Instant::now();
    let doc = load::load_file(spec, label)?;
    let mut tree = doc.value;
    let mut diags = Diagnostics::default();
    bundle::bundle(&mut tree, spec, &mut diags);
    lower_tree(tree, diags, t.elapsed(), label, selection, skip_unsupported)
}

/// The stages after loading, on a document tree with its external
/// references already brought in.
fn lower_tree(
    mut tree: serde_json::Value,
    mut diags: Diagnostics,
    load_time: Duration,
    label: &str,
    selection: &Selection,
    skip_unsupported: bool,
) -> Result<Loaded, Diagnostics> {
    let mut timings = vec![("load", load_time)];
    let mut skipped = Vec::new();
    // Each round removes at least one thing, so the rounds end.
    for _ in 0..64 {
        // The stages rewrite the tree; keep a copy only when a skip may need it.
        let input = if skip_unsupported { tree.clone() } else { std::mem::take(&mut tree) };
        let round = run_stages(input, &diags, selection, &mut timings);
        let errors: Vec<&Diagnostic> = match &round {
            Ok(_) => Vec::new(),
            Err(d) => d.errors().collect(),
        };
        if errors.is_empty() || !skip_unsupported {
            return match round {
                Ok((api, notes)) => Ok(Loaded { api, notes: notes.in_file(label), timings, skipped }),
                Err(d) => Err(d.in_file(label)),
            };
        }
        let removed = skip::apply(&mut tree, &errors);
        if removed.is_empty() {
            return Err(round.err().unwrap_or_default().in_file(label));
        }
        // Problems the removals took care of are not reported again.
        diags.0.retain(|d| d.severity != Severity::Error);
        skipped.extend(removed);
    }
    Err(Diagnostics::from(Diagnostic::error("", "too many problems to skip")).in_file(label))
}

/// normalise → parse → lower, on a copy of the tree.
fn run_stages(
    mut value: serde_json::Value,
    earlier: &Diagnostics,
    selection: &Selection,
    timings: &mut Vec<(&'static str, Duration)>,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let t = Instant::now();
    let mut diags = earlier.clone();
    let version = normalise::normalise(&mut value, &mut diags);
    timings.push(("normalise", t.elapsed()));
    // Go on after problems the normaliser worked around, to report all at once.
    if version.is_none() {
        return Err(diags);
    }
    let t = Instant::now();
    let openapi = parse::read_openapi(&value).map_err(|mut d| {
        d.0.splice(0..0, diags.0.iter().cloned());
        d
    })?;
    let (api, lower_diags) = lower::lower(&openapi, &value, selection);
    timings.push(("ir", t.elapsed()));
    diags.extend(lower_diags);
    if diags.has_errors() { Err(diags) } else { Ok((api, diags)) }
}

/// Runs the whole pipeline in memory.
pub fn generate(opts: &Options) -> Result<Generated, Diagnostics> {
    let loaded = load_api_with(&opts.spec, &opts.spec_label, &opts.selection, opts.skip_unsupported)?;
    emit_loaded(loaded, opts)
}

/// Runs the whole pipeline on a document given as text (YAML or JSON)
/// rather than as a file; `opts.spec` is not read. A document given this way
/// has no place on disk, so references to other files are not followed (they
/// are reported as unresolvable). The fuzzer drives the generator here.
pub fn generate_from_text(text: &str, opts: &Options) -> Result<Generated, Diagnostics> {
    let t = Instant::now();
    let tree = load::parse_text(text, false).map_err(|d| d.in_file(&opts.spec_label))?;
    let loaded = lower_tree(
        tree,
        Diagnostics::default(),
        t.elapsed(),
        &opts.spec_label,
        &opts.selection,
        opts.skip_unsupported,
    )?;
    emit_loaded(loaded, opts)
}

fn emit_loaded(loaded: Loaded, opts: &Options) -> Result<Generated, Diagnostics> {
    let Loaded { api, notes, mut timings, skipped } = loaded;
    let emit_opts = EmitOptions {
        crate_name: opts.crate_name.clone(),
        crate_version: opts.crate_version.clone(),
        spec_label: opts.spec_label.clone(),
        skipped: skipped.iter().map(|s| format!("{}: {}", s.what, s.reason)).collect(),
    };
    let (files, times) = emit::emit_and_format(&api, &emit_opts)
        .map_err(|e| Diagnostics::from(Diagnostic::error("", e)).in_file(&opts.spec_label))?;
    timings.push(("emit", times.emit));
    timings.push(("format", times.format));
    Ok(Generated { api, files, notes, timings, skipped })
}
