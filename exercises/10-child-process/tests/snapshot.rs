//! The outcomes of a fixed set of commands, as `Debug` shows them: the same on every Unix.

use child_process::run;

#[test]
fn outcomes_of_fixed_commands() {
    let scripts = [
        "echo hello",
        "printf 'no newline at the end'",
        "echo out; echo err >&2; exit 3",
        "exit 255",
        "printf 'caf\\303\\251 and a stray byte: \\377'",
        "echo bye; kill -TERM $$",
        "kill -KILL $$",
    ];
    let mut report = String::new();
    for script in scripts {
        let outcome = run("sh", &["-c", script]);
        report.push_str(&format!("sh -c {script:?}\n    {outcome:?}\n"));
    }
    let outcome = run("no-such-program-in-this-course", &[]);
    report.push_str(&format!(
        "no-such-program-in-this-course\n    {outcome:?}\n"
    ));
    insta::assert_snapshot!("outcomes", report);
}
