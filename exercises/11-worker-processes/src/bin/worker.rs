//! The worker process: `worker` reads jobs on stdin and answers on stdout until stdin closes.
//! Nothing here needs changing: the work is in `run_jobs`, in the parent.

use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    match worker_processes::serve(io::stdin().lock(), io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("worker {}: {error}", std::process::id());
            ExitCode::FAILURE
        }
    }
}
