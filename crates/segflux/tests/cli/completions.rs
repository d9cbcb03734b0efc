//! The checked-in completion scripts and man pages are exactly what the binary generates
//! (`scripts/regen-docs` rewrites them).

use crate::testenv::TestEnv;

#[test]
fn checked_in_completions_are_current() {
    let env = TestEnv::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../completions");
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
            "completions/{file} is stale: run scripts/regen-docs"
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

#[test]
fn checked_in_man_pages_are_current() {
    let env = TestEnv::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../man");
    let mut pages = vec![(None, "segflux.1".to_owned())];
    for c in [
        "generate",
        "submit",
        "status",
        "fetch",
        "config",
        "completions",
        "emulator",
        "credits",
        "sheet",
    ] {
        pages.push((Some(c), format!("segflux-{c}.1")));
    }
    for (command, file) in pages {
        let mut args = vec!["man"];
        args.extend(command);
        let run = env.run(&args);
        run.expect_code(0);
        assert!(
            run.stdout.starts_with(".ie \\n(.g"),
            "not roff: {}",
            &run.stdout[..40]
        );
        let on_disk = std::fs::read_to_string(dir.join(&file)).unwrap_or_default();
        assert!(
            on_disk == run.stdout,
            "man/{file} is stale: run scripts/regen-docs"
        );
    }
}
