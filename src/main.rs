//! The `stance` command line: parses arguments and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line: the context chain joined, as ripgrep does.
            eprintln!("stance: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
