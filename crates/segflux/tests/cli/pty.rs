//! Runs the binary under a pseudo-terminal, through `script(1)` (util-linux), so stdin,
//! stdout and stderr are all a terminal, and plays the terminal: it answers the queries the
//! binary sends (kitty's graphics query, the device-attributes query) as a given terminal
//! would, and returns everything the binary drew.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a fake terminal answers: (what it sees in the output, what it then types back).
pub type Answers = Vec<(&'static str, &'static str)>;

/// What the binary wrote to the terminal, and its exit code.
#[derive(Debug)]
pub struct Screen {
    pub code: Option<i32>,
    pub output: String,
}

/// Runs `cmd` (its program, arguments and environment) inside a 100×30 pseudo-terminal,
/// answering each query in `answers` the first time it appears.
pub fn run(cmd: &Command, answers: Answers) -> Screen {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = String::from("stty cols 100 rows 30; exec ");
    line.push_str(&quote(&cmd.get_program().to_string_lossy()));
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&quote(&arg.to_string_lossy()));
    }
    let mut script = Command::new("script");
    script.args(["-qefc", &line, "/dev/null"]).env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        script.current_dir(dir);
    }
    let mut child = script
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script(1) is needed for the terminal tests");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let seen = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().expect("lock").extend_from_slice(&buf[..n]);
            }
        })
    };
    let mut pending = answers;
    let deadline = Instant::now() + Duration::from_mins(1);
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.code();
        }
        assert!(
            Instant::now() < deadline,
            "the binary did not finish under the terminal"
        );
        let text = String::from_utf8_lossy(&seen.lock().expect("lock")).into_owned();
        if let Some(i) = pending.iter().position(|(query, _)| text.contains(query)) {
            let (_, reply) = pending.remove(i);
            // Let the binary start reading before the answer arrives, as a real terminal's
            // answer does (an early one would be echoed in cooked mode).
            std::thread::sleep(Duration::from_millis(100));
            let _ = stdin
                .write_all(reply.as_bytes())
                .and_then(|()| stdin.flush());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    reader.join().expect("reader");
    let output = String::from_utf8_lossy(&seen.lock().expect("lock")).into_owned();
    Screen { code, output }
}
