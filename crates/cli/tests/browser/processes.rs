//! The two processes the test starts, each stopped by its guard's Drop:
//! the built `motcua serve --demo` and chromedriver (with the Chromium it
//! launches, in chromedriver's own process group).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The last lines of a log file, for a failure's message.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Sends `signal` to a process (`-PGID` for a whole group); errors ignored
/// (it may have gone already).
fn signal(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Whether `pid` has ended (a zombie not yet reaped counts as ended).
fn has_ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // "pid (comm) S …": the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

fn wait_until_ended(pid: u32, limit: Duration) {
    let start = Instant::now();
    while !has_ended(pid) && start.elapsed() < limit {
        thread::sleep(Duration::from_millis(50));
    }
}

/// `motcua serve --demo` on a free loopback port, its data in `DIR/data`.
pub struct Server {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        let log = dir.join("server.log");
        // Dossiers that entered yesterday: the statistics count whole days
        // to the end of yesterday, and yesterday is in the period the
        // dashboard opens on (the running quarter, or the one before on a
        // quarter's first day).
        let yesterday = motcua_domain::calendar::to_local(chrono::Utc::now())
            .date()
            .pred_opt()
            .unwrap()
            .format("%Y-%m-%d")
            .to_string();
        let generated = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .current_dir(dir)
            .args([
                "demo",
                "generate",
                "--dossiers",
                "12",
                "--from",
                &yesterday,
                "--to",
                &yesterday,
            ])
            .arg("--data")
            .arg(dir.join("data"))
            .env_remove("MOTCUA_DATABASE_URL")
            .env_remove("MOTCUA_BLOBS")
            .output()
            .unwrap();
        assert!(generated.status.success(), "{generated:?}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .current_dir(dir)
            .args(["--lang", "vi", "serve", "--demo", "--listen", "127.0.0.1:0"])
            .arg("--data")
            .arg(dir.join("data"))
            .env_remove("MOTCUA_DATABASE_URL")
            .env_remove("MOTCUA_BLOBS")
            .env_remove("MOTCUA_LISTEN")
            .env_remove("MOTCUA_LANG")
            .env_remove("MOTCUA_SMTP_URL")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        // The first line ends with the URL, whatever the language.
        let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "motcua serve printed no address; its log:\n{}",
                tail(&log, 40)
            );
        };
        let url = line
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        Server { child, url, log }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn log_tail(&self) -> String {
        tail(&self.log, 30)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        signal("-TERM", &self.child.id().to_string());
        wait_until_ended(self.child.id(), Duration::from_secs(10));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver on a free loopback port, in a process group of its own so
/// that the Chromium it starts can be stopped with it.
pub struct Chromedriver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Chromedriver {
    pub fn start(program: &Path, dir: &Path) -> Chromedriver {
        let log = dir.join("chromedriver.log");
        // A port found free can be taken before chromedriver binds it: try
        // again with another.
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .unwrap()
                .port();
            let child = Command::new(program)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(File::create(&log).unwrap())
                .stderr(Stdio::from(
                    File::options().append(true).open(&log).unwrap(),
                ))
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
            let mut driver = Chromedriver {
                child,
                port,
                log: log.clone(),
            };
            if driver.ready(Duration::from_secs(20)) {
                return driver;
            }
        }
        panic!("chromedriver did not start; its log:\n{}", tail(&log, 40));
    }

    /// Waits until it accepts connections; false if it ended or took too long.
    fn ready(&mut self, limit: Duration) -> bool {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let start = Instant::now();
        while start.elapsed() < limit {
            if has_ended(self.child.id()) {
                return false;
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return true;
            }
            thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_tail(&self) -> String {
        tail(&self.log, 30)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any Chromium left running. Until
        // chromedriver is reaped its pid, and so the group id, stays ours.
        let group = format!("-{}", self.child.id());
        signal("-TERM", &group);
        wait_until_ended(self.child.id(), Duration::from_secs(5));
        signal("-KILL", &group);
        let _ = self.child.wait();
    }
}
