//! `cargo test` fails when `generated/` is not what `spec/` produces.

#[test]
fn generated_crate_is_fresh() {
    let opts = codegen::Options::new(tests::spec(), "spec/openrouter-observability.yaml");
    let generated = codegen::generate(&opts).unwrap_or_else(|d| panic!("the spec does not generate:\n{d}"));
    let report =
        codegen::write::write_all(&tests::root().join("generated"), &generated.files, true).expect("read generated/");
    assert!(
        report.stale.is_empty(),
        "generated/ is stale; run `cargo xtask generate`. Differing files: {:?}",
        report.stale
    );
}

#[test]
fn generation_is_deterministic() {
    let opts = codegen::Options::new(tests::spec(), "spec/openrouter-observability.yaml");
    let a = codegen::generate(&opts).expect("generates").files;
    let b = codegen::generate(&opts).expect("generates").files;
    assert_eq!(a, b);
}

#[test]
fn fixture_crates_are_fresh() {
    for (spec, name) in codegen::fixtures::FIXTURES {
        let path = tests::root().join("tests/specs").join(spec);
        let mut opts = codegen::Options::new(&path, format!("tests/specs/{spec}"));
        opts.crate_name = format!("fixture-{name}");
        let generated = codegen::generate(&opts).unwrap_or_else(|d| panic!("{spec} does not generate:\n{d}"));
        let dir = tests::root().join("tests/fixtures").join(name);
        let report = codegen::write::write_all(&dir, &generated.files, true).expect("read the fixture");
        assert!(
            report.stale.is_empty(),
            "tests/fixtures/{name} is stale; run `cargo xtask fixtures`. Differing files: {:?}",
            report.stale
        );
    }
}
