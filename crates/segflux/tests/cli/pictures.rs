//! Pictures: the emulator's real-size images with the prompt drawn on them, `-o -`, the
//! inline preview and `--open` (contact sheets are in `sheet.rs`).

use std::path::Path;

use crate::pty;
use crate::testenv::TestEnv;

/// Width, height and format of the image at `path`.
fn dims(path: &Path) -> (u32, u32, image::ImageFormat) {
    let bytes = std::fs::read(path).expect("read image");
    let format = image::guess_format(&bytes).expect("an image");
    let img = image::load_from_memory(&bytes).expect("decodes");
    (img.width(), img.height(), format)
}

/// `segflux --emulator generate PROMPT ARGS…` with `SEGFLUX_EMULATOR_IMAGE_SIZE` set to `size`
/// (`None`: unset, the real size).
fn built_in(env: &TestEnv, size: Option<&str>, args: &[&str]) -> crate::testenv::Run {
    let mut cmd = env.cmd();
    cmd.env_remove("SEGMIND_API_KEY")
        .env_remove("SEGFLUX_BASE_URL")
        .env_remove("SEGFLUX_EMULATOR_IMAGE_SIZE");
    if let Some(size) = size {
        cmd.env("SEGFLUX_EMULATOR_IMAGE_SIZE", size);
    }
    env.run_cmd(cmd.arg("--emulator").arg("generate").args(args))
}

#[test]
fn the_built_in_emulator_serves_real_size_images_with_the_prompt_on_them() {
    let env = TestEnv::new();
    let run = built_in(
        &env,
        None,
        &["a red fox", "--ar", "9:16", "--format", "png"],
    );
    run.expect_code(0);
    let path = env.work().join(run.last_line());
    assert_eq!(dims(&path), (1536, 2752, image::ImageFormat::Png));
    // The prompt is drawn in white on a dark panel across the middle: the middle band has
    // pure white pixels, the top fifth (sky) has none.
    let img = image::open(&path).expect("decodes").to_rgb8();
    let white = |rows: std::ops::Range<u32>| {
        rows.flat_map(|y| (0..img.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0 == [255, 255, 255])
            .count()
    };
    assert!(white(1200..1550) > 1000, "no text in the middle");
    assert_eq!(white(0..500), 0);
}

#[test]
fn a_small_size_keeps_the_aspect_ratio_and_a_bad_one_is_a_usage_error() {
    let env = TestEnv::new();
    let run = built_in(&env, Some("small"), &["a red fox", "--ar", "16:9"]);
    run.expect_code(0);
    let (w, h, _) = dims(&env.work().join(run.last_line()));
    assert_eq!((w, h), (256, 144));

    let run = built_in(&env, Some("huge"), &["a red fox"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("SEGFLUX_EMULATOR_IMAGE_SIZE") && run.stderr.contains("small"),
        "{}",
        run.stderr
    );
}

#[test]
fn dash_o_writes_the_verified_image_with_its_record_to_stdout_and_nothing_else() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args([
            "generate",
            "a red fox",
            "--seed",
            "7",
            "--format",
            "png",
            "-o",
            "-",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains(crate::testenv::CANARY_KEY));
    // stdout is exactly one PNG: it decodes, and nothing follows its IEND chunk.
    assert_eq!(
        image::guess_format(&out.stdout).ok(),
        Some(image::ImageFormat::Png)
    );
    image::load_from_memory(&out.stdout).expect("decodes");
    assert!(
        out.stdout.ends_with(&[0xae, 0x42, 0x60, 0x82]),
        "bytes after IEND"
    );
    assert!(
        stderr.contains("wrote the image to standard output"),
        "{stderr}"
    );
    // No file was written; the embedded record names the job.
    assert!(TestEnv::files(&env.work()).is_empty());
    let saved = env.work().join("piped.png");
    std::fs::write(&saved, &out.stdout).expect("save");
    let run = env.run(&["inspect", "piped.png", "--json"]);
    run.expect_code(0);
    let record: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(record["seed"], 7, "{record}");
    assert_eq!(record["prompt"], "a red fox", "{record}");
}

#[test]
fn dash_o_is_refused_with_json_in_a_batch_and_with_sidecar_before_anything_is_sent() {
    let env = TestEnv::new();
    for args in [
        &["--json", "generate", "a fox", "-o", "-"][..],
        &["generate", "a fox", "-n", "2", "-o", "-"],
        &["generate", "a fox", "--sidecar", "-o", "-"],
        &["generate", "a fox", "--open", "-o", "-"],
    ] {
        let run = env.run(args);
        run.expect_code(2);
        // With --json the error is the JSON object on stdout; otherwise stdout is empty.
        let said = if args[0] == "--json" {
            &run.stdout
        } else {
            &run.stderr
        };
        assert!(said.contains("'--output <PATH>'"), "{args:?}: {run:?}");
        assert!(
            args[0] == "--json" || run.stdout.is_empty(),
            "{args:?}: {run:?}"
        );
    }
    assert_eq!(env.request_count(), 0);
}

/// The kitty graphics query viuer sends, and what a kitty answers (remote support only).
const KITTY_QUERY: &str = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\";
/// The primary device-attributes query.
const DA1: &str = "\x1b[c";

/// `generate` under a terminal with `vars` set, answered by `answers`.
fn under_terminal(vars: &[(&str, &str)], extra: &[&str], answers: pty::Answers) -> pty::Screen {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.env_remove("NO_COLOR")
        .args(["generate", "a red fox", "--seed", "3"])
        .args(extra);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let screen = pty::run(&cmd, answers);
    assert!(!screen.output.contains(crate::testenv::CANARY_KEY));
    assert_eq!(screen.code, Some(0), "{screen:?}");
    screen
}

#[test]
fn kitty_terminals_get_the_kitty_graphics_protocol() {
    let screen = under_terminal(
        &[("TERM", "xterm-kitty"), ("KITTY_WINDOW_ID", "1")],
        &[],
        vec![
            (KITTY_QUERY, "\x1b_Gi=31;OK\x1b\\\x1b[?62;c"),
            // Not on the same machine: the image travels in the escape codes.
            ("a=q,t=t;", "\x1b_Gi=31;ENOENT\x1b\\"),
        ],
    );
    let at = screen
        .output
        .find("\x1b_Gf=32,a=T,t=d,")
        .expect("a kitty image");
    assert!(
        at > screen.output.find(".jpg").expect("path"),
        "picture before the path"
    );
}

#[test]
fn iterm2_and_wezterm_get_inline_images() {
    for program in ["iTerm.app", "WezTerm"] {
        let screen = under_terminal(
            &[("TERM", "xterm-256color"), ("TERM_PROGRAM", program)],
            &[],
            vec![],
        );
        assert!(
            screen.output.contains("\x1b]1337;File=inline=1;"),
            "{program}: {screen:?}"
        );
    }
}

#[test]
fn a_terminal_that_answers_sixel_gets_sixel_and_one_that_does_not_gets_half_blocks() {
    let screen = under_terminal(
        &[("TERM", "xterm-256color")],
        &[],
        vec![(DA1, "\x1b[?62;4;22c")],
    );
    assert!(screen.output.contains("\x1bP"), "no sixel: {screen:?}");
    let screen = under_terminal(
        &[("TERM", "xterm-256color")],
        &[],
        vec![(DA1, "\x1b[?62;22c")],
    );
    assert!(!screen.output.contains("\x1bP"));
    assert!(
        screen.output.contains('\u{2584}'),
        "no half blocks: {screen:?}"
    );
}

#[test]
fn a_terminal_that_never_answers_is_left_in_the_modes_it_had() {
    // The preview asks the terminal for sixel support and reads the answer in raw mode; one
    // that never answers must not be left raw (no echo, no line editing) for the shell.
    let env = TestEnv::new();
    let segflux = env.cmd();
    let mut sh = std::process::Command::new("sh");
    sh.args(["-c", "\"$0\" \"$@\"; stty -a"])
        .arg(segflux.get_program())
        .args(["generate", "a red fox", "--seed", "3"]);
    for (k, v) in segflux.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    sh.env_remove("NO_COLOR").env("TERM", "xterm-256color");
    sh.current_dir(env.work());
    let screen = pty::run(&sh, vec![]);
    assert_eq!(screen.code, Some(0), "{screen:?}");
    assert!(
        screen.output.contains("the terminal did not answer"),
        "{screen:?}"
    );
    let stty: Vec<&str> = screen.output[screen.output.rfind("speed").expect("stty -a")..]
        .split_whitespace()
        .collect();
    for mode in ["icanon", "echo"] {
        assert!(
            stty.contains(&mode),
            "{mode} is off after segflux: {stty:?}"
        );
    }
}

#[test]
fn no_preview_in_ci_with_no_preview_with_quiet_with_config_false_or_when_piped() {
    let kitty = [("TERM", "xterm-kitty"), ("KITTY_WINDOW_ID", "1")];
    let none = |screen: &pty::Screen| {
        !screen.output.contains("\x1b_G") && !screen.output.contains('\u{2584}')
    };
    let ci = [kitty[0], kitty[1], ("CI", "true")];
    assert!(none(&under_terminal(&ci, &[], vec![])));
    assert!(none(&under_terminal(&kitty, &["--no-preview"], vec![])));
    assert!(none(&under_terminal(&kitty, &["-q"], vec![])));
    let config = tempfile::tempdir().expect("tempdir");
    std::fs::write(config.path().join("config.toml"), "preview = false\n").expect("config");
    let dir = config.path().to_str().expect("utf-8");
    let quiet_config = [kitty[0], kitty[1], ("SEGFLUX_CONFIG_DIR", dir)];
    assert!(none(&under_terminal(&quiet_config, &[], vec![])));
    // --preview overrides CI on a terminal.
    let screen = under_terminal(
        &ci,
        &["--preview"],
        vec![
            (KITTY_QUERY, "\x1b_Gi=31;OK\x1b\\\x1b[?62;c"),
            ("a=q,t=t;", "\x1b_Gi=31;ENOENT\x1b\\"),
        ],
    );
    assert!(screen.output.contains("\x1b_Gf=32,a=T"), "{screen:?}");
    // Piped stdout: no escape codes at all, even with --preview.
    let env = TestEnv::new();
    let run = env.run_cmd(
        env.cmd()
            .env("TERM", "xterm-kitty")
            .env("KITTY_WINDOW_ID", "1")
            .args(["generate", "a red fox", "--preview"]),
    );
    run.expect_code(0);
    run.assert_clean_stdout();
}

#[test]
fn dash_o_to_a_terminal_is_refused_before_anything_is_sent() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.env("TERM", "xterm-256color")
        .args(["generate", "a red fox", "-o", "-"]);
    let screen = pty::run(&cmd, vec![]);
    assert_eq!(screen.code, Some(2), "{screen:?}");
    assert!(screen.output.contains("stdout is a terminal"), "{screen:?}");
    assert_eq!(env.request_count(), 0);
}

#[test]
fn open_hands_the_written_file_to_the_system_viewer_and_returns() {
    let env = TestEnv::new();
    // A fake xdg-open on PATH records what it was asked to open.
    let bin = env.root.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let log = env.root.path().join("opened.txt");
    let fake = bin.join("xdg-open");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", log.display()),
    )
    .expect("write");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = env.run_cmd(env.cmd().env("PATH", path).args([
        "generate",
        "a red fox",
        "--seed",
        "5",
        "--open",
    ]));
    run.expect_code(0);
    let written = run.last_line().to_owned();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !log.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let opened = std::fs::read_to_string(&log).expect("the viewer was started");
    assert_eq!(opened.trim(), written, "{run:?}");
    assert!(env.work().join(&written).is_file());
}
