//! `cargo xtask corpus`: generate a crate from each public document pinned in
//! `bench/corpus.toml`, `cargo check` it, and report a table in
//! `docs/corpus.md`.
//!
//! Each document is generated strictly first; when that ends in diagnostics
//! it is generated again with `--skip-unsupported`, and the table counts both.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use bench::fetch::{self, Document, Manifest};
use bench::process::{self, Finished};
use bench::table::Table;
use bench::{human_bytes, human_secs};
use clap::Parser;

#[derive(Parser)]
#[command(name = "cargo xtask corpus", about = "Generate and compile the pinned public OpenAPI documents")]
struct Args {
    /// Only these documents (by id; repeatable).
    #[arg(long = "only")]
    only: Vec<String>,
    /// Generate only; skip `cargo check`.
    #[arg(long)]
    no_check: bool,
    /// Where to write the report.
    #[arg(long, default_value = "docs/corpus.md")]
    report: PathBuf,
}

/// The generator gets this long per document before it counts as a hang.
const GENERATE_DEADLINE: Duration = Duration::from_secs(120);
/// `cargo check` of one crate gets this long.
const CHECK_DEADLINE: Duration = Duration::from_secs(1800);

struct Row {
    doc_id: String,
    origin: String,
    openapi: String,
    size: u64,
    operations: Option<u64>,
    types: Option<u64>,
    generate: Option<Duration>,
    peak_kb: Option<u64>,
    lines_out: Option<u64>,
    check: Option<Duration>,
    /// Problems reported by the strict run.
    diagnostics: usize,
    /// What `--skip-unsupported` left out.
    skipped: Vec<String>,
    outcome: Outcome,
    /// First lines of whatever went wrong, for the report's details.
    detail: Vec<String>,
}

#[derive(PartialEq)]
enum Outcome {
    Compiles,
    Generated,
    DoesNotCompile(usize),
    Rejected,
    Panicked,
    TimedOut(&'static str),
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<bool, String> {
    let root = bench::root();
    let manifest = Manifest::load(&root.join("bench/corpus.toml"))?;
    let docs: Vec<&Document> =
        manifest.documents.iter().filter(|d| args.only.is_empty() || args.only.contains(&d.id)).collect();
    if docs.is_empty() {
        return Err(format!("no document matches {:?}", args.only));
    }
    let work = bench::target_dir().join("corpus");
    let paths = fetch::documents(&manifest, &docs, &work)?;
    let xtask = bench::build_xtask()?;
    let crates = work.join("crates");
    std::fs::create_dir_all(&crates).map_err(|e| format!("cannot create {}: {e}", crates.display()))?;

    let mut rows = Vec::new();
    for (doc, path) in docs.iter().zip(&paths) {
        eprintln!("corpus: generating {}", doc.id);
        rows.push(generate(&manifest, doc, path, &xtask, &crates, &work)?);
    }

    if !args.no_check {
        let members: Vec<String> = rows
            .iter()
            .filter(|r| r.outcome == Outcome::Generated)
            .map(|r| format!("\"{}\"", r.doc_id))
            .chain(std::iter::once("\"deps\"".to_owned()))
            .collect();
        prepare_workspace(&crates, &members, &rows)?;
        eprintln!("corpus: building the dependencies once");
        let deps = cargo_check(&crates, "corpus-deps", &work)?;
        if !deps.success() {
            return Err(format!("cannot build the generated crates' dependencies:\n{}", deps.stderr));
        }
        for row in rows.iter_mut().filter(|r| r.outcome == Outcome::Generated) {
            eprintln!("corpus: cargo check {}", row.doc_id);
            let done = cargo_check(&crates, &format!("corpus-{}", row.doc_id), &work)?;
            row.check = Some(done.wall);
            row.outcome = if done.timed_out {
                Outcome::TimedOut("cargo check")
            } else if done.success() {
                Outcome::Compiles
            } else {
                let errors: Vec<String> = done
                    .stderr
                    .lines()
                    .filter(|l| l.contains("error") && !l.contains("could not compile"))
                    .map(str::to_owned)
                    .collect();
                row.detail.extend(errors.iter().take(8).cloned());
                Outcome::DoesNotCompile(errors.len().max(1))
            };
        }
    }

    let report = render(&rows, !args.no_check);
    println!("{report}");
    let report_path = if args.report.is_absolute() { args.report.clone() } else { root.join(&args.report) };
    if let Some(parent) = report_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&report_path, &report).map_err(|e| format!("cannot write {}: {e}", report_path.display()))?;
    eprintln!("corpus: report written to {}", report_path.display());
    let good = |o: &Outcome| matches!(o, Outcome::Compiles) || (args.no_check && *o == Outcome::Generated);
    Ok(rows.iter().all(|r| good(&r.outcome)))
}

/// Generates one document: strictly, then with `--skip-unsupported` if the
/// strict run reports problems.
fn generate(
    manifest: &Manifest,
    doc: &Document,
    path: &Path,
    xtask: &Path,
    crates: &Path,
    work: &Path,
) -> Result<Row, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut row = Row {
        doc_id: doc.id.clone(),
        origin: manifest.package(&doc.package).map(|p| p.origin.clone()).unwrap_or_default(),
        openapi: openapi_version(path, &bytes),
        size: bytes.len() as u64,
        operations: None,
        types: None,
        generate: None,
        peak_kb: None,
        lines_out: None,
        check: None,
        diagnostics: 0,
        skipped: Vec::new(),
        outcome: Outcome::Generated,
        detail: Vec::new(),
    };
    let out = crates.join(&doc.id);
    let attempt = |skip: bool| -> Result<Finished, String> {
        let mut cmd = Command::new(xtask);
        cmd.arg("generate").arg("--spec").arg(path).arg("--out").arg(&out);
        cmd.args(["--crate-name", &format!("corpus-{}", doc.id), "--stats"]);
        if skip {
            cmd.arg("--skip-unsupported");
        }
        process::run(cmd, GENERATE_DEADLINE, &work.join("scratch"))
    };
    let mut done = attempt(false)?;
    if done.code == Some(2) {
        row.diagnostics = problem_count(&done.stderr);
        row.detail.extend(done.stderr.lines().filter(|l| l.starts_with("error")).take(8).map(str::to_owned));
        done = attempt(true)?;
    }
    if done.timed_out {
        row.outcome = Outcome::TimedOut("generate");
        return Ok(row);
    }
    if done.stderr.contains("internal error in the generator") || done.code.is_none() || done.code == Some(101) {
        row.outcome = Outcome::Panicked;
        row.detail.extend(done.stderr.lines().take(8).map(str::to_owned));
        return Ok(row);
    }
    if !done.success() {
        row.outcome = Outcome::Rejected;
        row.detail.extend(done.stderr.lines().filter(|l| l.starts_with("error")).take(8).map(str::to_owned));
        return Ok(row);
    }
    row.generate = Some(done.wall);
    row.skipped = done.stderr.lines().filter_map(|l| l.strip_prefix("skipped: ")).map(str::to_owned).collect();
    if let Some(stats) = stats(&done.stderr) {
        let get = |k: &str| stats.get(k).and_then(serde_json::Value::as_u64);
        row.operations = get("operations");
        row.types = get("types");
        row.lines_out = get("lines_out");
        row.peak_kb = get("peak_rss_kb");
    }
    Ok(row)
}

/// The `stats: {…}` line `generate --stats` prints.
fn stats(stderr: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let line = stderr.lines().find_map(|l| l.strip_prefix("stats: "))?;
    serde_json::from_str(line).ok()
}

/// `error: 3 problems in …` → 3.
fn problem_count(stderr: &str) -> usize {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .find_map(|l| {
            let (n, rest) = l.split_once(' ')?;
            rest.starts_with("problem").then(|| n.parse().ok()).flatten()
        })
        .unwrap_or(1)
}

/// The document's `openapi` (or `swagger`) version field.
fn openapi_version(path: &Path, bytes: &[u8]) -> String {
    let value: Option<serde_json::Value> = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice(bytes).ok()
    } else {
        serde_yaml::from_slice(bytes).ok()
    };
    value
        .as_ref()
        .and_then(|v| v.get("openapi").or_else(|| v.get("swagger")))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("?")
        .to_owned()
}

/// A workspace holding every generated crate plus `deps`, an empty crate with
/// their dependencies, so those are built once and each check times one crate.
fn prepare_workspace(crates: &Path, members: &[String], rows: &[Row]) -> Result<(), String> {
    let write = |path: PathBuf, text: String| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(crates.join("Cargo.toml"), format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", ")))?;
    let lock = crates.join("Cargo.lock");
    if !lock.exists() {
        // Start from the project's lockfile: the same versions it tests with.
        std::fs::copy(bench::root().join("Cargo.lock"), &lock).map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    }
    let first =
        rows.iter().find(|r| r.outcome == Outcome::Generated).map(|r| crates.join(&r.doc_id).join("Cargo.toml"));
    let manifest = match first {
        Some(p) => std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        None => return Ok(()),
    };
    let deps = manifest.split_once("[dependencies]").map(|(_, d)| d).unwrap_or("");
    write(
        crates.join("deps/Cargo.toml"),
        format!(
            "[package]\nname = \"corpus-deps\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]{deps}"
        ),
    )?;
    write(crates.join("deps/src/lib.rs"), "//! The generated crates' dependencies, built once.\n".to_owned())
}

fn cargo_check(crates: &Path, package: &str, work: &Path) -> Result<Finished, String> {
    let mut cmd = Command::new(bench::cargo());
    cmd.current_dir(crates).args(["check", "--message-format", "short", "--package", package]);
    cmd.env("CARGO_TARGET_DIR", work.join("target"));
    process::run(cmd, CHECK_DEADLINE, &work.join("scratch"))
}

fn render(rows: &[Row], checked: bool) -> String {
    let mut table = Table::new(&[
        "Document",
        "Origin",
        "OpenAPI",
        ">Size",
        ">Operations",
        ">Types",
        ">Generate",
        ">Peak memory",
        ">Lines out",
        ">cargo check",
        "Result",
    ]);
    let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
    for r in rows {
        let mut result = match &r.outcome {
            Outcome::Compiles => "compiles".to_owned(),
            Outcome::Generated => "generated".to_owned(),
            Outcome::DoesNotCompile(n) => format!("**does not compile** ({n} errors)"),
            Outcome::Rejected => "**rejected**".to_owned(),
            Outcome::Panicked => "**generator panicked**".to_owned(),
            Outcome::TimedOut(what) => format!("**{what} timed out**"),
        };
        if r.diagnostics > 0 {
            result.push_str(&format!(
                "; strict: {} diagnostic{}",
                r.diagnostics,
                if r.diagnostics == 1 { "" } else { "s" }
            ));
        }
        if !r.skipped.is_empty() {
            result.push_str(&format!("; {} skipped", r.skipped.len()));
        }
        table.row(vec![
            r.doc_id.clone(),
            r.origin.clone(),
            r.openapi.clone(),
            human_bytes(r.size),
            opt(r.operations),
            opt(r.types),
            r.generate.map(|d| human_secs(d.as_secs_f64())).unwrap_or_else(|| "–".into()),
            r.peak_kb.map(|kb| human_bytes(kb * 1024)).unwrap_or_else(|| "–".into()),
            opt(r.lines_out),
            r.check.map(|d| human_secs(d.as_secs_f64())).unwrap_or_else(|| "–".into()),
            result,
        ]);
    }
    let compiled = rows.iter().filter(|r| r.outcome == Outcome::Compiles).count();
    let mut out = String::from("# Public corpus\n\n");
    out.push_str(
        "Written by `cargo xtask corpus`: every document pinned in `bench/corpus.toml`, generated by the release \
         generator as a whole process (strictly, then with `--skip-unsupported` when the strict run reports \
         problems) and, unless `--no-check`, compiled with `cargo check` (dependencies built beforehand). \
         Peak memory is the generator process's maximum resident set.\n\n",
    );
    out.push_str(&format!("Machine: {}.\n\n", bench::machine_description()));
    out.push_str(&table.render());
    out.push_str(&format!(
        "\n{compiled} of {} documents {}.\n",
        rows.len(),
        if checked { "compile" } else { "were checked" }
    ));
    let noted: Vec<&Row> = rows.iter().filter(|r| !r.detail.is_empty() || !r.skipped.is_empty()).collect();
    if !noted.is_empty() {
        out.push_str("\n## Details\n");
        for r in noted {
            out.push_str(&format!("\n### {}\n\n", r.doc_id));
            for line in &r.detail {
                out.push_str(&format!("- `{}`\n", line.replace('`', "'")));
            }
            for s in &r.skipped {
                out.push_str(&format!("- skipped: `{}`\n", s.replace('`', "'")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_problems() {
        assert_eq!(problem_count("x\nerror: 3 problems in a.yaml; nothing written\n"), 3);
        assert_eq!(problem_count("error: 1 problem in a.yaml; nothing written"), 1);
        assert_eq!(problem_count("error: cannot read"), 1);
    }

    #[test]
    fn reads_stats_line() {
        let s = stats("generated\nstats: {\"operations\":5,\"types\":9}\n").unwrap();
        assert_eq!(s["operations"], 5);
    }
}
