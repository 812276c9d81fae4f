//! Request pacing. IO (APIM `rate-limit-by-key`) allows a number of calls per sliding window
//! per account, counted across every endpoint: profiles, messages and status reads all share
//! one budget. The pacer keeps a client under that budget, so sending a whole list of citizens
//! does not turn into a stream of 429s.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Mutex, Notify};
pub use tokio::time::Instant;

/// Variable with the server's limit, `N/S`, or `0`/`off`.
pub const RATE_ENV: &str = "ALLOGGI_IO_RATE";

/// The server's limit: `limit` requests in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub limit: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{variable} non valido «{value}»: indicare N/S, cioè N richieste ogni S secondi (per esempio 150/5), oppure 0 o off per non regolare il ritmo"
)]
pub struct PaceError {
    /// The variable the value came from.
    pub variable: &'static str,
    pub value: String,
}

impl Pace {
    /// IO's default for a service account: 150 requests per 5 seconds.
    pub const IO_DEFAULT: Pace = Pace {
        limit: 150,
        window: Duration::from_secs(5),
    };

    /// `N/S` (S may have decimals) → a limit; `0` or `off` → no pacing. Errors name
    /// `ALLOGGI_IO_RATE`.
    pub fn parse(text: &str) -> Result<Option<Pace>, PaceError> {
        Pace::parse_for(RATE_ENV, text)
    }

    /// As `parse`, for the value of `variable`, which errors name.
    pub fn parse_for(variable: &'static str, text: &str) -> Result<Option<Pace>, PaceError> {
        let value = text.trim();
        let error = || PaceError {
            variable,
            value: text.to_string(),
        };
        if value == "0" || value.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (count, seconds) = value.split_once('/').ok_or_else(error)?;
        let limit: u32 = count.trim().parse().map_err(|_| error())?;
        let seconds: f64 = seconds.trim().parse().map_err(|_| error())?;
        // An hour is already far beyond any limit IO applies; more is a typo.
        if limit == 0 || !seconds.is_finite() || seconds <= 0.0 || seconds > 3600.0 {
            return Err(error());
        }
        let window = Duration::from_secs_f64(seconds);
        if window < Duration::from_millis(1) {
            return Err(error());
        }
        Ok(Some(Pace { limit, window }))
    }

    /// How many requests the pacer lets into one window: the limit less 3.5 % of it, and
    /// always at least one less, so that a few requests reaching the server sooner or later
    /// than they left cannot fill a window; IO's 150 become 145.
    pub fn allowed(&self) -> u32 {
        let margin = (u64::from(self.limit) * 35 / 1000).max(1) as u32;
        self.limit.saturating_sub(margin).max(1)
    }

    /// How long past the window a send still counts: 50 ms (a tenth of a shorter window).
    /// The server counts arrivals, and a request may take longer to arrive than one sent a
    /// window later (a new connection, a TLS handshake, a busy machine); within this margin
    /// the difference cannot put two windows' requests into one.
    pub fn slack(&self) -> Duration {
        (self.window / 10).min(Duration::from_millis(50))
    }

    /// The rate sustained sending gets: `allowed` per `window + slack`. For IO's 150/5 that is
    /// 145 per 5.05 s, 95.7 % of the server's 30 per second.
    pub fn sustained_rate(&self) -> f64 {
        f64::from(self.allowed()) / (self.window + self.slack()).as_secs_f64()
    }
}

/// Shared by every clone of a client: one budget per account.
#[derive(Debug, Clone)]
pub struct Pacer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    pace: Option<Pace>,
    /// Send times of the requests in the last window. Held across the wait, so callers queue
    /// in arrival order (tokio's mutex is fair) and only the first one has a timer running.
    sent: Mutex<VecDeque<Instant>>,
    paused_until: StdMutex<Option<Instant>>,
    /// Wakes the waiting caller when a pause is set or changed.
    pause_changed: Notify,
}

impl Pacer {
    pub fn new(pace: Option<Pace>) -> Pacer {
        Pacer {
            shared: Arc::new(Shared {
                pace,
                sent: Mutex::new(VecDeque::new()),
                paused_until: StdMutex::new(None),
                pause_changed: Notify::new(),
            }),
        }
    }

    pub fn pace(&self) -> Option<Pace> {
        self.shared.pace
    }

    /// Waits until a request may be sent, and counts it as sent now.
    pub async fn wait_turn(&self) {
        let mut sent = self.shared.sent.lock().await;
        loop {
            // Registered before reading the pause, so a pause set meanwhile still wakes us.
            let pause_changed = self.shared.pause_changed.notified();
            tokio::pin!(pause_changed);
            pause_changed.as_mut().enable();

            let now = Instant::now();
            let wake_at = match self.paused_until() {
                Some(until) if until > now => Some(until),
                _ => self.slot_free_at(&mut sent, now),
            };
            match wake_at {
                None => {
                    if self.shared.pace.is_some() {
                        sent.push_back(now);
                    }
                    return;
                }
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = &mut pause_changed => {}
                    }
                }
            }
        }
    }

    /// Every caller waits until `until` (e.g. the server answered 429 with a retry delay).
    /// An earlier time never shortens a pause already in force.
    pub fn pause_until(&self, until: Instant) {
        {
            let mut paused = self
                .shared
                .paused_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match *paused {
                Some(current) if current >= until => return,
                _ => *paused = Some(until),
            }
        }
        self.shared.pause_changed.notify_waiters();
    }

    /// The pause in force, if any.
    pub fn paused_until(&self) -> Option<Instant> {
        *self
            .shared
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// None when a request may go now, else when the oldest send stops counting.
    fn slot_free_at(&self, sent: &mut VecDeque<Instant>, now: Instant) -> Option<Instant> {
        let pace = self.shared.pace?;
        let span = pace.window + pace.slack();
        while let Some(&first) = sent.front() {
            if first + span <= now {
                sent.pop_front();
            } else {
                break;
            }
        }
        if sent.len() < pace.allowed() as usize {
            None
        } else {
            sent.front().map(|&first| first + span)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_n_per_s_and_off() {
        assert_eq!(Pace::parse("150/5").unwrap(), Some(Pace::IO_DEFAULT));
        assert_eq!(
            Pace::parse(" 20 / 1 ").unwrap(),
            Some(Pace {
                limit: 20,
                window: Duration::from_secs(1)
            })
        );
        assert_eq!(
            Pace::parse("10/0.5").unwrap().unwrap().window,
            Duration::from_millis(500)
        );
        assert_eq!(Pace::parse("0").unwrap(), None);
        assert_eq!(Pace::parse("off").unwrap(), None);
        assert_eq!(Pace::parse("OFF").unwrap(), None);
    }

    #[test]
    fn parse_refuses_nonsense_in_italian() {
        for bad in [
            "", "150", "150/", "/5", "0/5", "-1/5", "150/0", "150/-5", "abc/5", "150/x", "150/inf",
            "150/NaN", "1.5/5", "150/5/1", "150/4000",
        ] {
            let err = Pace::parse(bad).unwrap_err();
            assert!(
                err.to_string().contains("ALLOGGI_IO_RATE non valido"),
                "{bad}"
            );
            assert!(err.to_string().contains("150/5"), "{bad}");
        }
    }

    #[test]
    fn allowed_stays_under_the_limit() {
        for limit in 1..=1000u32 {
            let pace = Pace {
                limit,
                window: Duration::from_secs(1),
            };
            let allowed = pace.allowed();
            assert!(allowed >= 1);
            assert!(allowed < limit || limit == 1, "{limit}");
            assert!(
                allowed * 100 >= limit * 95 || limit < 20,
                "{limit} → {allowed}"
            );
        }
        assert_eq!(Pace::IO_DEFAULT.allowed(), 145);
        assert_eq!(Pace::IO_DEFAULT.slack(), Duration::from_millis(50));
    }

    #[test]
    fn sustained_rate_is_at_least_95_percent_for_io_limits() {
        for text in ["150/5", "250/5", "300/10", "600/10"] {
            let pace = Pace::parse(text).unwrap().unwrap();
            let server_rate = f64::from(pace.limit) / pace.window.as_secs_f64();
            assert!(pace.sustained_rate() >= 0.95 * server_rate, "{text}");
        }
    }

    /// Greatest number of stamps in any half-open window `[t, t + window)`.
    fn max_in_window(stamps: &[Instant], window: Duration) -> usize {
        let mut best = 0;
        let mut start = 0;
        for end in 0..stamps.len() {
            while stamps[end] >= stamps[start] + window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    #[tokio::test(start_paused = true)]
    async fn sustained_sending_stays_under_the_limit_at_full_speed() {
        let pace = Pace::IO_DEFAULT;
        let pacer = Pacer::new(Some(pace));
        let begin = Instant::now();
        let stamps = Arc::new(StdMutex::new(Vec::new()));
        // Ten full windows, and one more request that opens the eleventh.
        let total = 145 * 10 + 1;
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (pacer, stamps, next) = (pacer.clone(), stamps.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                    pacer.wait_turn().await;
                    stamps.lock().unwrap().push(Instant::now());
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let mut stamps = stamps.lock().unwrap().clone();
        stamps.sort();
        assert_eq!(stamps.len(), total);
        // Even a window stretched by the slack holds fewer than the server's limit.
        assert!(max_in_window(&stamps, pace.window + pace.slack()) < pace.limit as usize);
        let elapsed = Instant::now() - begin;
        assert_eq!(elapsed, (pace.window + pace.slack()) * 10);
        let achieved = (total - 1) as f64 / elapsed.as_secs_f64();
        let server_rate = f64::from(pace.limit) / pace.window.as_secs_f64();
        assert!(achieved >= 0.95 * server_rate, "{achieved} req/s");
    }

    #[tokio::test(start_paused = true)]
    async fn irregular_sending_stays_under_the_limit() {
        let pace = Pace {
            limit: 20,
            window: Duration::from_secs(1),
        };
        let pacer = Pacer::new(Some(pace));
        let mut stamps = Vec::new();
        for i in 0..400u64 {
            pacer.wait_turn().await;
            stamps.push(Instant::now());
            // Bursts and gaps of varying length, as replies come back.
            tokio::time::sleep(Duration::from_millis((i * 37) % 90)).await;
        }
        assert!(max_in_window(&stamps, pace.window + pace.slack()) < 20);
        assert_eq!(max_in_window(&stamps, pace.window), 19);
    }

    #[tokio::test(start_paused = true)]
    async fn pause_holds_every_caller() {
        let pacer = Pacer::new(Some(Pace {
            limit: 100,
            window: Duration::from_secs(1),
        }));
        let begin = Instant::now();
        pacer.pause_until(begin + Duration::from_secs(7));
        // An earlier pause does not shorten it.
        pacer.pause_until(begin + Duration::from_secs(2));
        let mut tasks = Vec::new();
        for _ in 0..5 {
            let pacer = pacer.clone();
            tasks.push(tokio::spawn(async move {
                pacer.wait_turn().await;
                Instant::now()
            }));
        }
        for task in tasks {
            let at = task.await.unwrap();
            assert_eq!(at - begin, Duration::from_secs(7));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn pause_set_while_waiting_is_honoured() {
        let pacer = Pacer::new(Some(Pace {
            limit: 2,
            window: Duration::from_secs(1),
        }));
        let begin = Instant::now();
        pacer.wait_turn().await; // allowed() == 1: the next one waits a second
        let waiter = {
            let pacer = pacer.clone();
            tokio::spawn(async move {
                pacer.wait_turn().await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        pacer.pause_until(begin + Duration::from_secs(3));
        let at = waiter.await.unwrap();
        assert_eq!(at - begin, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn no_pace_means_no_wait_but_pause_still_applies() {
        let pacer = Pacer::new(None);
        let begin = Instant::now();
        for _ in 0..10_000 {
            pacer.wait_turn().await;
        }
        assert_eq!(Instant::now(), begin);
        pacer.pause_until(begin + Duration::from_secs(4));
        pacer.wait_turn().await;
        assert_eq!(Instant::now() - begin, Duration::from_secs(4));
    }
}
