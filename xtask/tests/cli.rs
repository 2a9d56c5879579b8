//! `cargo xtask generate` as a user runs it: exit codes, messages, files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(root()).output().expect("run xtask")
}

/// A fresh directory, removed when the test ends (pass or fail).
fn tmp(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("xtask-cli-{name}-")).tempdir().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Bad input: exit 2, one clear message, never a panic.
fn fails_with(spec: &Path, needles: &[&str]) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let out = tmp(&format!("bad-out-{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    let out = out.path();
    let o = xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout: {stdout}\nstderr: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "`{n}` missing from:\n{stderr}");
    }
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!stderr.contains(bad), "{stderr}");
    }
    assert!(std::fs::read_dir(out).unwrap().next().is_none(), "nothing written");
}

#[test]
fn generate_prints_one_summary_line_and_is_deterministic() {
    let a = tmp("det-a");
    let a = a.path();
    let b = tmp("det-b");
    let b = b.path();
    for dir in [&a, &b] {
        let o = xtask(&["generate", "--out", dir.to_str().unwrap()]);
        let (stdout, stderr) = text(&o);
        assert!(o.status.success(), "{stderr}");
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        assert!(stdout.contains("5 operations, 65 types, 20 files written"), "{stdout}");
        assert!(stdout.contains(" in "), "the time taken: {stdout}");
    }
    for f in ["Cargo.toml", "src/lib.rs", "src/types.rs", "src/primitives.rs"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f}");
    }
    // A second run into the same place writes nothing.
    let o = xtask(&["generate", "--out", a.to_str().unwrap()]);
    assert!(text(&o).0.contains("0 files written (20 unchanged)"), "{}", text(&o).0);
}

#[test]
fn check_mode_names_stale_files_and_writes_nothing() {
    let dir = tmp("check");
    let dir = dir.path();
    assert!(xtask(&["generate", "--out", dir.to_str().unwrap()]).status.success());
    let o = xtask(&["generate", "--check", "--out", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    assert!(text(&o).0.contains("up to date"));

    let types = dir.join("src/types.rs");
    let edited = std::fs::read_to_string(&types).unwrap().replace("pub struct", "pub  struct");
    std::fs::write(&types, &edited).unwrap();
    std::fs::remove_file(dir.join("src/lib.rs")).unwrap();
    let o = xtask(&["generate", "--check", "--out", dir.to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stale: ") && stderr.contains("types.rs") && stderr.contains("lib.rs"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&types).unwrap(), edited, "check mode writes nothing");
    assert!(!dir.join("src/lib.rs").exists());
}

#[test]
fn the_committed_crate_passes_check() {
    let o = xtask(&["generate", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
}

#[test]
fn a_missing_file_is_reported() {
    fails_with(Path::new("does/not/exist.yaml"), &["does/not/exist.yaml", "cannot read the file"]);
}

#[test]
fn a_yaml_syntax_error_has_line_and_column() {
    let dir = tmp("yaml");
    let dir = dir.path();
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, "openapi: 3.1.0\ninfo:\n  title: t\n  version: [1\npaths: {}\n").unwrap();
    fails_with(&spec, &["bad.yaml:", "invalid YAML"]);
    let (_, stderr) =
        text(&xtask(&["generate", "--spec", spec.to_str().unwrap(), "--out", dir.join("o").to_str().unwrap()]));
    let loc = stderr.split("bad.yaml:").nth(1).unwrap_or("");
    assert!(loc.chars().next().is_some_and(|c| c.is_ascii_digit()), "line:column after the file name: {stderr}");
}

#[test]
fn a_json_syntax_error_has_line_and_column() {
    let dir = tmp("json");
    let dir = dir.path();
    let spec = dir.join("bad.json");
    std::fs::write(&spec, "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\n}").unwrap();
    fails_with(&spec, &["bad.json:4:", "invalid JSON"]);
}

#[test]
fn an_unresolvable_ref_names_its_pointer() {
    let dir = tmp("ref");
    let dir = dir.path();
    let spec = dir.join("ref.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
    )
    .unwrap();
    fails_with(
        &spec,
        &[
            "ref.yaml at #/paths/~1x/get/responses/200/content/application~1json/schema",
            "(operation `getX`)",
            "#/components/schemas/Missing",
            "does not resolve",
        ],
    );
}

const UNSUPPORTED: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /ok:\n    get:\n      operationId: getOk\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Fine'}}}}\n  /broken:\n    get:\n      operationId: getBroken\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}\ncomponents:\n  schemas:\n    Fine: {type: object, properties: {name: {type: string}, meta: {$ref: '#/components/schemas/Meta'}}}\n    Meta: {$dynamicRef: '#meta'}\n    Tree: {$recursiveRef: '#'}\n";

#[test]
fn unsupported_constructs_are_all_listed_with_pointers() {
    let dir = tmp("unsupported");
    let dir = dir.path();
    let spec = dir.join("u.yaml");
    std::fs::write(&spec, UNSUPPORTED).unwrap();
    fails_with(
        &spec,
        &[
            "#/components/schemas/Meta/$dynamicRef",
            "#/components/schemas/Tree/$recursiveRef",
            "not supported",
            "3 problems",
        ],
    );
}

#[test]
fn skip_unsupported_generates_the_rest_and_lists_what_it_left_out() {
    let dir = tmp("skip");
    let dir = dir.path();
    let spec = dir.join("u.yaml");
    std::fs::write(&spec, UNSUPPORTED).unwrap();
    let out = dir.join("crate");
    let o = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--crate-name",
        "skipped-client",
        "--skip-unsupported",
    ]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("1 operations") && stdout.contains("3 skipped"), "{stdout}");
    assert!(stderr.contains("skipped: operation `getBroken` (GET /broken)"), "{stderr}");
    assert!(stderr.contains("skipped: schema #/components/schemas/Meta (typed as any JSON)"), "{stderr}");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("# Left out") && lib.contains("operation `getBroken`"), "{lib}");
    assert!(std::fs::read_to_string(out.join("src/operations/get_ok.rs")).is_ok());
}

#[test]
fn external_references_are_brought_in() {
    let dir = tmp("external");
    let dir = dir.path();
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    std::fs::write(
        dir.join("main.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: 'schemas/pet.yaml'}}}}\n",
    )
    .unwrap();
    std::fs::write(dir.join("schemas/pet.yaml"), "type: object\nproperties:\n  tag: {$ref: 'common.yaml#/Tag'}\n")
        .unwrap();
    std::fs::write(dir.join("schemas/common.yaml"), "Tag: {type: string, enum: [a, b]}\n").unwrap();
    let out = dir.join("crate");
    let o = xtask(&["generate", "--spec", dir.join("main.yaml").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    let types = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    assert!(types.contains("pub struct Pet") && types.contains("pub enum Tag"), "{types}");
}

#[test]
fn swagger_2_is_refused() {
    let dir = tmp("swagger");
    let dir = dir.path();
    let spec = dir.join("s.json");
    std::fs::write(&spec, r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#).unwrap();
    fails_with(&spec, &["Swagger 2.0"]);
}

/// The published description itself generates a crate that compiles.
#[test]
fn the_published_spec_generates_a_crate_that_compiles() {
    let published = root().join("../shared/reference/openrouter-observability.openapi.yaml");
    if !published.exists() {
        println!("note: {} is absent; skipping", published.display());
        return;
    }
    let dir = tmp("published");
    let dir = dir.path();
    let crate_dir = dir.join("published-client");
    let o = xtask(&[
        "generate",
        "--spec",
        published.to_str().unwrap(),
        "--out",
        crate_dir.to_str().unwrap(),
        "--crate-name",
        "published-client",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    // Same dependency versions as the workspace, and no network.
    std::fs::copy(root().join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap() + "\n[workspace]\n",
    )
    .unwrap();
    let check = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root().join("target/generated-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

#[test]
fn selecting_operations_keeps_only_what_they_reach() {
    let dir = tmp("select");
    let dir = dir.path();
    let o = xtask(&["generate", "--out", dir.to_str().unwrap(), "--operation", "getObservabilityDestination"]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains(": 1 operations,"), "{stdout}");
    let ops: Vec<String> = std::fs::read_dir(dir.join("src/operations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(ops.len(), 2, "mod.rs and the one operation: {ops:?}");
    let types = std::fs::read_to_string(dir.join("src/types.rs")).unwrap();
    assert!(types.contains("pub struct GetObservabilityDestinationResponse"));
    assert!(
        !types.contains("pub struct CreateObservabilityDestinationRequest"),
        "types no kept operation reaches are left out"
    );

    let all = tmp("select-tag");
    let all = all.path();
    let o = xtask(&["generate", "--out", all.to_str().unwrap(), "--tag", "Observability"]);
    assert!(text(&o).0.contains(": 5 operations, 65 types"), "{}", text(&o).0);
    let none = tmp("select-none");
    let none = none.path();
    // A selection that matches nothing is a mistake, not an empty crate.
    let o = xtask(&[
        "generate",
        "--out",
        none.to_str().unwrap(),
        "--tag",
        "Nope",
        "--operation",
        "getobservabilitydestination",
    ]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`--tag Nope` matches no operation; the document's tags: `Observability`"), "{stderr}");
    assert!(
        stderr.contains("`--operation getobservabilitydestination` matches no operationId; did you mean `getObservabilityDestination`?"),
        "{stderr}"
    );
    assert!(std::fs::read_dir(none).unwrap().next().is_none(), "nothing written");
}

#[test]
fn invalid_crate_name_is_a_usage_error() {
    let out = tmp("bad-crate-name");
    let out = out.path();
    let o = xtask(&["generate", "--out", out.to_str().unwrap(), "--crate-name", "petstore-3.1"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a crate name is ASCII letters"), "{stderr}");
    assert!(std::fs::read_dir(out).unwrap().next().is_none(), "nothing written");
}
