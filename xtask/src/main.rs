//! `cargo xtask`: the project's command line.
//!
//! `cargo xtask generate [--spec FILE] [--out DIR] [--crate-name NAME] [--check]`
//! turns an OpenAPI document into a client crate.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

// The generator allocates millions of small token trees; mimalloc makes a
// run about a quarter cheaper than the system allocator (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks: generate the client crate from the OpenAPI description")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate from an OpenAPI 3.0/3.1 document.
    Generate(GenerateArgs),
    /// Regenerate (or `--check`) the fixture crates in `tests/fixtures/`, one per
    /// spec in `tests/specs/`.
    Fixtures {
        /// Write nothing; exit 1 naming stale files.
        #[arg(long)]
        check: bool,
    },
    /// Generate and `cargo check` the public documents pinned in
    /// `bench/corpus.toml` (downloads them; slow). Arguments go to the corpus
    /// tool: `--only ID`, `--no-check`, `--report FILE`.
    Corpus {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the benchmarks and write `docs/benchmarks.md` (slow). Arguments go
    /// to the benchmark tool; `cargo xtask bench -- --help` lists them.
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Print the wire contract the generator derives from a document.
    Contract {
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, default_value = DEFAULT_SPEC)]
        spec: PathBuf,
    },
}

const DEFAULT_SPEC: &str = "spec/openrouter-observability.yaml";

#[derive(clap::Args)]
struct GenerateArgs {
    /// The OpenAPI document (YAML or JSON). Relative paths are taken from the
    /// current directory; the default from the workspace root.
    #[arg(long)]
    spec: Option<PathBuf>,
    /// The crate directory to write.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The Cargo package name of the generated crate.
    #[arg(long, default_value = "openrouter-observability", value_parser = crate_name)]
    crate_name: String,
    /// Write nothing; exit 1 naming the files that differ from what the spec produces.
    #[arg(long)]
    check: bool,
    /// Keep only operations with this tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Keep only the operation with this operationId (repeatable).
    #[arg(long = "operation")]
    operations: Vec<String>,
    /// Leave out operations and schemas that cannot be generated (listed in
    /// the output and in the crate's docs) instead of failing.
    #[arg(long)]
    skip_unsupported: bool,
    /// Also print, on stderr, a JSON line of stage timings, peak memory and
    /// output size (for the corpus and the benchmarks).
    #[arg(long)]
    stats: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The generator must not panic on any input; if it does anyway, say so in
    // one line rather than with a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .map(str::to_owned)
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("error: internal error in the generator{at}: {msg}");
    }));
    // Generation walks deep documents; give it room beyond the main thread's stack.
    let worker = std::thread::Builder::new().stack_size(256 * 1024 * 1024).spawn(move || run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            eprintln!("error: this is a bug in the generator; please report it with the document");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: cannot start the generator: {e}");
            ExitCode::from(2)
        }
    }
}

/// Cargo's rule for package names: ASCII letters, digits, `-` and `_`,
/// starting with a letter.
fn crate_name(name: &str) -> Result<String, String> {
    let mut chars = name.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(name.to_owned())
    } else {
        Err("a crate name is ASCII letters, digits, `-` and `_`, starting with a letter".into())
    }
}

/// Runs one of the measuring tools of `bench/` in release mode. They live in
/// their own crate, outside the default members, so their dependencies never
/// slow down `cargo test` or `cargo xtask generate`.
fn run_tool(bin: &str, args: &[String]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args(["run", "--quiet", "--release", "--package", "bench", "--bin", bin, "--"])
        .args(args)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Generate(args) => generate(args),
        Command::Fixtures { check } => {
            let root = workspace_root();
            let mut code = ExitCode::SUCCESS;
            for (spec, name) in codegen::fixtures::FIXTURES {
                let args = GenerateArgs {
                    spec: Some(root.join("tests/specs").join(spec)),
                    out: Some(root.join("tests/fixtures").join(name)),
                    crate_name: format!("fixture-{name}"),
                    check,
                    tags: Vec::new(),
                    operations: Vec::new(),
                    skip_unsupported: false,
                    stats: false,
                };
                if generate(args) != ExitCode::SUCCESS {
                    code = ExitCode::from(1);
                }
            }
            code
        }
        Command::Corpus { args } => run_tool("corpus", &args),
        Command::Bench { args } => run_tool("bench", &args),
        Command::Contract { spec } => {
            let spec = resolve_default(&spec);
            let label = spec.display().to_string();
            match codegen::load_api(&spec, &label, &codegen::Selection::default()) {
                Ok(loaded) => {
                    print!("{}", codegen::contract::describe(&loaded.api));
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{d}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// The most memory this process has held (`VmHWM`), on Linux.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()
}

/// The workspace root: `cargo xtask` runs from anywhere in the tree.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn resolve_default(p: &Path) -> PathBuf {
    if p == Path::new(DEFAULT_SPEC) && !p.exists() { workspace_root().join(p) } else { p.to_path_buf() }
}

fn generate(args: GenerateArgs) -> ExitCode {
    let start = Instant::now();
    let root = workspace_root();
    let (spec, label) = match &args.spec {
        // Inside the tree the header names the spec relative to the root, so the
        // output does not depend on where the tree is checked out.
        Some(s) => (s.clone(), s.strip_prefix(&root).unwrap_or(s).display().to_string()),
        None => (root.join(DEFAULT_SPEC), DEFAULT_SPEC.to_owned()),
    };
    let out = args.out.clone().unwrap_or_else(|| root.join("generated"));
    let mut opts = codegen::Options::new(&spec, label);
    opts.crate_name = args.crate_name.clone();
    opts.selection = codegen::Selection { tags: args.tags.clone(), operations: args.operations.clone() };
    opts.skip_unsupported = args.skip_unsupported;

    let generated = match codegen::generate(&opts) {
        Ok(g) => g,
        Err(diags) => {
            let count = diags.errors().count();
            eprintln!("{diags}");
            eprintln!(
                "error: {} problem{} in {}; nothing written",
                count,
                if count == 1 { "" } else { "s" },
                opts.spec_label
            );
            return ExitCode::from(2);
        }
    };
    for note in generated.notes.notes() {
        eprintln!("{note}");
    }
    for s in &generated.skipped {
        eprintln!("skipped: {}: {} at #{}", s.what, s.reason, s.pointer);
    }
    let write_start = Instant::now();
    let report = match codegen::write::write_all(&out, &generated.files, args.check) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            return ExitCode::from(2);
        }
    };
    if args.stats {
        let mut fields: Vec<String> = generated
            .timings
            .iter()
            .map(|(stage, d)| format!("\"{stage}_ms\":{:.3}", d.as_secs_f64() * 1000.0))
            .collect();
        fields.push(format!("\"write_ms\":{:.3}", write_start.elapsed().as_secs_f64() * 1000.0));
        fields.push(format!("\"total_ms\":{:.3}", start.elapsed().as_secs_f64() * 1000.0));
        fields.push(format!("\"peak_rss_kb\":{}", peak_rss_kb().unwrap_or(0)));
        let bytes: usize = generated.files.iter().map(|f| f.contents.len()).sum();
        let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
        fields.push(format!("\"bytes_out\":{bytes}"));
        fields.push(format!("\"lines_out\":{lines}"));
        fields.push(format!("\"operations\":{}", generated.api.operations.len()));
        fields.push(format!("\"types\":{}", generated.api.types.len()));
        fields.push(format!("\"skipped\":{}", generated.skipped.len()));
        eprintln!("stats: {{{}}}", fields.join(","));
    }
    let ops = generated.api.operations.len();
    let types = generated.api.types.len();
    if args.check {
        if report.stale.is_empty() {
            println!(
                "{} is up to date: {ops} operations, {types} types, {} files ({:.2?})",
                out.display(),
                generated.files.len(),
                start.elapsed()
            );
            ExitCode::SUCCESS
        } else {
            for f in &report.stale {
                eprintln!("stale: {}", out.join(f).display());
            }
            eprintln!(
                "error: {} file(s) in {} differ from what {} produces; run `cargo xtask generate`",
                report.stale.len(),
                out.display(),
                opts.spec_label
            );
            ExitCode::from(1)
        }
    } else {
        let skipped = match generated.skipped.len() {
            0 => String::new(),
            n => format!(", {n} skipped"),
        };
        println!(
            "generated {}: {ops} operations, {types} types{skipped}, {} files written ({} unchanged{}) in {:.2?}",
            out.display(),
            report.written.len(),
            report.unchanged,
            if report.removed.is_empty() { String::new() } else { format!(", {} removed", report.removed.len()) },
            start.elapsed()
        );
        ExitCode::SUCCESS
    }
}
