//! When and how long to wait before trying a call again.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How a client retries failed calls.
///
/// A call is retried on the statuses in [`RetryConfig::statuses`] and, when
/// [`RetryConfig::retry_connection_errors`] is on, on connection failures,
/// timeouts and connections closed without a response. The wait before retry
/// `n` (from 0) is `min(initial × multiplier^n, max_interval)`, reduced by a
/// random share of up to [`RetryConfig::jitter`]; a `Retry-After` or
/// `retry-after-ms` header replaces it, capped at
/// [`RetryConfig::max_retry_after`]. Retrying stops after
/// [`RetryConfig::max_attempts`] attempts, or when the next wait would end
/// past [`RetryConfig::max_elapsed`] from the first attempt.
///
/// Calls that are not idempotent (`POST`, `PATCH`) are retried only when the
/// server cannot have acted on them: the connection was refused, or the answer
/// was `429` or `503`. [`RetryConfig::retry_non_idempotent`] lifts that limit.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryConfig {
    /// Attempts in all, the first included (`1` disables retries).
    pub max_attempts: u32,
    /// Wait before the first retry.
    pub initial_interval: Duration,
    /// Growth of the wait per retry.
    pub multiplier: f64,
    /// Longest computed wait.
    pub max_interval: Duration,
    /// Time budget from the first attempt; no retry starts after it.
    pub max_elapsed: Duration,
    /// Share of each wait taken off at random (`0.0` to `1.0`), so clients
    /// that failed together do not retry together.
    pub jitter: f64,
    /// Longest wait a `Retry-After` header may ask for.
    pub max_retry_after: Duration,
    /// Statuses that are retried.
    pub statuses: Vec<u16>,
    /// Retry connection failures, timeouts and connections closed early.
    pub retry_connection_errors: bool,
    /// Retry `POST` and `PATCH` like idempotent calls.
    pub retry_non_idempotent: bool,
}

impl RetryConfig {
    /// A single attempt: never retry.
    pub fn none() -> Self {
        RetryConfig { max_attempts: 1, ..RetryConfig::standard() }
    }

    /// The defaults used when the API description gives none: 3 attempts,
    /// 500 ms ×1.5 up to 60 s, a 5-minute budget, on 429, 500, 502, 503 and 504
    /// and on connection errors.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_interval: Duration::from_millis(500),
            multiplier: 1.5,
            max_interval: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(300),
            jitter: 0.5,
            max_retry_after: Duration::from_secs(60),
            statuses: vec![429, 500, 502, 503, 504],
            retry_connection_errors: true,
            retry_non_idempotent: false,
        }
    }

    /// Sets the number of attempts (the first included).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the wait before the first retry.
    pub fn with_initial_interval(mut self, d: Duration) -> Self {
        self.initial_interval = d;
        self
    }

    /// Sets the growth of the wait per retry.
    pub fn with_multiplier(mut self, m: f64) -> Self {
        self.multiplier = if m.is_finite() && m >= 1.0 { m } else { 1.0 };
        self
    }

    /// Sets the longest computed wait.
    pub fn with_max_interval(mut self, d: Duration) -> Self {
        self.max_interval = d;
        self
    }

    /// Sets the time budget from the first attempt.
    pub fn with_max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }

    /// Sets the random share taken off each wait (clamped to `0.0..=1.0`).
    pub fn with_jitter(mut self, j: f64) -> Self {
        self.jitter = if j.is_finite() { j.clamp(0.0, 1.0) } else { 0.0 };
        self
    }

    /// Sets the longest wait a `Retry-After` header may ask for.
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Sets the statuses that are retried.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Whether connection failures, timeouts and early closes are retried.
    pub fn with_retry_connection_errors(mut self, on: bool) -> Self {
        self.retry_connection_errors = on;
        self
    }

    /// Whether `POST` and `PATCH` are retried like idempotent calls.
    pub fn with_retry_non_idempotent(mut self, on: bool) -> Self {
        self.retry_non_idempotent = on;
        self
    }

    /// The computed wait before retry `n` (from 0), before jitter.
    pub fn backoff(&self, n: u32) -> Duration {
        let factor = self.multiplier.powi(n.min(64) as i32);
        let secs = self.initial_interval.as_secs_f64() * factor;
        let max = self.max_interval.as_secs_f64();
        Duration::from_secs_f64(if secs.is_finite() { secs.min(max) } else { max })
    }

    /// The wait before retry `n`, with jitter applied (`random` in `0..1`).
    pub(crate) fn wait(&self, n: u32, random: f64) -> Duration {
        self.backoff(n).mul_f64(1.0 - self.jitter * random.clamp(0.0, 1.0))
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig::standard()
    }
}

/// What happened on one attempt, for the retry decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Status(u16),
    /// The connection was never made: the request was not sent.
    ConnectFailed,
    /// Sent, or maybe sent, without a complete answer.
    TimedOut,
    ClosedEarly,
    /// Not worth retrying (TLS, invalid request…).
    Fatal,
}

/// Whether an attempt that ended with `outcome` may be retried.
pub(crate) fn should_retry(config: &RetryConfig, outcome: Outcome, idempotent: bool) -> bool {
    let safe = idempotent || config.retry_non_idempotent;
    match outcome {
        Outcome::Status(s) => {
            // 429 and 503 say the request was not acted on.
            config.statuses.contains(&s) && (safe || s == 429 || s == 503)
        }
        Outcome::ConnectFailed => config.retry_connection_errors,
        Outcome::TimedOut | Outcome::ClosedEarly => config.retry_connection_errors && safe,
        Outcome::Fatal => false,
    }
}

/// The wait a response asks for: `retry-after-ms`, else `Retry-After` in
/// seconds or as an HTTP date. Zero, negative or unreadable values ask
/// nothing.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms > 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = get("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs > 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    when.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// Whether the method may be repeated without changing the outcome.
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    !matches!(*method, reqwest::Method::POST | reqwest::Method::PATCH)
}

/// The status of an attempt, as an [`Outcome`].
pub(crate) fn status_outcome(status: StatusCode) -> Outcome {
    Outcome::Status(status.as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let c = RetryConfig::standard()
            .with_initial_interval(Duration::from_millis(100))
            .with_multiplier(2.0)
            .with_max_interval(Duration::from_millis(1000));
        let waits: Vec<u128> = (0..6).map(|n| c.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(c.backoff(10_000), Duration::from_millis(1000));
        let j = c.clone().with_jitter(0.5);
        assert_eq!(j.wait(1, 0.0), Duration::from_millis(200));
        assert_eq!(j.wait(1, 1.0), Duration::from_millis(100));
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
        assert_eq!(retry_after(&h, now), None);
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "250".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(250)), "ms wins");
        let mut h = HeaderMap::new();
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert("retry-after", later.parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        for bad in ["0", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            let mut h = HeaderMap::new();
            h.insert("retry-after", bad.parse().unwrap());
            assert_eq!(retry_after(&h, now), None, "{bad}");
        }
    }

    #[test]
    fn non_idempotent_calls_retry_only_when_nothing_happened() {
        let c = RetryConfig::standard();
        assert!(should_retry(&c, Outcome::Status(503), true));
        assert!(should_retry(&c, Outcome::Status(500), true));
        assert!(!should_retry(&c, Outcome::Status(500), false));
        assert!(should_retry(&c, Outcome::Status(503), false));
        assert!(should_retry(&c, Outcome::Status(429), false));
        assert!(should_retry(&c, Outcome::ConnectFailed, false));
        assert!(!should_retry(&c, Outcome::TimedOut, false));
        assert!(should_retry(&c, Outcome::TimedOut, true));
        assert!(!should_retry(&c, Outcome::Status(404), true));
        let opt_in = c.clone().with_retry_non_idempotent(true);
        assert!(should_retry(&opt_in, Outcome::Status(500), false));
        let off = c.with_retry_connection_errors(false);
        assert!(!should_retry(&off, Outcome::ConnectFailed, true));
    }
}
