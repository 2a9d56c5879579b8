//! `cargo xtask corpus`: generate a crate from each public document pinned in
//! `bench/corpus.toml`, `cargo check` it, and report a table in
//! `docs/corpus.md`.
//!
//! Each document is generated strictly first; when that ends in diagnostics
//! it is generated again with `--skip-unsupported`, and the table counts both.
//!
//! `--sweep PACKAGE` instead generates every OpenAPI 3 document in one pinned
//! package (the whole APIs.guru directory, for one), without `cargo check`,
//! and reports the counts and every document that did not generate strictly
//! in `docs/sweep.md`.

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
    /// Generate every OpenAPI 3 document in this pinned package instead (no `cargo check`).
    #[arg(long, value_name = "PACKAGE", conflicts_with_all = ["only", "no_check"])]
    sweep: Option<String>,
    /// Where to write the report [default: docs/corpus.md, or docs/sweep.md with --sweep].
    #[arg(long)]
    report: Option<PathBuf>,
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

impl Row {
    /// Headers of [`Row::measures`].
    const MEASURES: [&'static str; 6] = [">Size", ">Operations", ">Types", ">Generate", ">Peak memory", ">Lines out"];

    /// Size, operations, types, generation time, peak memory and lines out, for a table.
    fn measures(&self) -> Vec<String> {
        let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
        vec![
            human_bytes(self.size),
            opt(self.operations),
            opt(self.types),
            self.generate.map(|d| human_secs(d.as_secs_f64())).unwrap_or_else(|| "–".into()),
            self.peak_kb.map(|kb| human_bytes(kb * 1024)).unwrap_or_else(|| "–".into()),
            opt(self.lines_out),
        ]
    }
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
    if let Some(package) = &args.sweep {
        return sweep(args, package);
    }
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

    write_report(args, "docs/corpus.md", &render(&rows, !args.no_check))?;
    let good = |o: &Outcome| matches!(o, Outcome::Compiles) || (args.no_check && *o == Outcome::Generated);
    Ok(rows.iter().all(|r| good(&r.outcome)))
}

/// Prints the report and writes it where `--report` says, else to `default`.
fn write_report(args: &Args, default: &str, report: &str) -> Result<(), String> {
    println!("{report}");
    let path = args.report.clone().unwrap_or_else(|| default.into());
    let path = if path.is_absolute() { path } else { bench::root().join(path) };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("corpus: report written to {}", path.display());
    Ok(())
}

/// Every OpenAPI 3 document of one package, generated (strictly, then with
/// `--skip-unsupported`); true when none was rejected, panicked or hung.
fn sweep(args: &Args, package: &str) -> Result<bool, String> {
    let manifest = Manifest::load(&bench::root().join("bench/corpus.toml"))?;
    let pkg = manifest.package(package).ok_or_else(|| {
        let names: Vec<&str> = manifest.packages.iter().map(|p| p.name.as_str()).collect();
        format!("no package `{package}` in bench/corpus.toml; it pins {}", names.join(", "))
    })?;
    let work = bench::target_dir().join("corpus");
    let is_document = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p);
        [".json", ".yaml", ".yml"].iter().any(|e| name.ends_with(e)) && name != "package.json"
    };
    let files = fetch::all_documents(pkg, &work, is_document)?;
    let xtask = bench::build_xtask()?;
    let out = work.join("sweep-out");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let started = std::time::Instant::now();
    let (mut rows, mut other) = (Vec::new(), 0);
    for (i, (rel, path)) in files.iter().enumerate() {
        if i % 200 == 0 {
            eprintln!("corpus: sweep {i}/{}", files.len());
        }
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !openapi_version(path, &bytes).starts_with("3.") {
            other += 1;
            continue;
        }
        let doc = Document { id: format!("sweep{i}"), package: pkg.name.clone(), path: rel.clone() };
        let mut row = generate(&manifest, &doc, path, &xtask, &out, &work)?;
        // Each crate goes as soon as it is counted: the largest are hundreds of MB.
        let _ = std::fs::remove_dir_all(out.join(&doc.id));
        // Messages name the document by its path inside the package, not on this machine.
        let on_disk = path.display().to_string();
        let in_tree = path.strip_prefix(bench::root()).unwrap_or(path).display().to_string();
        row.detail = row.detail.iter().map(|l| l.replace(&on_disk, rel).replace(&in_tree, rel)).collect();
        row.doc_id = rel.clone();
        rows.push(row);
    }
    let report = render_sweep(pkg, files.len(), other, &rows, started.elapsed());
    write_report(args, "docs/sweep.md", &report)?;
    Ok(rows.iter().all(|r| r.outcome == Outcome::Generated))
}

fn render_sweep(pkg: &fetch::Package, files: usize, other: usize, rows: &[Row], took: Duration) -> String {
    let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count();
    let strict = count(&|r| r.outcome == Outcome::Generated && r.diagnostics == 0);
    let skipped = count(&|r| r.outcome == Outcome::Generated && r.diagnostics > 0);
    let mut times: Vec<f64> = rows.iter().filter_map(|r| r.generate).map(|d| d.as_secs_f64()).collect();
    times.sort_by(f64::total_cmp);
    let pct = |q: f64| times.get(((times.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(0.0);
    let mut out = String::from(
        "# Sweep of a whole package

",
    );
    out.push_str(&format!(
        "Written by `cargo xtask corpus --sweep {name}`: every OpenAPI 3 document of `{name}` {version} (pinned in \
         `bench/corpus.toml`) generated by the release generator as a whole process, strictly, then with \
         `--skip-unsupported` when the strict run reports problems. No `cargo check` (see `docs/corpus.md` for \
         compiled documents).\n\nMachine: {machine}.\n\n",
        name = pkg.name,
        version = pkg.version,
        machine = bench::machine_description(),
    ));
    let mut summary = Table::new(&["", ">Documents"]);
    for (what, n) in [
        ("JSON and YAML files in the package", files),
        ("not OpenAPI 3 (Swagger 2.0, other files)", other),
        ("OpenAPI 3 documents", rows.len()),
        ("generated strictly", strict),
        ("generated with `--skip-unsupported`", skipped),
        ("rejected even with `--skip-unsupported`", count(&|r| r.outcome == Outcome::Rejected)),
        ("generator panicked", count(&|r| r.outcome == Outcome::Panicked)),
        ("timed out", count(&|r| matches!(r.outcome, Outcome::TimedOut(_)))),
    ] {
        summary.row(vec![what.to_owned(), n.to_string()]);
    }
    out.push_str(&summary.render());
    out.push_str(&format!(
        "\nGeneration time per document: median {}, 95th percentile {}, slowest {}; the sweep took {}.\n",
        human_secs(pct(0.5)),
        human_secs(pct(0.95)),
        human_secs(pct(1.0)),
        human_secs(took.as_secs_f64()),
    ));
    let mut largest: Vec<&Row> = rows.iter().filter(|r| r.outcome == Outcome::Generated).collect();
    largest.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.doc_id.cmp(&b.doc_id)));
    let mut big = Table::new(&[&["Largest"][..], &Row::MEASURES].concat());
    for r in largest.iter().take(8) {
        big.row([vec![format!("`{}`", r.doc_id)], r.measures()].concat());
    }
    out.push('\n');
    out.push_str(&big.render());
    let noted: Vec<&Row> = rows.iter().filter(|r| r.outcome != Outcome::Generated || r.diagnostics > 0).collect();
    if !noted.is_empty() {
        out.push_str("\n## Not generated strictly\n");
        for r in noted {
            let what = match &r.outcome {
                Outcome::Generated => format!("generated with `--skip-unsupported`, {} skipped", r.skipped.len()),
                Outcome::Rejected => "rejected".into(),
                Outcome::Panicked => "**generator panicked**".into(),
                Outcome::TimedOut(w) => format!("**{w} timed out**"),
                Outcome::Compiles | Outcome::DoesNotCompile(_) => unreachable!("a sweep does not compile"),
            };
            out.push_str(&format!("\n### `{}` ({}): {what}\n\n", r.doc_id, human_bytes(r.size)));
            for line in r.detail.iter().take(3) {
                out.push_str(&format!("- `{}`\n", line.replace('`', "'")));
            }
        }
    }
    out
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
    let mut table =
        Table::new(&[&["Document", "Origin", "OpenAPI"][..], &Row::MEASURES, &[">cargo check", "Result"]].concat());
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
        let check = r.check.map(|d| human_secs(d.as_secs_f64())).unwrap_or_else(|| "–".into());
        table.row(
            [vec![r.doc_id.clone(), r.origin.clone(), r.openapi.clone()], r.measures(), vec![check, result]].concat(),
        );
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
    if checked {
        out.push_str(&format!("\n{compiled} of {} documents compile.\n", rows.len()));
    } else {
        let generated = rows.iter().filter(|r| r.outcome == Outcome::Generated).count();
        out.push_str(&format!("\n{generated} of {} documents generate (not compiled: `--no-check`).\n", rows.len()));
    }
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

    fn row(id: &str, size: u64, diagnostics: usize, outcome: Outcome) -> Row {
        Row {
            doc_id: id.into(),
            origin: String::new(),
            openapi: "3.0.0".into(),
            size,
            operations: Some(3),
            types: Some(4),
            generate: Some(Duration::from_millis(20)),
            peak_kb: Some(1024),
            lines_out: Some(99),
            check: None,
            diagnostics,
            skipped: vec!["x".into(); diagnostics],
            outcome,
            detail: vec![format!("error: {id} at #/a: broken")],
        }
    }

    #[test]
    fn sweep_report_counts_and_lists_what_was_not_strict() {
        let pkg = fetch::Package {
            name: "p".into(),
            version: "1".into(),
            url: String::new(),
            sha256: String::new(),
            origin: String::new(),
        };
        let rows = [
            row("a.json", 10, 0, Outcome::Generated),
            row("b.json", 2000, 2, Outcome::Generated),
            row("c.json", 5, 1, Outcome::Rejected),
        ];
        let text = render_sweep(&pkg, 4, 1, &rows, Duration::from_secs(1));
        let count = |what: &str| {
            let line = text.lines().find(|l| l.starts_with(&format!("| {what} "))).unwrap_or_else(|| panic!("{text}"));
            line.trim_end_matches('|').rsplit('|').next().unwrap().trim().to_owned()
        };
        assert_eq!(count("OpenAPI 3 documents"), "3");
        assert_eq!(count("generated strictly"), "1");
        assert_eq!(count("generated with `--skip-unsupported`"), "1");
        assert_eq!(count("rejected even with `--skip-unsupported`"), "1");
        // The largest first, with its measures.
        let largest = text.lines().find(|l| l.contains("`b.json`") && l.contains("99")).expect("b in the table");
        assert!(largest.contains("2.0 KB") && largest.contains("1.0 MB"), "{largest}");
        assert!(text.contains("### `b.json` (2.0 KB): generated with `--skip-unsupported`, 2 skipped"), "{text}");
        assert!(text.contains("### `c.json` (5 B): rejected") && !text.contains("### `a.json`"), "{text}");
    }

    #[test]
    fn reads_stats_line() {
        let s = stats("generated\nstats: {\"operations\":5,\"types\":9}\n").unwrap();
        assert_eq!(s["operations"], 5);
    }
}
