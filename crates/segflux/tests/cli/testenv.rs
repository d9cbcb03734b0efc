//! A sandbox per test: temp HOME, config and data dirs, a canary API key, and an emulator
//! running in this process on loopback ports, so each test can assert what the server saw.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use segflux_emulator::{Emulator, EmulatorConfig, Endpoint, Fault};

/// The key every test passes; it must never appear in any output.
pub const CANARY_KEY: &str = "sk-canary-9c41e7d2b5";

/// One test's world.
pub struct TestEnv {
    pub root: tempfile::TempDir,
    pub emu: Emulator,
    _rt: tokio::runtime::Runtime,
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestEnv {
    /// A sandbox with a fast emulator (50 ms queued, 150 ms processing).
    pub fn new() -> Self {
        Self::new_with(|_| {})
    }

    /// [`TestEnv::new`]'s emulator, changed by `change`.
    pub fn new_with(change: impl FnOnce(&mut EmulatorConfig)) -> Self {
        Self::timed_with(50, 150, change)
    }

    /// A faster emulator still (30 ms queued, 100 ms processing), changed by `change`.
    pub fn quick_with(change: impl FnOnce(&mut EmulatorConfig)) -> Self {
        Self::timed_with(30, 100, change)
    }

    fn timed_with(
        queued_ms: u64,
        processing_ms: u64,
        change: impl FnOnce(&mut EmulatorConfig),
    ) -> Self {
        let mut config = EmulatorConfig {
            queued: Duration::from_millis(queued_ms),
            processing: Duration::from_millis(processing_ms),
            image_long_side: 64,
            ..EmulatorConfig::default()
        };
        change(&mut config);
        Self::with(config)
    }

    /// A sandbox with this emulator configuration.
    pub fn with(config: EmulatorConfig) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let emu = rt.block_on(Emulator::start(config)).expect("emulator");
        let root = tempfile::tempdir().expect("tempdir");
        for d in ["home", "config", "data", "work"] {
            std::fs::create_dir_all(root.path().join(d)).expect("mkdir");
        }
        Self { root, emu, _rt: rt }
    }

    /// The working directory of the binary (where images land by default).
    pub fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// Writes an input file into the working directory.
    pub fn write_file(&self, name: &str, text: &str) {
        std::fs::write(self.work().join(name), text).expect("write input");
    }

    /// The manifest's line for each job as it ended (the write-ahead `SUBMITTING` /
    /// `SUBMITTED` lines are left out; `journal.rs` tests them).
    pub fn manifest(&self, name: &str) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.work().join(name))
            .expect("manifest")
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line"))
            .filter(|l| !matches!(l["status"].as_str(), Some("SUBMITTING" | "SUBMITTED")))
            .collect()
    }

    /// The binary, sandboxed, pointed at the emulator with the canary key.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_segflux"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root.path().join("home"))
            .env("SEGFLUX_CONFIG_DIR", self.root.path().join("config"))
            .env("SEGFLUX_DATA_DIR", self.root.path().join("data"))
            .env("NO_COLOR", "1")
            .env("SEGFLUX_BASE_URL", self.emu.base_url())
            .env("SEGMIND_API_KEY", CANARY_KEY)
            .env("SEGFLUX_TEST_POLL_MS", "20")
            .env("SEGFLUX_TEST_NO_RETRY_DELAY", "1")
            // A request not in the history is absent at once (`history_fail_closed.rs` tests
            // the wait and the uncertainty of a request sent moments ago).
            .env("SEGFLUX_TEST_HISTORY_SETTLE_MS", "0")
            .env("SEGFLUX_EMULATOR_IMAGE_SIZE", "small")
            .current_dir(self.work())
            .stdin(Stdio::null());
        c
    }

    /// Runs the binary with `args` and checks the key did not leak.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_cmd(self.cmd().args(args))
    }

    /// Runs a prepared command and checks the key did not leak.
    #[expect(
        clippy::unused_self,
        reason = "reads as env.run_cmd(…) beside env.run(…)"
    )]
    pub fn run_cmd(&self, cmd: &mut Command) -> Run {
        let out = cmd.output().expect("run segflux");
        let run = Run::from(out);
        run.assert_no_key();
        run
    }

    /// Starts the binary, waits until its stderr shows `needle`, sends SIGINT (as Ctrl-C
    /// does), and returns the exit code and everything it wrote on stderr.
    pub fn interrupt_when(&self, args: &[&str], needle: &str) -> (Option<i32>, String) {
        let run = self.signal_when(args, needle, "INT");
        ((run.code != -1).then_some(run.code), run.stderr)
    }

    /// Starts the binary with `args`, waits until its stderr shows `needle`, sends `signal`
    /// (`TERM`, `INT`, `HUP`), and returns what it wrote (code -1: ended by the signal).
    pub fn signal_when(&self, args: &[&str], needle: &str, signal: &str) -> Run {
        use std::io::{BufRead as _, Read as _};
        let mut child = self
            .cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn segflux");
        let mut stdout = child.stdout.take().expect("stdout");
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            stdout.read_to_string(&mut s).expect("read stdout");
            s
        });
        let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
        let mut seen = String::new();
        while !seen.contains(needle) {
            let mut line = String::new();
            let n = stderr.read_line(&mut line).expect("read stderr");
            assert!(n > 0, "ended before showing {needle:?}: {seen}");
            seen.push_str(&line);
        }
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        stderr.read_to_string(&mut seen).expect("read stderr");
        let run = Run {
            code: status.code().unwrap_or(-1),
            stdout: out.join().expect("stdout reader"),
            stderr: seen,
        };
        run.assert_no_key();
        run
    }

    /// Queues a fault in the emulator.
    pub fn inject(&self, endpoint: Endpoint, times: u32, kind: segflux_emulator::FaultKind) {
        self.emu.inject(Fault {
            endpoint,
            times,
            kind,
        });
    }

    /// Files in `dir` (names), sorted, hidden ones included.
    pub fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Total requests the emulator saw on both origins.
    pub fn request_count(&self) -> usize {
        self.emu.requests().len()
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Fails with the whole transcript when the exit code differs.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code\n{self:#?}");
        self
    }

    /// The canary key appears nowhere.
    #[track_caller]
    pub fn assert_no_key(&self) {
        assert!(
            !self.stdout.contains(CANARY_KEY) && !self.stderr.contains(CANARY_KEY),
            "the API key leaked:\n{self:#?}"
        );
    }

    /// stdout has no terminal control characters.
    #[track_caller]
    pub fn assert_clean_stdout(&self) {
        assert!(
            !self.stdout.contains('\u{1b}') && !self.stdout.contains('\r'),
            "control characters on stdout: {:?}",
            self.stdout
        );
    }

    /// The last stdout line.
    pub fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or("")
    }
}
