//! The `stance` command line: parses arguments and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    stance::memory::keep_freed_memory();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line: the context chain joined, as ripgrep does. candle appends a backtrace to
            // its messages when RUST_BACKTRACE is set; only each message's first line is kept.
            let message: Vec<String> = error
                .chain()
                .map(|cause| {
                    let text = cause.to_string();
                    text.lines().next().unwrap_or_default().trim().to_string()
                })
                .collect();
            eprintln!("stance: error: {}", message.join(": "));
            ExitCode::FAILURE
        }
    }
}
