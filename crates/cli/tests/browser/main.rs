//! The citizen portal in a real browser: the built `motcua serve --demo`,
//! a chromedriver this test starts, and headless Chromium (Debian's, never
//! a downloaded one), driven like a person from registering to tracking the
//! dossier — and then as the demo officials who take that dossier from
//! reception to return in the back office, and a level-4 dossier whose
//! fee the citizen pays in the sandbox gateway and gets a receipt for, and
//! one whose papers the post collects and hands over on a record, and the
//! public statistics and the review they make —
//! with axe-core's WCAG 2.x A/AA rules run on every page visited.
//!
//! Needs `chromium`, `chromedriver` and axe-core's `axe.min.js` (its path in
//! `MOTCUA_AXE_JS`). Without them the test says why and passes, unless
//! `MOTCUA_REQUIRE_BROWSER` is set (as `.ci/run` does), when it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod journey;
mod page;
mod payment;
mod post;
mod processes;
mod statistics;
mod tools;

use std::time::Instant;

use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;

use page::Page;
use processes::{Chromedriver, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_registers_applies_and_tracks_in_a_real_browser() {
    let tools = match tools::find() {
        Ok(tools) => tools,
        Err(missing) if !tools::required() => {
            eprintln!(
                "SKIPPED: the browser test needs {missing}. \
                 Run `eval \"$(.ci/browser-test-deps.sh)\"` first, or set \
                 MOTCUA_REQUIRE_BROWSER=1 to make this a failure."
            );
            return;
        }
        Err(missing) => panic!("MOTCUA_REQUIRE_BROWSER is set but the test needs {missing}"),
    };
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();

    // Both processes are stopped by their guards' Drop, even on a panic.
    let server = Server::start(tmp.path());
    let driver = Chromedriver::start(&tools.chromedriver, tmp.path());
    let capabilities = tools::capabilities(&tools.chromium, &tmp.path().join("profile"));
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "no browser session from chromedriver: {e}\n{}",
                driver.log_tail()
            )
        });

    let page = Page::new(client.clone(), server.url(), tools.axe_source);
    let outcome = journey::run(&page, tmp.path()).await;
    let report = page.axe_report();
    let whereabouts = match &outcome {
        Ok(()) => String::new(),
        Err(_) => page.whereabouts().await,
    };
    // The session ends before the guards stop chromedriver and the server.
    let _ = client.close().await;

    if let Err(failure) = outcome {
        panic!(
            "{failure}\n{whereabouts}\n\naxe so far:\n{report}\n--- server log (end) ---\n{}\n--- chromedriver log (end) ---\n{}",
            server.log_tail(),
            driver.log_tail()
        );
    }
    eprintln!("{report}");
    eprintln!(
        "browser journey passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    drop(driver);
    drop(server);
}
