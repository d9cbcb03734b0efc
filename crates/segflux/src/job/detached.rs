//! Blocking work on user-given inputs (`generate`'s prompt on stdin and local
//! `--image-prompt`, a batch's `--from`, `sheet`'s files; FIFOs and `<(…)` among them) runs
//! on a thread of its own (spec: cli.md, "Failing closed", "Bounded everything": a signal
//! still ends the run while it blocks). `main` races the command's
//! future against SIGINT / SIGTERM / SIGHUP on the one runtime thread; a read blocked on that
//! thread would keep the race from ever seeing the signal. The thread is never joined: when
//! a signal wins, the process exits with the thread still blocked.

use crate::error::{Error, Result};

/// Runs `work` on a detached thread named `name` and waits for it without blocking the
/// runtime.
pub async fn run<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|e| Error::io(format!("cannot start a thread for {name}"), e))?;
    rx.await
        .unwrap_or_else(|_| Err(Error::Other(format!("the thread for {name} ended early"))))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_result_comes_back() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let got = rt.block_on(super::run("test", || Ok(41 + 1))).unwrap();
        assert_eq!(got, 42);
    }
}
