//! The checked-in completion scripts are exactly what the binary generates.

use crate::testenv::TestEnv;

#[test]
fn checked_in_completions_are_current() {
    let env = TestEnv::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "segflux.bash"),
        ("zsh", "_segflux"),
        ("fish", "segflux.fish"),
        ("powershell", "_segflux.ps1"),
        ("elvish", "segflux.elv"),
    ] {
        let run = env.run(&["completions", shell]);
        run.expect_code(0);
        let on_disk = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            on_disk == run.stdout,
            "completions/{file} is stale: run `cargo run -- completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn completions_offer_the_allowed_values() {
    let env = TestEnv::new();
    let run = env.run(&["completions", "bash"]);
    run.expect_code(0);
    assert!(run.stdout.contains("16:9"), "aspect ratios missing");
    assert!(run.stdout.contains("jpg png"), "formats missing");
}
