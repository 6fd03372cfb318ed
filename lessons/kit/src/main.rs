//! `cargo run -p lesson-kit -- serve --port 8080`: the course's local server on its own, to poke
//! with curl or a browser while reading a lesson.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lesson_kit::{LocalServer, ServerConfig};

#[derive(Parser)]
#[command(about = "The course's local HTTP server and helpers")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the local HTTP server until Ctrl-C.
    Serve {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Answer 429 Too Many Requests above this many requests in flight.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        limit: Option<u64>,
        /// Threads to serve on.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=256))]
        threads: u64,
        /// HTTP/2: the most requests one connection may carry at once.
        #[arg(long, default_value_t = lesson_kit::server::DEFAULT_HTTP2_MAX_STREAMS,
              value_parser = clap::value_parser!(u32).range(1..))]
        http2_max_streams: u32,
    },
}

fn main() -> ExitCode {
    let Command::Serve {
        port,
        limit,
        threads,
        http2_max_streams,
    } = Cli::parse().command;
    let mut config = ServerConfig::default()
        .port(port)
        .threads(threads as usize)
        .http2_max_streams(http2_max_streams);
    if let Some(limit) = limit {
        config = config.concurrency_limit(limit as usize);
    }
    let server = match LocalServer::start(config) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot start the server: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Serving on {} (Ctrl-C to stop). Try:", server.url(""));
    for path in ["/delay/500", "/status/503", "/bytes/16", "/stats"] {
        println!("  curl -i {}", server.url(path));
    }
    println!(
        "HTTP/2 too, on the same port: curl -i --http2-prior-knowledge {}",
        server.url("/delay/500")
    );
    if let Some(limit) = limit {
        println!("Requests beyond {limit} in flight are answered 429 Too Many Requests.");
    }
    wait_for_ctrl_c();
    println!("\nStopped. {:?}", server.stats());
    ExitCode::SUCCESS
}

fn wait_for_ctrl_c() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    match runtime {
        // An error listening for Ctrl-C leaves nothing to wait for: stop serving.
        Ok(runtime) => {
            let _ = runtime.block_on(tokio::signal::ctrl_c());
        }
        Err(error) => eprintln!("error: cannot wait for Ctrl-C: {error}"),
    }
}
