//! Progress bars on standard error: drawn only on a terminal and never with `--quiet`, so logs
//! and pipes stay clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Whether progress bars may be drawn.
pub fn visible(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar of `total` items with `unit` ("steps", "examples"), hidden when not `visible`.
pub fn bar(total: u64, unit: &str, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!(
        "{{prefix}} [{{bar:30.cyan/blue}}] {{pos}}/{{len}} {unit} {{msg}} ({{per_sec}}, ETA {{eta}})"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// What a long command says as it goes: a bar once the work is sized, lines printed above it (or
/// plainly when there is no bar), nothing with `--quiet`.
pub struct Narrator {
    /// The bar, once started.
    pub bar: Option<ProgressBar>,
    quiet: bool,
    show_bar: bool,
}

impl Narrator {
    /// A narrator for a command run with or without `--quiet`.
    pub fn new(quiet: bool) -> Self {
        Narrator {
            bar: None,
            quiet,
            show_bar: visible(quiet),
        }
    }

    /// Starts the bar over `total` items of `unit`, labelled `prefix`.
    pub fn start(&mut self, total: u64, unit: &str, prefix: &'static str) -> &ProgressBar {
        let bar = bar(total, unit, self.show_bar);
        bar.set_prefix(prefix);
        self.bar.insert(bar)
    }

    /// Prints `line` (unless quiet), above the bar if there is one.
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) if self.show_bar => bar.println(line),
            _ => eprintln!("{line}"),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
