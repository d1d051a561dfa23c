//! `motcua serve` end to end: the real binary on a free port, spoken to over
//! a raw TCP socket, stopped with SIGTERM.
#![allow(clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// `motcua --lang en serve ARGS` in `dir`, away from the caller's settings.
fn motcua(dir: &Path, args: &[&str]) -> Command {
    motcua_in("en", dir, args)
}

fn motcua_in(lang: &str, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.current_dir(dir)
        .args(["--lang", lang, "serve"])
        .args(args)
        .env_remove("MOTCUA_DATABASE_URL")
        .env_remove("MOTCUA_BLOBS")
        .env_remove("MOTCUA_LISTEN")
        .env_remove("MOTCUA_LANG")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A running server: its process, address and everything it logged so far.
struct Server {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

fn start(dir: &Path, args: &[&str]) -> Server {
    let mut child = motcua(dir, args).spawn().unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut err = child.stderr.take().unwrap();
    let sink = Arc::clone(&stderr);
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = err.read(&mut buf) {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("no address printed; stderr: {}", stderr.lock().unwrap())
        });
    // The URL is the last word of the line, whatever the language.
    let url = line.split_whitespace().last().unwrap();
    let addr = url.strip_prefix("http://").unwrap().parse().unwrap();
    Server {
        child,
        addr,
        stderr,
    }
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a command that should fail fast; its status and standard error.
fn run_to_end(mut cmd: Command) -> (ExitStatus, String) {
    let mut child = cmd.spawn().unwrap();
    let status = wait_for_exit(&mut child, Duration::from_secs(30));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}

fn http_get(addr: SocketAddr, path: &str, keep_alive: bool) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let connection = if keep_alive { "keep-alive" } else { "close" };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: {connection}\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    // Read until the JSON body is complete (the stream stays open on
    // keep-alive, so do not wait for its end).
    while !response.ends_with(b"}") {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    (stream, String::from_utf8(response).unwrap())
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got {stderr:?}");
    lines[0]
}

#[test]
fn serves_health_creates_the_data_folder_and_stops_cleanly_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = start(tmp.path(), &["--listen", "127.0.0.1:0", "--demo"]);

    let (_, response) = http_get(server.addr, "/healthz", false);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("application/json"), "{response}");
    assert!(response.contains(r#""status":"ok""#), "{response}");
    assert!(
        response.contains(&format!(r#""version":"{}""#, env!("CARGO_PKG_VERSION"))),
        "{response}"
    );

    // The default data folder, with the embedded database and blobs/.
    let data = tmp.path().join("motcua-data");
    assert!(data.join("motcua.sqlite3").is_file());
    assert!(data.join("blobs").is_dir());

    // An idle keep-alive connection must not hold the shutdown up.
    let (_idle, response) = http_get(server.addr, "/healthz", true);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    sigterm(&server.child);
    let status = wait_for_exit(&mut server.child, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    // Give the reader thread a moment to drain the last lines.
    thread::sleep(Duration::from_millis(100));
    let log = server.stderr.lock().unwrap().clone();
    assert_eq!(
        log.matches(
            "Demonstration data: 8 agencies added, 15 procedure versions loaded, 7 accounts added."
        )
        .count(),
        1,
        "{log}"
    );
    // Every line the server printed is worded: no key is missing.
    assert!(!log.contains("Unknown localization key"), "{log}");
    assert!(log.contains("Database: SQLite"), "{log}");
    assert!(log.contains("Server stopped"), "{log}");
}

#[test]
fn data_folder_is_where_data_says() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = start(
        tmp.path(),
        &["--listen", "127.0.0.1:0", "--data", "somewhere/else"],
    );
    assert!(tmp.path().join("somewhere/else/blobs").is_dir());
    sigterm(&server.child);
    assert!(wait_for_exit(&mut server.child, Duration::from_secs(10)).success());
}

#[test]
fn a_bad_database_url_is_one_line_and_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let (status, stderr) = run_to_end(motcua(
        tmp.path(),
        &["--database-url", "mysql://root:hunter2@db/motcua"],
    ));
    assert!(!status.success());
    let line = one_line(&stderr);
    assert!(line.contains("--database-url"), "{line}");
    assert!(line.contains("mysql"), "{line}");
    assert!(!line.contains("hunter2"), "{line}");
    assert!(!tmp.path().join("motcua-data").exists());
}

#[test]
fn an_unreachable_database_or_unusable_storage_is_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (status, stderr) = run_to_end(motcua(
        tmp.path(),
        &[
            "--database-url",
            "postgres://motcua:hunter2@127.0.0.1:1/motcua",
        ],
    ));
    assert!(!status.success());
    let line = one_line(&stderr);
    assert!(line.contains("cannot reach the database"), "{line}");
    assert!(!line.contains("hunter2"), "{line}");

    // S3 credentials come from the environment only.
    let mut cmd = motcua(
        tmp.path(),
        &["--blobs", "s3://bucket/prefix?endpoint=http://127.0.0.1:1"],
    );
    cmd.env_remove("MOTCUA_S3_ACCESS_KEY_ID")
        .env_remove("MOTCUA_S3_SECRET_ACCESS_KEY");
    let (status, stderr) = run_to_end(cmd);
    assert!(!status.success());
    assert!(
        one_line(&stderr).contains("MOTCUA_S3_ACCESS_KEY_ID"),
        "{stderr}"
    );

    let (status, stderr) = run_to_end(motcua(tmp.path(), &["--blobs", "ftp://x"]));
    assert!(!status.success());
    assert!(one_line(&stderr).contains("ftp"));
    assert!(!tmp.path().join("motcua-data").exists());
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (status, stderr) = run_to_end(motcua(tmp.path(), &["--listen", &addr]));
    assert!(!status.success());
    let line = one_line(&stderr);
    assert!(line.contains(&addr), "{line}");
    assert!(line.contains("already using"), "{line}");

    // And in Vietnamese, the default.
    let (status, stderr) = run_to_end(motcua_in("vi", tmp.path(), &["--listen", &addr]));
    assert!(!status.success());
    assert!(one_line(&stderr).contains("đang được một chương trình khác sử dụng"));
    drop(taken);
}

#[test]
fn every_demo_account_is_printed_with_its_role_in_both_languages() {
    for lang in motcua_i18n::Lang::ALL {
        for account in &motcua_app::demo::ACCOUNTS {
            let key = format!("serve-demo-role-{}", account.role);
            assert!(lang.has(&key), "{key} is missing in {lang:?}");
        }
    }
}
