//! One progress display for the jobs that can take seconds: a bar when the total is known, a
//! spinner when it is not. Drawn on standard error only when it is a terminal: a pipe, a log
//! file or cron get nothing. Counts are written the Italian way (1.204), times as 00:01:05.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::number::count;

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` things: `label [=====>    ] 120/300 domande 00:00:04`.
    pub fn bar(label: &str, total: usize) -> Progress {
        Progress::bar_on(target(interactive()), label, total)
    }

    /// A spinner with a label, for a job that reports no count.
    pub fn spinner(label: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, target(interactive()));
        if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix} {elapsed_precise}") {
            bar.set_style(style);
        }
        bar.set_prefix(label.to_string());
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Progress { bar }
    }

    fn bar_on(target: ProgressDrawTarget, label: &str, total: usize) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        if let Ok(style) =
            ProgressStyle::with_template("{prefix} [{bar:30}] {msg} {elapsed_precise}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(label.to_string());
        let progress = Progress { bar };
        progress.set(0, total);
        progress
    }

    /// `done` of `total`; the total may grow (a queue that fills while it is sent).
    pub fn set(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.bar
            .set_message(format!("{}/{}", count(done), count(total)));
    }
}

impl Drop for Progress {
    /// The display goes away when the job ends, whichever way: the report follows on a clean line.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// On this process's own terminal only: a forwarded command's progress is not drawn.
fn interactive() -> bool {
    !super::seam::is_remote() && std::io::stderr().is_terminal()
}

fn target(interactive: bool) -> ProgressDrawTarget {
    if interactive {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_drawn_off_a_terminal() {
        assert!(target(false).is_hidden());
    }

    #[test]
    fn the_bar_follows_the_job_in_italian_figures() {
        let progress = Progress::bar_on(ProgressDrawTarget::hidden(), "Invio", 1000);
        progress.set(250, 1204);
        assert_eq!(progress.bar.position(), 250);
        assert_eq!(progress.bar.length(), Some(1204));
        assert_eq!(progress.bar.message(), "250/1.204");
    }
}
