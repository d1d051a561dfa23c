//! `motcua-bench`: the load harness behind `bench/load.sh` and the tables of
//! BENCHMARKS.md.
//!
//! `motcua-bench run` starts `motcua serve` on a loopback port over a
//! database made beforehand (`motcua demo generate`), starts this machine's
//! read ceiling beside it, measures the write ceiling on the same disk, then
//! drives each scenario at each connection count and prints one table: the
//! throughput, the latency percentiles, the errors, the server's memory, and
//! the ratio of each scenario to its ceiling measured in the same run.
//!
//! Load only goes to 127.0.0.1, and every phase is bounded in time and in
//! count.

mod ceiling;
mod drive;
mod http;
mod pdf;
mod scenarios;
mod server;
mod table;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::ceiling::{ReadCeiling, WriteCeiling};
use crate::drive::{Limits, Outcome, drive};
use crate::http::Http;
use crate::scenarios::{Scenario, Shared, Users};
use crate::server::Process;
use crate::table::{Phase, Results};

#[derive(Debug, Parser)]
#[command(
    name = "motcua-bench",
    version,
    about = "motcua's load harness (loopback only)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the read ceiling: a bare handler answering a small JSON on
    /// `GET /ceiling`, until stopped.
    CeilingRead {
        #[arg(long, default_value = "127.0.0.1:18481")]
        listen: SocketAddr,
    },
    /// Start `motcua serve`, measure the ceilings and the scenarios, and
    /// print the table.
    Run(Box<RunArgs>),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The `motcua` binary to start.
    #[arg(long)]
    motcua: PathBuf,
    /// A folder for the logs and the write ceiling's scratch files: put it
    /// on the same disk as the server's data.
    #[arg(long)]
    scratch: PathBuf,
    /// The loopback port of the server; the read ceiling takes the next.
    #[arg(long, default_value_t = 18480)]
    port: u16,
    /// Connection counts, each scenario measured at every one.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    connections: Vec<usize>,
    /// The longest a phase (one scenario at one connection count) lasts.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// The most operations a phase starts.
    #[arg(long, default_value_t = 100_000)]
    max_ops: u64,
    /// Only these scenarios (default: all; tracking and the action need
    /// the submissions).
    #[arg(long, value_enum, value_delimiter = ',')]
    scenarios: Vec<Scenario>,
    /// The six-month review's period.
    #[arg(long, default_value = "2026-H1")]
    period: String,
    /// The write ceiling commits to this PostgreSQL database (a scratch
    /// one) instead of a SQLite file in --scratch: use it when the server
    /// runs on PostgreSQL.
    #[arg(long)]
    ceiling_database_url: Option<String>,
    /// What the run measured, as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// A line naming the data (engine, dossiers) for the table's heading.
    #[arg(long, default_value = "")]
    label: String,
    /// Arguments of `motcua serve` after `--` (e.g. `--data DIR`); the
    /// bench adds `--listen`.
    #[arg(last = true)]
    serve: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("motcua-bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let done = runtime.block_on(async {
        match cli.command {
            Command::CeilingRead { listen } => ceiling::serve_read(listen).await,
            Command::Run(args) => run(*args).await,
        }
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("motcua-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: RunArgs) -> Result<(), String> {
    if args.connections.is_empty() || args.connections.contains(&0) {
        return Err("--connections: give one or more counts above 0".into());
    }
    if !(args.seconds > 0.0 && args.seconds <= 3600.0) {
        return Err("--seconds: give a duration between 0 and 3600".into());
    }
    std::fs::create_dir_all(&args.scratch)
        .map_err(|e| format!("{}: {e}", args.scratch.display()))?;
    let scenarios = if args.scenarios.is_empty() {
        Scenario::ALL.to_vec()
    } else {
        Scenario::ALL
            .into_iter()
            .filter(|s| args.scenarios.contains(s))
            .collect()
    };
    let duration = Duration::from_secs_f64(args.seconds);
    let limits = |connections: usize| Limits {
        connections,
        duration,
        max_ops: args.max_ops,
    };
    let widest = args.connections.iter().copied().max().unwrap_or(1);

    let ceiling_port = args.port.checked_add(1).ok_or("--port: too high")?;
    let me = std::env::current_exe().map_err(|e| format!("finding this program: {e}"))?;
    let read_ceiling = Process::start(
        &me,
        &[
            "ceiling-read".to_owned(),
            "--listen".to_owned(),
            format!("127.0.0.1:{ceiling_port}"),
        ],
        ceiling_port,
        ceiling::READ_PATH,
        &args.scratch.join("ceiling-read.log"),
    )
    .await?;
    let mut serve = vec![
        "serve".to_owned(),
        "--listen".to_owned(),
        format!("127.0.0.1:{}", args.port),
    ];
    serve.extend(args.serve.iter().cloned());
    let server = Process::start(
        &args.motcua,
        &serve,
        args.port,
        "/healthz",
        &args.scratch.join("server.log"),
    )
    .await?;
    let mut results = Results::new(&args.label, server.started_in, server.memory());

    let write_ceiling = Arc::new(
        WriteCeiling::open(
            &args.scratch.join("ceiling"),
            args.ceiling_database_url.as_deref(),
        )
        .await?,
    );
    let connections_to = |base: &str| (0..widest).map(|_| Http::new(base)).collect::<Vec<_>>();
    let read = Arc::new(ReadCeiling {
        connections: connections_to(&read_ceiling.base),
    });
    for &c in &args.connections {
        let outcome = drive(Arc::clone(&read), limits(c)).await?;
        results.ceiling(false, outcome);
        let outcome = drive(Arc::clone(&write_ceiling), limits(c)).await?;
        results.ceiling(true, outcome);
    }
    write_ceiling.close().await;
    read_ceiling.stop();

    let users = Arc::new(Users::sign_in(&Http::new(&server.base), &args.period).await?);
    for scenario in scenarios {
        let shared = Arc::new(Shared {
            scenario,
            users: Arc::clone(&users),
            connections: connections_to(&server.base),
        });
        let mut phases_left = args.connections.len() as u64;
        for &c in &args.connections {
            let mut limit = limits(c);
            if scenario == Scenario::Action {
                // Each dossier is accepted once: share what the submissions
                // made between the connection counts.
                limit.max_ops = limit.max_ops.min(users.waiting() as u64 / phases_left);
            }
            phases_left -= 1;
            // On stderr, so a profiler can be attached to the phase it wants.
            eprintln!("{} at {c} connections", scenario.name());
            let outcome: Outcome = drive(Arc::clone(&shared), limit).await?;
            results.phase(Phase {
                scenario,
                outcome,
                memory: server.memory(),
            });
        }
    }
    results.finish(server.memory(), users.submitted());
    server.stop();

    print!("{}", results.markdown());
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(failed) = results.first_failure() {
        return Err(failed);
    }
    Ok(())
}
