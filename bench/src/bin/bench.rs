//! `cargo xtask bench`: generation speed per stage and as a whole process,
//! side by side with progenitor; compile time of the output; client overhead
//! against a hand-written `reqwest` + `serde` baseline; page decoding; and
//! growth with the number of operations. Prints a summary table and writes
//! everything to `docs/benchmarks.md`.
//!
//! Every figure is a median over repeated runs; every ratio compares two
//! things measured in the same run, interleaved where they alternate, so a
//! noisy, shared machine moves both sides alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bench::fetch::{self, Manifest};
use bench::handwritten;
use bench::process::{self, Finished};
use bench::server::{self, Canned};
use bench::table::Table;
use bench::{human_bytes, human_secs, median};
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "cargo xtask bench",
    about = "Benchmarks: generation, progenitor, compile time, client overhead, growth"
)]
struct Args {
    /// Fewer repetitions (for trying the tool out; the figures are noisier).
    #[arg(long)]
    quick: bool,
    /// Only these sections (repeatable): generation, progenitor, compile, client, decode, growth.
    #[arg(long = "only")]
    only: Vec<String>,
    /// Where to write the report.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: PathBuf,
    /// Also time the generator as built from this git revision, alternating
    /// with the current one, for a before/after ratio.
    #[arg(long)]
    baseline_rev: Option<String>,
    /// Client operations to measure (for profiling one of them).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "get,list,create")]
    client_ops: Vec<Op>,
}

/// A client operation the benchmark times.
#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Op {
    Get,
    List,
    Create,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Get => "get",
            Op::List => "list",
            Op::Create => "create",
        }
    }
}

const SECTIONS: [&str; 6] = ["generation", "progenitor", "compile", "client", "decode", "growth"];

/// A document the generation benchmarks run on.
struct Doc {
    label: &'static str,
    path: PathBuf,
    runs: usize,
}

/// One line of the summary: what, ours, theirs, ratio, target.
struct Summary {
    rows: Vec<[String; 5]>,
}

impl Summary {
    fn add(&mut self, what: impl Into<String>, ours: String, other: String, ratio: String, target: impl Into<String>) {
        self.rows.push([what.into(), ours, other, ratio, target.into()]);
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    for s in &args.only {
        if !SECTIONS.contains(&s.as_str()) {
            eprintln!("error: unknown section `{s}` (sections: {})", SECTIONS.join(", "));
            return ExitCode::from(2);
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let wants = |s: &str| args.only.is_empty() || args.only.iter().any(|o| o == s);
    let root = bench::root();
    let work = bench::target_dir().join("bench");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let scale = |n: usize| if args.quick { n.div_ceil(4).max(2) } else { n };

    let needs_docs = wants("generation") || wants("progenitor");
    let docs = if needs_docs { documents(&root, &scale)? } else { Vec::new() };
    let xtask = bench::build_xtask()?;

    let mut summary = Summary { rows: Vec::new() };
    let mut report = String::new();
    let mut ours_obs_wall = None;

    if wants("generation") {
        eprintln!("bench: generation");
        let baseline = match &args.baseline_rev {
            Some(rev) => Some((rev.clone(), build_baseline(&root, &work, rev)?)),
            None => None,
        };
        let (text, obs_wall) = generation(&xtask, baseline.as_ref(), &docs, &work, &mut summary)?;
        report.push_str(&text);
        ours_obs_wall = obs_wall;
    }
    clean_retired();
    if wants("progenitor") {
        eprintln!("bench: progenitor");
        report.push_str(&against_progenitor(&xtask, &docs, &work, ours_obs_wall, &mut summary)?);
    }
    clean_retired();
    if wants("compile") {
        eprintln!("bench: compile time");
        report.push_str(&compile_time(&xtask, &root, &work, scale(5), &mut summary)?);
    }
    if wants("client") {
        eprintln!("bench: client overhead");
        report.push_str(&client_overhead(scale(200), &args.client_ops, &mut summary)?);
    }
    if wants("decode") {
        eprintln!("bench: decoding");
        report.push_str(&decoding(scale(31), &mut summary));
    }
    if wants("growth") {
        eprintln!("bench: growth");
        report.push_str(&growth(&xtask, &root, &work, scale(11), &mut summary)?);
    }

    clean_retired();
    let mut table = Table::new(&["Measure", ">Ours", ">Baseline", ">Ratio", "Target"]);
    for r in summary.rows {
        table.row(r.to_vec());
    }
    let summary_table = table.render();
    println!("{summary_table}");
    let mut doc = String::from("# Benchmarks\n\n");
    doc.push_str(
        "Written by `cargo xtask bench`. Every figure is the median of repeated runs; every ratio compares two \
         things measured in the same run (interleaved where they alternate). Ratios are ours ÷ baseline for \
         times (below 1 is faster) and baseline ÷ ours for rates.\n\n",
    );
    doc.push_str(&format!(
        "Machine: {}. Runs: {}.\n\n",
        bench::machine_description(),
        if args.quick { "`--quick`" } else { "full" }
    ));
    doc.push_str("## Summary\n\n");
    doc.push_str(&summary_table);
    doc.push_str(&report);
    let out = if args.out.is_absolute() { args.out.clone() } else { root.join(&args.out) };
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&out, doc).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("bench: report written to {}", out.display());
    Ok(())
}

/// The observability spec, a mid-size and a large public document (from the
/// corpus manifest).
fn documents(root: &Path, scale: &dyn Fn(usize) -> usize) -> Result<Vec<Doc>, String> {
    let manifest = Manifest::load(&root.join("bench/corpus.toml"))?;
    let pick = |id: &str| manifest.documents.iter().find(|d| d.id == id).ok_or(format!("corpus has no `{id}`"));
    let chosen = [pick("asana")?, pick("github")?];
    let paths = fetch::documents(&manifest, &chosen, &bench::target_dir().join("corpus"))?;
    Ok(vec![
        Doc { label: "observability (spec/)", path: root.join("spec/openrouter-observability.yaml"), runs: scale(21) },
        Doc { label: "asana (mid-size)", path: paths[0].clone(), runs: scale(11) },
        Doc { label: "github (large)", path: paths[1].clone(), runs: scale(5) },
    ])
}

/// One whole-process run of our generator into a fresh directory.
struct GenRun {
    /// Bytes of Rust under `src/`.
    src_bytes: u64,
    wall: f64,
    rss_kb: u64,
    stages: BTreeMap<String, f64>,
    operations: u64,
    bytes_out: u64,
    lines_out: u64,
}

/// Runs the generator into a directory under `work` that has never existed:
/// writing right after deleting the same tree measures the file system's
/// cleanup, not us. The directory is deleted later, between sections.
fn generate_fresh(xtask: &Path, spec: &Path, work: &Path) -> Result<GenRun, String> {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = work.join(format!("gen-out-{}-{n}", std::process::id()));
    let run = generate_once(xtask, spec, &out, &work.join("scratch"));
    RETIRED.lock().unwrap_or_else(|p| p.into_inner()).push(out);
    run
}

/// One run of the generator into `out`.
fn generate_once(xtask: &Path, spec: &Path, out: &Path, scratch: &Path) -> Result<GenRun, String> {
    let mut cmd = Command::new(xtask);
    cmd.arg("generate").arg("--spec").arg(spec).arg("--out").arg(out);
    cmd.args(["--crate-name", "bench-generated", "--stats"]);
    let done = process::run(cmd, Duration::from_secs(600), scratch)?;
    if !done.success() {
        return Err(format!("generating {} failed:\n{}", spec.display(), done.stderr));
    }
    let line = done.stderr.lines().find_map(|l| l.strip_prefix("stats: ")).ok_or("no stats line")?;
    let stats: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let stages = stats
        .iter()
        .filter_map(|(k, v)| Some((k.strip_suffix("_ms")?.to_owned(), v.as_f64()? / 1000.0)))
        .filter(|(k, _)| k != "total")
        .collect();
    let get = |k: &str| stats.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
    let (_, src_bytes) = rust_size(&out.join("src"));
    Ok(GenRun {
        src_bytes,
        wall: done.wall.as_secs_f64(),
        rss_kb: get("peak_rss_kb"),
        stages,
        operations: get("operations"),
        bytes_out: get("bytes_out"),
        lines_out: get("lines_out"),
    })
}

/// Output directories of finished runs, deleted between sections.
static RETIRED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn clean_retired() {
    for dir in std::mem::take(&mut *RETIRED.lock().unwrap_or_else(|p| p.into_inner())) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

const STAGES: [&str; 6] = ["load", "normalise", "ir", "emit", "format", "write"];

/// The release `xtask` of another revision, built from `git archive` in
/// `target/bench/`.
fn build_baseline(root: &Path, work: &Path, rev: &str) -> Result<PathBuf, String> {
    let src = work.join(format!("baseline-{rev}"));
    if !src.join("Cargo.toml").exists() {
        std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
        let archive = Command::new("git")
            .current_dir(root)
            .args(["archive", "--format=tar", rev])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !archive.status.success() {
            return Err(format!("git archive {rev}: {}", String::from_utf8_lossy(&archive.stderr)));
        }
        tar::Archive::new(archive.stdout.as_slice()).unpack(&src).map_err(|e| e.to_string())?;
    }
    eprintln!("bench: building the generator at {rev}");
    let target = work.join("baseline-target");
    let status = Command::new(bench::cargo())
        .current_dir(&src)
        .args(["build", "--quiet", "--release", "--package", "xtask"])
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("cannot build xtask at {rev}"));
    }
    Ok(target.join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX)))
}

fn generation(
    xtask: &Path,
    baseline: Option<&(String, PathBuf)>,
    docs: &[Doc],
    work: &Path,
    summary: &mut Summary,
) -> Result<(String, Option<f64>), String> {
    let mut before = Table::new(&["Document", ">Before", ">Now", ">Ratio", ">Peak memory before", ">Peak memory now"]);
    let mut table = Table::new(&[
        "Document",
        ">Size",
        ">Operations",
        ">load",
        ">normalise",
        ">IR",
        ">emit",
        ">format",
        ">write",
        ">Whole process",
        ">Peak memory",
        ">Output",
    ]);
    let mut obs_wall = None;
    for doc in docs {
        let size = std::fs::metadata(&doc.path).map(|m| m.len()).unwrap_or(0);
        let mut runs = Vec::new();
        let mut base_runs = Vec::new();
        for _ in 0..doc.runs {
            runs.push(generate_fresh(xtask, &doc.path, work)?);
            if let Some((_, b)) = baseline {
                base_runs.push(generate_fresh(b, &doc.path, work)?);
            }
        }
        if !base_runs.is_empty() {
            let b = median(&base_runs.iter().map(|r| r.wall).collect::<Vec<_>>());
            let n = median(&runs.iter().map(|r| r.wall).collect::<Vec<_>>());
            let mem = |rs: &[GenRun]| {
                human_bytes(median(&rs.iter().map(|r| r.rss_kb as f64).collect::<Vec<_>>()) as u64 * 1024)
            };
            before.row(vec![
                doc.label.to_owned(),
                human_secs(b),
                human_secs(n),
                format!("{:.2}", n / b),
                mem(&base_runs),
                mem(&runs),
            ]);
        }
        let med = |f: &dyn Fn(&GenRun) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        let wall = med(&|r| r.wall);
        if obs_wall.is_none() {
            obs_wall = Some(wall);
        }
        let mut row = vec![doc.label.to_owned(), human_bytes(size), runs[0].operations.to_string()];
        for stage in STAGES {
            row.push(human_secs(med(&|r| r.stages.get(stage).copied().unwrap_or(0.0))));
        }
        row.push(human_secs(wall));
        row.push(human_bytes(med(&|r| r.rss_kb as f64) as u64 * 1024));
        row.push(format!("{} lines, {}", runs[0].lines_out, human_bytes(runs[0].bytes_out)));
        table.row(row);
        summary.add(
            format!("Generate {} (whole process)", doc.label),
            human_secs(wall),
            String::new(),
            String::new(),
            if doc.label.starts_with("github") { "seconds, well under 2 GB" } else { "" },
        );
    }
    let before_text = match baseline {
        Some((rev, _)) => format!(
            "\nBefore and after: the generator as of `{rev}` (`--baseline-rev`), alternating with this one, whole \
             process.\n\n{}",
            before.render()
        ),
        None => String::new(),
    };
    let text = format!(
        "\n## 1. Generation\n\nRelease build of `cargo xtask generate --stats` as a whole process, into an empty \
         directory each run. Stage times come from the process itself; emit and format run together on every \
         core, file by file, and their wall time is split in proportion to their CPU time. Whole process is the \
         wall time from spawn to exit; peak memory is the process's maximum resident set.\n\n{}{before_text}",
        table.render()
    );
    Ok((text, obs_wall))
}

fn against_progenitor(
    xtask: &Path,
    docs: &[Doc],
    work: &Path,
    ours_obs_wall: Option<f64>,
    summary: &mut Summary,
) -> Result<String, String> {
    let bin = bench::progenitor::install(&work.join("tools"))?;
    let mut table = Table::new(&[
        "Document",
        ">Ours",
        ">progenitor",
        ">Ratio",
        ">Our output",
        ">progenitor's output",
        "Edits progenitor needed",
    ]);
    for doc in docs {
        let input = work.join("progenitor-input.json");
        let edits = bench::progenitor::prepare(&doc.path, &input)?;
        let mut out = PathBuf::new();
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let mut failure = None;
        let mut ours_size = 0;
        let mut our_bytes = 0;
        for run in 0..doc.runs {
            let g = generate_fresh(xtask, &doc.path, work)?;
            ours.push(g.wall);
            ours_size = g.lines_out;
            our_bytes = g.src_bytes;
            // A directory that never existed, as for ours.
            out = work.join(format!("progenitor-out-{}-{}-{run}", std::process::id(), theirs.len() + ours.len()));
            RETIRED.lock().unwrap_or_else(|p| p.into_inner()).push(out.clone());
            let done = process::run(
                bench::progenitor::command(&bin, &input, &out, "bench-progenitor"),
                Duration::from_secs(600),
                &work.join("scratch"),
            )?;
            if !done.success() {
                failure = Some(first_error(&done));
                break;
            }
            theirs.push(done.wall.as_secs_f64());
        }
        let ours_wall = median(&ours);
        let (theirs_cell, ratio, theirs_size) = match &failure {
            Some(why) => (format!("fails: {why}"), "–".to_owned(), "–".to_owned()),
            None => {
                let t = median(&theirs);
                let (lines, bytes) = rust_size(&out.join("src"));
                (human_secs(t), format!("{:.2}", ours_wall / t), format!("{lines} lines, {}", human_bytes(bytes)))
            }
        };
        table.row(vec![
            doc.label.to_owned(),
            human_secs(ours_wall),
            theirs_cell.clone(),
            ratio.clone(),
            format!("{ours_size} lines, {}", human_bytes(our_bytes)),
            theirs_size,
            if edits.is_empty() { "none".to_owned() } else { edits.join("; ") },
        ]);
        if doc.label.starts_with("observability") {
            let _ = ours_obs_wall;
            summary.add(
                "Generate observability vs progenitor (whole process)",
                human_secs(ours_wall),
                theirs_cell,
                ratio,
                "≤ 0.5",
            );
        }
    }
    Ok(format!(
        "\n## 2. Against progenitor\n\n`cargo-progenitor` {} (installed at bench time into `target/bench/tools`, \
         never part of the project's build), builder interface, as a whole process, alternating with ours on the \
         same document. It reads only OpenAPI 3.0 and one error type per operation, so it gets the document after \
         the edits listed.\n\n{}",
        bench::progenitor::VERSION,
        table.render()
    ))
}

fn first_error(done: &Finished) -> String {
    let text = if done.stderr.trim().is_empty() { &done.stdout } else { &done.stderr };
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let at = lines.iter().position(|l| l.contains("panicked") || l.to_lowercase().contains("error"));
    let line = match at {
        // A panic's message is on the line after "panicked at FILE:LINE:".
        Some(i) if lines[i].contains("panicked") => {
            format!("panicked: {}", lines.get(i + 1).copied().unwrap_or(""))
        }
        Some(i) => lines[i].to_owned(),
        None => lines.first().copied().unwrap_or("no output").to_owned(),
    };
    let line = line.as_str();
    match line.char_indices().nth(110) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_owned(),
    }
}

/// Lines and bytes of the `.rs` files under `dir`.
fn rust_size(dir: &Path) -> (u64, u64) {
    let mut stack = vec![dir.to_path_buf()];
    let (mut lines, mut bytes) = (0, 0);
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                lines += text.lines().count() as u64;
                bytes += text.len() as u64;
            }
        }
    }
    (lines, bytes)
}

fn compile_time(xtask: &Path, root: &Path, work: &Path, runs: usize, summary: &mut Summary) -> Result<String, String> {
    let bin = bench::progenitor::install(&work.join("tools"))?;
    let ws = work.join("compile");
    let spec = root.join("spec/openrouter-observability.yaml");
    // Our crate, generated afresh, and progenitor's, side by side in one workspace.
    let _ = std::fs::remove_dir_all(ws.join("ours"));
    generate_once(xtask, &spec, &ws.join("ours"), &work.join("scratch"))?;
    let input = work.join("progenitor-input.json");
    bench::progenitor::prepare(&spec, &input)?;
    let _ = std::fs::remove_dir_all(ws.join("progenitor"));
    let done = process::run(
        bench::progenitor::command(&bin, &input, &ws.join("progenitor"), "bench-progenitor"),
        Duration::from_secs(600),
        &work.join("scratch"),
    )?;
    if !done.success() {
        return Err(format!("progenitor failed on the observability spec: {}", first_error(&done)));
    }
    std::fs::write(ws.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = [\"ours\", \"progenitor\"]\n")
        .map_err(|e| e.to_string())?;
    let lock = ws.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
    }
    let cargo = |verb: &str, package: &str| -> Result<f64, String> {
        let mut cmd = Command::new(bench::cargo());
        cmd.current_dir(&ws).args([verb, "--quiet", "--package", package]);
        cmd.env("CARGO_TARGET_DIR", ws.join("target"));
        let done = process::run(cmd, Duration::from_secs(1800), &work.join("scratch"))?;
        if !done.success() {
            return Err(format!("cargo {verb} -p {package} failed:\n{}", done.stderr));
        }
        Ok(done.wall.as_secs_f64())
    };
    // Dependencies first, for both profiles; then only the crates themselves.
    for verb in ["check", "build"] {
        for p in ["bench-generated", "bench-progenitor"] {
            cargo(verb, p)?;
        }
    }
    let touch = |dir: &str| {
        let lib = ws.join(dir).join("src/lib.rs");
        let text = std::fs::read(&lib).map_err(|e| e.to_string())?;
        std::fs::write(&lib, text).map_err(|e| e.to_string())
    };
    let mut times: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for _ in 0..runs {
        for verb in ["check", "build"] {
            for (dir, p) in [("ours", "bench-generated"), ("progenitor", "bench-progenitor")] {
                touch(dir)?;
                times.entry((verb, dir)).or_default().push(cargo(verb, p)?);
            }
        }
    }
    let mut table = Table::new(&["", ">Ours", ">progenitor", ">Ratio"]);
    for verb in ["check", "build"] {
        let ours = median(&times[&(verb, "ours")]);
        let theirs = median(&times[&(verb, "progenitor")]);
        let label = if verb == "check" { "`cargo check`" } else { "`cargo build` (debug)" };
        table.row(vec![label.to_owned(), human_secs(ours), human_secs(theirs), format!("{:.2}", ours / theirs)]);
        summary.add(
            format!("Compile the observability crate alone: {label}"),
            human_secs(ours),
            format!("{} (progenitor)", human_secs(theirs)),
            format!("{:.2}", ours / theirs),
            "≤ 1.00",
        );
    }
    let (ol, ob) = rust_size(&ws.join("ours/src"));
    let (pl, pb) = rust_size(&ws.join("progenitor/src"));
    table.row(vec![
        "Generated Rust".to_owned(),
        format!("{ol} lines, {}", human_bytes(ob)),
        format!("{pl} lines, {}", human_bytes(pb)),
        format!("{:.2}", ol as f64 / pl as f64),
    ]);
    Ok(format!(
        "\n## 3. Compile time of the output\n\nThe observability crate alone (its dependencies built beforehand), ours \
         and progenitor's in one workspace, alternating; each run rewrites `src/lib.rs` so cargo rebuilds just the \
         crate. Our line count includes the runtime module copied into the crate (retries, pagination, error \
         envelope, redaction), which progenitor keeps in its `progenitor-client` dependency.\n\n{}",
        table.render()
    ))
}

/// Requests per second through the generated client and the hand-written
/// baseline, for get, list (100 destinations) and create.
fn client_overhead(rounds: usize, ops: &[Op], summary: &mut Summary) -> Result<String, String> {
    let one = Arc::new(serde_json::to_vec(&serde_json::json!({"data": handwritten::destination(0)})).unwrap());
    let page = Arc::new(handwritten::page(100));
    // Requests as the server saw them, while checking that both clients send the same.
    let seen: Arc<std::sync::Mutex<Vec<Seen>>> = Arc::default();
    let record = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let router: server::Router = {
        let (seen, record) = (seen.clone(), record.clone());
        Arc::new(move |r: &server::Incoming<'_>| {
            if record.load(std::sync::atomic::Ordering::Relaxed) {
                seen.lock().unwrap().push(Seen::of(r));
            }
            match (r.method, r.path()) {
                ("GET", "/observability/destinations") => Canned { status: 200, body: page.clone() },
                ("POST", _) => Canned { status: 201, body: one.clone() },
                _ => Canned { status: 200, body: one.clone() },
            }
        })
    };
    let srv = server::start(router);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    let generated = openrouter_observability::Client::builder()
        .api_key("sk-or-bench")
        .base_url(&srv.url)
        .ignore_environment()
        .build()
        .map_err(|e| e.to_string())?;
    // Two hand-written clients (each with its own connection): the second one
    // measures hand-written against itself, the noise floor of this method.
    let hand = [handwritten::Client::new(&srv.url, "sk-or-bench"), handwritten::Client::new(&srv.url, "sk-or-bench")];
    let id = "99999999-aaaa-bbbb-cccc-000000000000";
    let config = serde_json::json!({"publicKey": "pk-lf-1", "secretKey": "sk-lf-1"});
    let create_body = handwritten::CreateRequest::new(&config, "Bench", "langfuse");
    // Requests per side in a round.
    let per_round = |op: Op| if op == Op::List { 25 } else { 100 };
    // For profiling: run only the generated client (`0`) or the hand-written one (`1`).
    let only: Option<usize> = std::env::var("BENCH_CLIENT_ONLY").ok().and_then(|v| v.parse().ok());

    // `side` 0 is the generated client, 1 and 2 the hand-written ones.
    let run = |side: usize, op: Op| {
        let (generated, hand, config, create_body) = (&generated, &hand, &config, &create_body);
        async move {
            match side {
                0 => run_generated(generated, op, id, config).await,
                s => run_hand(&hand[s - 1], op, id, create_body).await,
            }
        }
    };
    let rate = |side: usize, op: Op, n: usize| {
        rt.block_on(async {
            let t = Instant::now();
            for _ in 0..n {
                run(side, op).await?;
            }
            Ok::<f64, String>(n as f64 / t.elapsed().as_secs_f64())
        })
    };
    // `n` requests from each of two sides, one from each in turn (which goes
    // first alternating), each timed: both sides see the same moments of the
    // machine. Returns both request rates.
    let paired = |a: usize, b: usize, op: Op, n: usize| {
        rt.block_on(async {
            let mut spent = [Duration::ZERO; 2];
            for i in 0..n {
                for first in [i % 2, 1 - i % 2] {
                    let t = Instant::now();
                    run([a, b][first], op).await?;
                    spent[first] += t.elapsed();
                }
            }
            Ok::<(f64, f64), String>((n as f64 / spent[0].as_secs_f64(), n as f64 / spent[1].as_secs_f64()))
        })
    };

    // Fairness: the same method, target, header names and body from both.
    for &op in ops {
        let mut pair = Vec::new();
        for side in [0, 1] {
            seen.lock().unwrap().clear();
            rate(side, op, 1)?;
            pair.push(seen.lock().unwrap().pop().ok_or("the server saw no request")?);
        }
        if pair[0] != pair[1] {
            return Err(format!(
                "`{}`: the clients do not send the same request:\n  generated:    {:?}\n  hand-written: {:?}",
                op.name(),
                pair[0],
                pair[1]
            ));
        }
    }
    record.store(false, std::sync::atomic::Ordering::Relaxed);

    let mut table = Table::new(&[
        "Operation",
        ">Generated client",
        ">Hand-written",
        ">Ratio",
        ">Middle half of the ratios",
        ">Hand-written ÷ itself",
    ]);
    for &op in ops {
        let n = per_round(op);
        for side in 0..3 {
            // Warm up connections and allocators.
            rate(side, op, 50)?;
        }
        if let Some(side) = only {
            for _ in 0..rounds * 4 {
                rate(side, op, n)?;
            }
            continue;
        }
        // The figure is the median of the per-round ratios: a slow spell of the
        // machine hits both sides of a round and cancels out.
        let (mut ours, mut theirs, mut ratios, mut floor) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let (a, b) = paired(0, 1, op, n)?;
            ours.push(a);
            theirs.push(b);
            ratios.push(a / b);
            let (x, y) = paired(1, 2, op, n)?;
            floor.push(x / y);
        }
        let (o, t, r, f) = (median(&ours), median(&theirs), median(&ratios), median(&floor));
        let (q1, q3) = quartiles(&ratios);
        table.row(vec![
            format!("`{}`", op.name()),
            format!("{o:.0}/s"),
            format!("{t:.0}/s"),
            format!("{r:.3}"),
            format!("{q1:.3}–{q3:.3}"),
            format!("{f:.3}"),
        ]);
        summary.add(
            format!("Client requests per second: `{}`", op.name()),
            format!("{o:.0}/s"),
            format!("{t:.0}/s (hand-written)"),
            format!("{r:.3}"),
            "≥ 0.95",
        );
    }
    Ok(format!(
        "\n## 4. Client overhead\n\nSequential requests to a minimal keep-alive HTTP/1.1 server on 127.0.0.1 (its \
         own thread and runtime), through the generated client (`client.observability().get(id).send()`, \
         default settings: retries, tracing span, typed errors) and through a hand-written `reqwest` + `serde` \
         client doing the same requests with typed structs. `list` returns a page of 100 destinations. \
         {rounds} rounds; in each round the generated and the hand-written client take turns, one request each \
         (which goes first alternating), every request timed, so both see the same moments of a shared machine. \
         Requests per second are medians over the rounds; the ratio (generated ÷ hand-written) is the median of \
         the per-round ratios, with the middle half of them beside it. \
         The last column measures a second hand-written client against the first in the same way: how far from \
         1.000 this method reads when both sides run the same code.\n\n{}",
        table.render()
    ))
}

/// What makes two requests the same for the benchmark (the user agent's
/// value aside).
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    target: String,
    header_names: Vec<String>,
    body: String,
}

impl Seen {
    fn of(r: &server::Incoming<'_>) -> Seen {
        Seen {
            method: r.method.to_owned(),
            target: r.target.to_owned(),
            header_names: r.header_names(),
            body: String::from_utf8_lossy(r.body).into_owned(),
        }
    }
}

/// The first and third quartiles.
fn quartiles(xs: &[f64]) -> (f64, f64) {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.75))
}

async fn run_generated(
    c: &openrouter_observability::Client,
    op: Op,
    id: &str,
    config: &serde_json::Value,
) -> Result<(), String> {
    let d = c.observability();
    let n = match op {
        Op::Get => d.get(id).send().await.map_err(|e| e.to_string())?.data.tag().len(),
        Op::List => d.list().limit(100).send().await.map_err(|e| e.to_string())?.items().len(),
        Op::Create => d.create(config, "Bench", "langfuse").send().await.map_err(|e| e.to_string())?.data.tag().len(),
    };
    std::hint::black_box(n);
    Ok(())
}

async fn run_hand(
    c: &handwritten::Client,
    op: Op,
    id: &str,
    body: &handwritten::CreateRequest<'_>,
) -> Result<(), String> {
    let n = match op {
        Op::Get => std::mem::size_of_val(&c.get(id).await.map_err(|e| e.to_string())?.data),
        Op::List => c.list(100).await.map_err(|e| e.to_string())?.data.len(),
        Op::Create => std::mem::size_of_val(&c.create(body).await.map_err(|e| e.to_string())?.data),
    };
    std::hint::black_box(n);
    Ok(())
}

/// Decoding a 100-destination page: generated types, `serde_json::Value`,
/// hand-written structs.
fn decoding(rounds: usize, summary: &mut Summary) -> String {
    let page = handwritten::page(100);
    let per_round = 200;
    let mut times: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    let time = |f: &dyn Fn() -> usize| {
        let t = Instant::now();
        for _ in 0..per_round {
            std::hint::black_box(f());
        }
        t.elapsed().as_secs_f64() / per_round as f64
    };
    for _ in 0..rounds {
        times[0].push(time(&|| {
            serde_json::from_slice::<openrouter_observability::types::ListObservabilityDestinationsResponse>(&page)
                .expect("generated")
                .data
                .len()
        }));
        times[1].push(time(&|| {
            serde_json::from_slice::<serde_json::Value>(&page).expect("value")["data"].as_array().map_or(0, Vec::len)
        }));
        times[2].push(time(&|| serde_json::from_slice::<handwritten::Page>(&page).expect("hand").data.len()));
    }
    let [g, v, h] = times.map(|t| median(&t));
    let mut table = Table::new(&["Decoder", ">Per page", ">MB/s", ">vs hand-written"]);
    let mbs = |t: f64| page.len() as f64 / t / 1e6;
    for (name, t) in [("Generated types", g), ("`serde_json::Value`", v), ("Hand-written structs", h)] {
        table.row(vec![name.to_owned(), human_secs(t), format!("{:.0}", mbs(t)), format!("{:.2}", t / h)]);
    }
    summary.add(
        "Decode a 100-destination page",
        human_secs(g),
        format!("{} (hand-written)", human_secs(h)),
        format!("{:.2}", g / h),
        "≤ 1.10",
    );
    format!(
        "\n## 5. Decoding a page\n\nA {} JSON page of 100 destinations of four kinds (a third with filter rules), \
         decoded with `serde_json::from_slice`; median of {rounds} rounds of {per_round} decodes, interleaved.\n\n{}",
        human_bytes(page.len() as u64),
        table.render()
    )
}

/// Generation time and output size for 1×, 2×, 4× and 8× the observability
/// operations (copies with renamed paths, operations and schemas).
fn growth(xtask: &Path, root: &Path, work: &Path, runs: usize, summary: &mut Summary) -> Result<String, String> {
    let spec = root.join("spec/openrouter-observability.yaml");
    let base = codegen::load::load_file(&spec, "spec").map_err(|d| d.to_string())?.value;
    let factors = [1usize, 2, 4, 8];
    let mut inputs = Vec::new();
    for n in factors {
        let path = work.join(format!("growth-{n}x.json"));
        std::fs::write(&path, serde_json::to_vec(&multiply(&base, n)).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        inputs.push(path);
    }
    let mut walls: Vec<Vec<f64>> = vec![Vec::new(); factors.len()];
    let mut sizes = vec![(0u64, 0u64, 0u64); factors.len()];
    for _ in 0..runs {
        for (i, input) in inputs.iter().enumerate() {
            let g = generate_fresh(xtask, input, work)?;
            walls[i].push(g.wall);
            sizes[i] = (g.operations, g.lines_out, g.bytes_out);
        }
    }
    let meds: Vec<f64> = walls.iter().map(|w| median(w)).collect();
    let mut table = Table::new(&["Copies", ">Operations", ">Whole process", ">Time vs 1×", ">Output", ">Output vs 1×"]);
    for (i, n) in factors.iter().enumerate() {
        table.row(vec![
            format!("{n}×"),
            sizes[i].0.to_string(),
            human_secs(meds[i]),
            format!("{:.2}", meds[i] / meds[0]),
            format!("{} lines, {}", sizes[i].1, human_bytes(sizes[i].2)),
            format!("{:.2}", sizes[i].2 as f64 / sizes[0].2 as f64),
        ]);
    }
    summary.add(
        "Growth: 8× the operations",
        human_secs(meds[3]),
        format!("{} (1×)", human_secs(meds[0])),
        format!("{:.2}", meds[3] / meds[0]),
        "≤ 9",
    );
    Ok(format!(
        "\n## 6. Growth\n\nThe observability spec with its five operations and every schema copied n times (renamed \
         paths, operationIds, method names and schemas), generated as a whole process; median of {runs} \
         interleaved runs. The runtime module is a fixed part of every crate's output.\n\n{}",
        table.render()
    ))
}

/// `doc` with its operations and schemas copied `n` times in all.
fn multiply(doc: &serde_json::Value, n: usize) -> serde_json::Value {
    let mut out = doc.clone();
    let schemas = doc["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for k in 2..=n {
        let suffix = format!("Copy{k}");
        let rename = |v: &serde_json::Value| {
            let text = serde_json::to_string(v).expect("serialise");
            let text = schemas.keys().fold(text, |t, name| {
                t.replace(
                    &format!("\"#/components/schemas/{name}\""),
                    &format!("\"#/components/schemas/{name}{suffix}\""),
                )
            });
            serde_json::from_str::<serde_json::Value>(&text).expect("still JSON")
        };
        for (name, s) in &schemas {
            out["components"]["schemas"][format!("{name}{suffix}")] = rename(s);
        }
        for (path, item) in &paths {
            let mut item = rename(item);
            if let Some(item) = item.as_object_mut() {
                for op in item.values_mut().filter_map(|o| o.as_object_mut()) {
                    if let Some(serde_json::Value::String(id)) = op.get_mut("operationId") {
                        id.push_str(&suffix);
                    }
                    if let Some(serde_json::Value::String(m)) = op.get_mut("x-speakeasy-name-override") {
                        m.push_str(&format!("_copy{k}"));
                    }
                }
            }
            out["paths"][format!("/copy{k}{path}")] = item;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_clients_send_the_same_requests_and_get_measured() {
        // One round: the fairness check (same method, target, header names and
        // body from both clients) runs before any timing and fails the section.
        let mut summary = Summary { rows: Vec::new() };
        let text = client_overhead(1, &[Op::Get, Op::List, Op::Create], &mut summary).expect("client section");
        assert_eq!(summary.rows.len(), 3);
        for (row, op) in summary.rows.iter().zip(["get", "list", "create"]) {
            assert_eq!(row[0], format!("Client requests per second: `{op}`"));
            let ratio: f64 = row[3].parse().expect("a ratio");
            assert!(ratio.is_finite() && ratio > 0.0, "{row:?}");
        }
        assert!(text.contains("| `create`"), "{text}");
    }

    #[test]
    fn multiplied_specs_generate_n_times_the_operations() {
        let spec = bench::root().join("spec/openrouter-observability.yaml");
        let base = codegen::load::load_file(&spec, "spec").unwrap().value;
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let path = dir.join("x3.json");
        std::fs::write(&path, serde_json::to_vec(&multiply(&base, 3)).unwrap()).unwrap();
        let g = codegen::generate(&codegen::Options::new(&path, "x3")).unwrap();
        let one = codegen::generate(&codegen::Options::new(&spec, "x1")).unwrap();
        assert_eq!(g.api.operations.len(), 3 * one.api.operations.len());
        assert_eq!(g.api.types.len(), 3 * one.api.types.len());
    }
}
