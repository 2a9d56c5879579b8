//! Any bytes, as a YAML or JSON document, through load → normalise → IR →
//! emit → format. The generator may reject the input with diagnostics; it
//! must never panic, hang, or emit Rust that does not parse.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for skip_unsupported in [false, true] {
        let mut opts = codegen::Options::new("fuzz.yaml", "fuzz.yaml");
        opts.skip_unsupported = skip_unsupported;
        if let Err(diags) = codegen::generate_from_text(text, &opts) {
            let all = diags.to_string();
            assert!(!all.contains("internal error"), "{all}");
        }
    }
});
