//! Running a child process with a deadline, recording its wall time and peak
//! resident memory (from `wait4`'s rusage, so it is the child's own figure).

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
    /// Peak resident set size of the child, in KiB.
    pub max_rss_kb: u64,
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
    let child = cmd.spawn().map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    let (status, usage) = loop {
        let mut status: libc::c_int = 0;
        // SAFETY: an all-zero rusage is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own unreaped child; `status` and `usage` are
        // valid for writes. Reaping it here means `child` must not wait again,
        // which it doesn't: it is only dropped.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        if reaped < 0 {
            return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
        }
        if !timed_out && start.elapsed() > deadline {
            timed_out = true;
            // SAFETY: sending a signal to our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(if start.elapsed() < Duration::from_secs(1) { 1 } else { 20 }));
    };
    let wall = start.elapsed();
    drop(child);
    let code = if libc::WIFEXITED(status) { Some(libc::WEXITSTATUS(status)) } else { None };
    let read = |p: &Path| std::fs::read(p).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    Ok(Finished {
        code,
        timed_out,
        wall,
        // Linux reports ru_maxrss in KiB.
        max_rss_kb: usage.ru_maxrss.max(0) as u64,
        stdout: read(&out_path),
        stderr: read(&err_path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_output_and_memory() {
        let dir = std::env::temp_dir().join(format!("bench-process-{}", std::process::id()));
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let done = run(cmd, Duration::from_secs(30), &dir).unwrap();
        assert_eq!(done.code, Some(3));
        assert!(!done.timed_out);
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.stderr, "err\n");
        assert!(done.max_rss_kb > 0);
    }

    #[test]
    fn deadline_kills() {
        let dir = std::env::temp_dir().join(format!("bench-process-kill-{}", std::process::id()));
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let done = run(cmd, Duration::from_millis(100), &dir).unwrap();
        assert!(done.timed_out);
        assert_eq!(done.code, None);
        assert!(done.wall < Duration::from_secs(10));
    }
}
