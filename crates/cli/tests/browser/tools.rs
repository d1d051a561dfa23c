//! What the browser test needs from the machine: Chromium, a chromedriver
//! of the same major version, and axe-core 4.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

pub struct Tools {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
    /// The source of `axe.min.js`, injected into every page checked.
    pub axe_source: String,
}

/// Whether a missing tool is a failure rather than a reason to skip.
pub fn required() -> bool {
    env::var_os("MOTCUA_REQUIRE_BROWSER").is_some_and(|v| !v.is_empty())
}

/// The tools, or what is missing, in words.
pub fn find() -> Result<Tools, String> {
    let chromium = program("MOTCUA_CHROMIUM", &["chromium", "chromium-browser"])
        .ok_or("Chromium (`apt-get install chromium`)")?;
    let chromedriver = program("MOTCUA_CHROMEDRIVER", &["chromedriver"])
        .ok_or("chromedriver (`apt-get install chromium-driver`)")?;
    let browser_major = major_version(&chromium)?;
    let driver_major = major_version(&chromedriver)?;
    if browser_major != driver_major {
        return Err(format!(
            "a chromedriver for Chromium {browser_major} ({} is for {driver_major})",
            chromedriver.display()
        ));
    }
    let axe_path = env::var_os("MOTCUA_AXE_JS")
        .filter(|v| !v.is_empty())
        .ok_or("axe-core's axe.min.js, its path in MOTCUA_AXE_JS")?;
    let axe_source = std::fs::read_to_string(&axe_path)
        .map_err(|e| format!("a readable MOTCUA_AXE_JS ({axe_path:?}: {e})"))?;
    if !axe_source.starts_with("/*! axe v4.") {
        return Err(format!(
            "axe-core 4.x in MOTCUA_AXE_JS ({axe_path:?} is something else)"
        ));
    }
    Ok(Tools {
        chromium,
        chromedriver,
        axe_source,
    })
}

/// `$VAR` if set, else the first of `names` on the PATH.
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = env::var_os(var).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let dirs = env::var_os("PATH")?;
    names.iter().find_map(|name| {
        env::split_paths(&dirs)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The major version `program --version` prints ("Chromium 156.0…",
/// "ChromeDriver 156.0…").
fn major_version(program: &Path) -> Result<String, String> {
    let out = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|e| format!("a working {} ({e})", program.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find(|word| word.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .and_then(|version| version.split('.').next())
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "a {} that prints its version (it printed {text:?})",
                program.display()
            )
        })
}

/// Headless Chromium as TEST-SERVICES.md runs it (as root, and kept from
/// reaching outside), with its own profile and Vietnamese preferred.
pub fn capabilities(chromium: &Path, profile: &Path) -> Map<String, Value> {
    let args = [
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        format!("--user-data-dir={}", profile.display()),
        "--window-size=1280,900".to_owned(),
        "--lang=vi".to_owned(),
    ];
    let caps = json!({
        "browserName": "chrome",
        "pageLoadStrategy": "normal",
        "timeouts": { "implicit": 0, "pageLoad": 30_000, "script": 60_000 },
        "goog:chromeOptions": {
            "binary": chromium,
            "args": args,
            "prefs": { "intl.accept_languages": "vi-VN,vi" },
        },
    });
    match caps {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
