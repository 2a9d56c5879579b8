//! Inputs that once crashed the generator (found by `cargo fuzz`, see
//! `fuzz/README.md`), and hand-written ones in the same spirit: each must end
//! in a crate or in diagnostics, never in a panic or in Rust that does not
//! parse.

#[test]
fn every_saved_input_ends_in_a_crate_or_diagnostics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for path in inputs {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        for skip in [false, true] {
            let mut opts = codegen::Options::new("fuzz.yaml", "fuzz.yaml");
            opts.skip_unsupported = skip;
            let outcome = std::panic::catch_unwind(|| codegen::generate_from_text(text, &opts));
            match outcome {
                Err(_) => panic!("{} panicked (skip_unsupported: {skip})", path.display()),
                Ok(Err(d)) => assert!(!d.to_string().contains("internal error"), "{}: {d}", path.display()),
                Ok(Ok(_)) => {}
            }
        }
    }
}
