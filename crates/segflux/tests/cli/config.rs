//! The config file: precedence (flag > environment > config > built-in), `config set|get|
//! list|path`, the key read from stdin and kept 0600 and redacted, and clear errors.

use std::io::Write as _;
use std::process::Stdio;

use segflux_emulator::Endpoint;

use crate::testenv::{CANARY_KEY, Run, TestEnv};

fn config_file(env: &TestEnv) -> std::path::PathBuf {
    env.root.path().join("config").join("config.toml")
}

fn set_config(env: &TestEnv, text: &str) {
    std::fs::write(config_file(env), text).expect("write config");
}

fn dry_body(run: &Run) -> serde_json::Value {
    run.expect_code(0);
    serde_json::from_str::<serde_json::Value>(run.stdout.trim()).expect("json")["body"].clone()
}

fn keys_seen(env: &TestEnv) -> Vec<Option<String>> {
    env.emu
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::Submit)
        .map(|r| r.api_key)
        .collect()
}

#[test]
fn generation_defaults_come_from_the_config_unless_a_flag_is_given() {
    let env = TestEnv::new();
    set_config(
        &env,
        "aspect_ratio = \"16:9\"\nsafety_tolerance = 5\nraw = true\nmodel = \"flux-dev\"\n",
    );
    let body = dry_body(&env.run(&["--json", "generate", "a fox", "--dry-run"]));
    assert_eq!(body["aspect_ratio"], "16:9");
    assert_eq!(body["safety_tolerance"], 5);
    assert_eq!(body["raw"], true);
    let flagged = env.run(&[
        "--json",
        "generate",
        "a fox",
        "--dry-run",
        "--ar",
        "1:1",
        "--safety-tolerance",
        "2",
    ]);
    let body = dry_body(&flagged);
    assert_eq!(body["aspect_ratio"], "1:1");
    assert_eq!(body["safety_tolerance"], 2);
    assert!(
        flagged.stdout.contains("/v2/flux-dev"),
        "{}",
        flagged.stdout
    );
}

#[test]
fn the_key_comes_from_flag_then_environment_then_config() {
    let env = TestEnv::new();
    set_config(&env, "api_key = \"from-config\"\n");
    std::fs::set_permissions(
        config_file(&env),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    env.run_cmd(
        env.cmd()
            .env_remove("SEGMIND_API_KEY")
            .args(["generate", "a fox", "-o", "a.jpg"]),
    )
    .expect_code(0);
    env.run(&["generate", "a fox", "-o", "b.jpg"])
        .expect_code(0);
    env.run(&["generate", "a fox", "-o", "c.jpg", "--api-key", "from-flag"])
        .expect_code(0);
    assert_eq!(
        keys_seen(&env),
        [
            Some("from-config".into()),
            Some(CANARY_KEY.into()),
            Some("from-flag".into())
        ]
    );
}

#[test]
fn the_output_directory_default_comes_from_the_config() {
    let env = TestEnv::new();
    set_config(&env, "output = \"renders/\"\n");
    let run = env.run(&["generate", "a fox", "--seed", "1"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("renders/1-"), "{}", run.stdout);
    assert_eq!(TestEnv::files(&env.work().join("renders")).len(), 1);
}

#[test]
fn config_set_reads_the_key_from_stdin_keeps_it_0600_and_redacted() {
    let env = TestEnv::new();
    let mut child = env
        .cmd()
        .args(["config", "set", "api_key", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{CANARY_KEY}\n").as_bytes())
        .expect("write");
    let run = Run::from(child.wait_with_output().expect("wait"));
    run.expect_code(0);
    run.assert_no_key();
    let text = std::fs::read_to_string(config_file(&env)).expect("config written");
    assert!(
        text.contains(&format!("api_key = \"{CANARY_KEY}\"")),
        "{text}"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(config_file(&env))
            .expect("meta")
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);

    env.run(&["config", "set", "aspect_ratio", "4:5"])
        .expect_code(0);
    let list = env.run(&["config", "list"]);
    list.expect_code(0);
    assert_eq!(list.stdout, "api_key = (redacted)\naspect_ratio = 4:5\n");
    assert_eq!(env.run(&["config", "get", "aspect_ratio"]).stdout, "4:5\n");
    assert_eq!(
        env.run(&["config", "get", "api_key"]).stdout,
        "(redacted)\n"
    );
    let path = env.run(&["config", "path"]);
    assert_eq!(path.stdout.trim(), config_file(&env).display().to_string());
}

#[test]
fn bad_config_values_and_keys_are_clear_errors() {
    let env = TestEnv::new();
    let bad = env.run(&["config", "set", "aspect_ratio", "7:5"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("16:9"), "{}", bad.stderr);
    env.run(&["config", "set", "colour", "red"]).expect_code(2);
    set_config(&env, "model = \"flux-dev\"\nsafety_tolerance = 9\n");
    let run = env.run(&["generate", "a fox"]);
    run.expect_code(2);
    assert!(run.stderr.contains("config.toml: line 2"), "{}", run.stderr);
    set_config(&env, "sead = 3\n");
    let run = env.run(&["generate", "a fox"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("line 1") && run.stderr.contains("sead"),
        "{}",
        run.stderr
    );
    assert_eq!(env.request_count(), 0);
}

#[test]
fn a_key_file_readable_by_others_draws_a_warning() {
    let env = TestEnv::new();
    set_config(&env, &format!("api_key = \"{CANARY_KEY}\"\n"));
    std::fs::set_permissions(
        config_file(&env),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .expect("chmod");
    let run = env.run(&["generate", "a fox", "--dry-run"]);
    run.expect_code(0);
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
}

#[test]
fn config_set_keeps_the_users_comments_and_order() {
    let env = TestEnv::new();
    set_config(
        &env,
        "# studio defaults\nmodel = \"flux-dev\"  # fast while drafting\n\n# wide by default\naspect_ratio = \"16:9\"\n",
    );
    env.run(&["config", "set", "safety_tolerance", "4"])
        .expect_code(0);
    env.run(&["config", "set", "aspect_ratio", "3:2"])
        .expect_code(0);
    let text = std::fs::read_to_string(config_file(&env)).expect("read");
    assert_eq!(
        text,
        "# studio defaults\nmodel = \"flux-dev\"  # fast while drafting\n\n# wide by default\naspect_ratio = \"3:2\"\nsafety_tolerance = 4\n"
    );
    let list = env.run(&["config", "list"]);
    list.expect_code(0);
    assert_eq!(
        list.stdout,
        "model = flux-dev\naspect_ratio = 3:2\nsafety_tolerance = 4\n"
    );
    let bad = env.run(&["config", "set", "safety_tolerance", "9"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("1, 2, 3, 4, 5, 6"), "{}", bad.stderr);
    assert!(std::fs::read_to_string(config_file(&env)).expect("read") == text);
}
