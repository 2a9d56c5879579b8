//! What compiles and what must not: one program per operation, and the
//! mistakes the types catch (checked against their `.stderr`).

#[test]
fn the_api_catches_mistakes_at_compile_time() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
