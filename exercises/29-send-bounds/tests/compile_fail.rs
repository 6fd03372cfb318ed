//! The compiler must refuse to hand `spawn_job` a job that holds an `Rc` across an `.await`: each
//! file in tests/ui is a program that must *not* compile, with the errors it must give in its
//! `.errors` file beside it.

#[test]
fn a_job_holding_an_rc_is_refused() {
    compile_fail::check("tests/ui");
}
