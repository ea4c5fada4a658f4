//! What the server logs, for tests that check a refusal or a failure leaves a trace: one global
//! subscriber for the test process (installed once), keeping the server's warnings and the
//! access log as JSON lines in memory. Tests run in parallel in one process, so each looks for lines that name
//! its own user, path or login.

use std::sync::{Mutex, Once};

static LINES: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Sink;

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        // Errors also go to the test run's output: a page that failed to load says why there.
        if bytes.windows(15).any(|w| w == br#""level":"ERROR""#) {
            let _ = std::io::stderr().write_all(bytes);
        }
        LINES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts keeping the server's warnings, the pages' errors and the `ocop::access` lines (every
/// test server calls this: the process has one subscriber).
pub fn capture() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "server=warn,app=error,ocop::access=info",
            ))
            .with_writer(|| Sink)
            .try_init();
    });
}

/// The captured lines that contain every one of `needles`.
pub fn lines_with(needles: &[&str]) -> Vec<String> {
    let bytes = LINES.lock().unwrap_or_else(|e| e.into_inner()).clone();
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|line| needles.iter().all(|n| line.contains(n)))
        .map(str::to_owned)
        .collect()
}
