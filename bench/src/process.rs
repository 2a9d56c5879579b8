//! Running a child process with a deadline, recording its wall time.
//!
//! Peak memory is not taken from the kernel's child rusage: on Linux it
//! counts what the spawning process held at fork, so the generator reports
//! its own (`VmHWM`, in `generate --stats`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a measured child process ended.
#[derive(Debug)]
pub struct Finished {
    /// The exit code; `None` when a signal ended it (or we killed it).
    pub code: Option<i32>,
    /// Whether the deadline passed and the process was killed.
    pub timed_out: bool,
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

impl Finished {
    /// Exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs `cmd` to completion or until `deadline`, capturing its output through
/// files in `scratch` (pipes could fill up and stall a chatty child).
pub fn run(mut cmd: Command, deadline: Duration, scratch: &Path) -> Result<Finished, String> {
    std::fs::create_dir_all(scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let out_path = scratch.join("stdout");
    let err_path = scratch.join("stderr");
    let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("cannot wait for the child: {e}"))? {
            break status;
        }
        if !timed_out && start.elapsed() > deadline {
            timed_out = true;
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(if start.elapsed() < Duration::from_secs(1) { 1 } else { 20 }));
    };
    let wall = start.elapsed();
    let code = status.code();
    let read = |p: &Path| std::fs::read(p).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    Ok(Finished { code, timed_out, wall, stdout: read(&out_path), stderr: read(&err_path) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_output_and_memory() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let done = run(cmd, Duration::from_secs(30), dir).unwrap();
        assert_eq!(done.code, Some(3));
        assert!(!done.timed_out);
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.stderr, "err\n");
    }

    #[test]
    fn deadline_kills() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let done = run(cmd, Duration::from_millis(100), dir).unwrap();
        assert!(done.timed_out);
        assert_eq!(done.code, None);
        assert!(done.wall < Duration::from_secs(10));
    }
}
