//! Shared parts of the measuring tools: where things live, fetching pinned
//! public documents, running a child process with a deadline and reading its
//! peak memory, medians, and Markdown tables.

pub mod fetch;
pub mod handwritten;
pub mod process;
pub mod progenitor;
pub mod server;
pub mod table;

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding `bench/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("bench/ sits in the workspace").to_path_buf()
}

/// Cargo's target directory for the workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root().join(dir) }
        }
        None => root().join("target"),
    }
}

/// Builds the release `xtask` binary and returns its path: the tools time the
/// generator as users run it, as a whole process.
pub fn build_xtask() -> Result<PathBuf, String> {
    let status = std::process::Command::new(cargo())
        .current_dir(root())
        .args(["build", "--quiet", "--release", "--package", "xtask"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("`cargo build --release --package xtask` failed".into());
    }
    Ok(target_dir().join("release").join(format!("xtask{}", std::env::consts::EXE_SUFFIX)))
}

/// The `cargo` that runs us, so nested builds use the same toolchain.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The median of a set of samples (the mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> f64 {
    assert!(!samples.is_empty(), "median of no samples");
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 }
}

/// `12.3 KB`, `4.5 MB`: sizes for tables.
pub fn human_bytes(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

/// A duration in the unit that reads best: `850 µs`, `12.3 ms`, `2.41 s`.
pub fn human_secs(secs: f64) -> String {
    if secs < 1e-3 {
        format!("{:.0} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.1} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

/// One line describing the machine, for reports: CPU model, cores, memory, OS.
pub fn machine_description() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?.to_owned();
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!(", {:.0} GiB memory", kb as f64 / 1024.0 / 1024.0))
        })
        .unwrap_or_default();
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores{mem}, {} ({rustc})", std::env::consts::OS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(2048), "2.0 KB");
        assert_eq!(human_bytes(13 * 1024 * 1024), "13.0 MB");
        assert_eq!(human_secs(0.0000005), "0 µs");
        assert_eq!(human_secs(0.0123), "12.3 ms");
        assert_eq!(human_secs(2.414), "2.41 s");
    }
}
