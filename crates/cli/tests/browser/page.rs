//! The browser as a person uses it: find things on the page (waiting for
//! them, never sleeping a fixed time), type, press buttons by their words,
//! and run axe-core on what is shown.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

/// How long anything may take to appear.
const PATIENCE: Duration = Duration::from_secs(20);

/// What went wrong, in words.
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

pub type Outcome<T = ()> = Result<T, Failure>;

/// Fails the journey with a message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err($crate::page::Failure(format!($($msg)+)));
        }
    };
}
pub(crate) use ensure;

/// The WCAG 2.0, 2.1 and 2.2 A and AA rules, by axe-core's tags.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations']
}).then(r => done({
  ok: true,
  passes: r.passes.length,
  incomplete: r.incomplete.map(v => v.id),
  violations: r.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    summary: v.nodes.length ? v.nodes[0].failureSummary : ''
  }))
})).catch(e => done({ ok: false, error: String(e) }));
"#;

/// One page's axe findings.
struct AxeResult {
    label: String,
    path: String,
    passes: u64,
    incomplete: Vec<String>,
    /// (impact, one line per violation with its first targets).
    violations: Vec<(String, String)>,
}

impl AxeResult {
    fn blocking(&self) -> impl Iterator<Item = &String> {
        self.violations
            .iter()
            .filter(|(impact, _)| impact == "serious" || impact == "critical")
            .map(|(_, line)| line)
    }
}

pub struct Page {
    client: Client,
    base: String,
    axe_source: String,
    step: Mutex<String>,
    axe: Mutex<Vec<AxeResult>>,
}

impl Page {
    pub fn new(client: Client, base: String, axe_source: String) -> Page {
        Page {
            client,
            base,
            axe_source,
            step: Mutex::new(String::from("starting")),
            axe: Mutex::new(Vec::new()),
        }
    }

    /// Names what the journey does now, for a failure's message.
    pub fn step(&self, what: &str) {
        eprintln!("browser: {what}");
        *self.step.lock().unwrap() = what.to_owned();
    }

    /// Where the journey stopped, for a failure's message: the step, the
    /// page's address and the first words it shows.
    pub async fn whereabouts(&self) -> String {
        let step = self.step.lock().unwrap().clone();
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let shown = self
            .client
            .execute(
                "const m = document.querySelector('main'); return (m || document.body).innerText;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(|s| s.chars().take(1500).collect::<String>()))
            .unwrap_or_default();
        format!("while {step}, at {url}\n--- the page shows ---\n{shown}")
    }

    pub async fn goto(&self, path: &str) -> Outcome {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The address's path and query.
    pub async fn path(&self) -> Outcome<String> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Waits up to [`PATIENCE`] for `check` to hold; `check`'s errors (a
    /// page still loading) count as "not yet".
    pub async fn wait_for<F, Fut>(&self, what: &str, mut check: F) -> Outcome
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Outcome<bool>>,
    {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < PATIENCE {
            match check().await {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => last = e.0,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(Failure(format!("waited {PATIENCE:?} for {what} {last}")))
    }

    async fn wait_element(&self, locator: Locator<'_>, what: &str) -> Outcome<Element> {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(locator)
            .await
        {
            Ok(element) => Ok(element),
            Err(e) => Err(Failure(format!("no {what} ({e})"))),
        }
    }

    /// The element `css` selects, once it is there.
    pub async fn find(&self, css: &str) -> Outcome<Element> {
        self.wait_element(Locator::Css(css), css).await
    }

    /// The elements `css` selects now (none is not an error).
    pub async fn find_all(&self, css: &str) -> Outcome<Vec<Element>> {
        Ok(self.client.find_all(Locator::Css(css)).await?)
    }

    /// The button that says exactly `words`, under `within` (an XPath).
    pub async fn button(&self, within: &str, words: &str) -> Outcome<Element> {
        let xpath = format!("{within}//button[normalize-space()='{words}']");
        self.wait_element(Locator::XPath(&xpath), &format!("button “{words}”"))
            .await
    }

    /// The `<summary>` that says exactly `words`: a closed `<details>` is
    /// opened by clicking it, as a person does.
    pub async fn find_summary(&self, words: &str) -> Outcome<Element> {
        let xpath = format!("//summary[normalize-space()='{words}']");
        self.wait_element(Locator::XPath(&xpath), &format!("summary “{words}”"))
            .await
    }

    /// The visible text of the element `css` selects.
    pub async fn text(&self, css: &str) -> Outcome<String> {
        Ok(self.find(css).await?.text().await?)
    }

    /// Empties the input with `id` and types `words` into it.
    pub async fn type_into(&self, id: &str, words: &str) -> Outcome {
        let input = self.find(&format!("#{id}")).await?;
        input.clear().await?;
        input.send_keys(words).await?;
        let typed = input.prop("value").await?.unwrap_or_default();
        ensure!(
            typed == words,
            "typed {words:?} into #{id}, it holds {typed:?}"
        );
        Ok(())
    }

    /// Clicks `element` and waits until a new page has loaded in its place.
    pub async fn click_to_load(&self, element: &Element) -> Outcome {
        self.client
            .execute("window.__motcua_old_page = true;", vec![])
            .await?;
        element.click().await?;
        self.wait_for("the next page", || async {
            let v = self
                .client
                .execute(
                    "return !window.__motcua_old_page && document.readyState === 'complete';",
                    vec![],
                )
                .await?;
            Ok(v == Value::Bool(true))
        })
        .await
    }

    /// Presses the button that says `words` (anywhere on the page) and waits
    /// for the page it leads to.
    pub async fn press(&self, words: &str) -> Outcome {
        let button = self.button("", words).await?;
        self.click_to_load(&button).await
    }

    /// Follows the link `css` selects.
    pub async fn follow(&self, css: &str) -> Outcome {
        let link = self.find(css).await?;
        self.click_to_load(&link).await
    }

    /// Runs `script` (a function body) in the page.
    pub async fn script(&self, script: &str) -> Outcome<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Presses one key, as on a keyboard (to whatever has the focus).
    pub async fn key(&self, key: Key) -> Outcome {
        let value: char = key.into();
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client.perform_actions(keys).await?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// What has the keyboard focus: tag, id, class, href and words.
    pub async fn focused(&self) -> Outcome<Value> {
        self.script(
            "const a = document.activeElement; \
             return { tag: a.tagName.toLowerCase(), id: a.id, class: a.className, \
                      href: a.getAttribute('href'), text: (a.textContent || '').trim() };",
        )
        .await
    }

    /// Loads axe-core into the page unless it is there already.
    async fn inject_axe(&self) -> Outcome {
        let present = self.script("return typeof window.axe;").await?;
        if present != json!("object") {
            let injected = self
                .script(&format!("{}\n;return typeof window.axe;", self.axe_source))
                .await?;
            ensure!(
                injected == json!("object"),
                "axe-core did not load into the page ({injected})"
            );
        }
        Ok(())
    }

    /// Shows that axe sees problems on this page at all: an input without
    /// a label and grey-on-white text are added, must be reported as
    /// critical and serious, and are taken away again.
    pub async fn axe_canary(&self) -> Outcome {
        self.inject_axe().await?;
        self.script(
            "const box = document.createElement('div'); box.id = 'axe-canary'; \
             box.innerHTML = '<input type=\"text\"><p>Chữ xám nhạt trên nền trắng</p>'; \
             box.lastChild.style.color = '#c8c8c8'; \
             document.querySelector('main').appendChild(box);",
        )
        .await?;
        let result = self.client.execute_async(AXE_RUN, vec![]).await?;
        self.script("document.getElementById('axe-canary').remove();")
            .await?;
        let seen: Vec<(String, String)> = result["violations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|v| {
                v["targets"].as_array().is_some_and(|t| {
                    t.iter()
                        .any(|t| t.as_str().is_some_and(|t| t.contains("#axe-canary")))
                })
            })
            .map(|v| {
                (
                    v["id"].as_str().unwrap_or_default().to_owned(),
                    v["impact"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        for (rule, impact) in [("label", "critical"), ("color-contrast", "serious")] {
            ensure!(
                seen.iter().any(|(r, i)| r == rule && i == impact),
                "axe-core missed a planted {rule} problem ({impact}); it reported {seen:?} in {result}"
            );
        }
        Ok(())
    }

    /// Runs axe-core on the page as shown and keeps its findings under
    /// `label`; [`Page::axe_verdict`] judges them all at the end.
    pub async fn axe(&self, label: &str) -> Outcome {
        self.inject_axe().await?;
        let result = self.client.execute_async(AXE_RUN, vec![]).await?;
        if result["ok"] != json!(true) {
            return Err(Failure(format!(
                "axe.run failed on {label}: {}",
                result["error"]
            )));
        }
        let violations = result["violations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|v| {
                let impact = v["impact"].as_str().unwrap_or("unknown").to_owned();
                let targets: Vec<&str> = v["targets"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                let line = format!(
                    "{} [{impact}] {} — {} element(s), e.g. {}\n      {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or(""),
                    v["nodes"],
                    targets.join(" | "),
                    v["summary"]
                        .as_str()
                        .unwrap_or("")
                        .replace('\n', "\n      "),
                );
                (impact, line)
            })
            .collect();
        let incomplete = result["incomplete"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let found = AxeResult {
            label: label.to_owned(),
            path: self.path().await?,
            passes: result["passes"].as_u64().unwrap_or(0),
            incomplete,
            violations,
        };
        self.axe.lock().unwrap().push(found);
        Ok(())
    }

    /// Every page's axe findings, one paragraph each.
    pub fn axe_report(&self) -> String {
        let results = self.axe.lock().unwrap();
        let mut out = String::new();
        for r in results.iter() {
            out.push_str(&format!(
                "axe: {} ({}): {} rules passed, {} violated",
                r.label,
                r.path,
                r.passes,
                r.violations.len()
            ));
            if !r.incomplete.is_empty() {
                out.push_str(&format!(", to review by hand: {}", r.incomplete.join(", ")));
            }
            out.push('\n');
            for (_, line) in &r.violations {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    }

    /// Fails when axe found a serious or critical violation on any page.
    pub fn axe_verdict(&self) -> Outcome {
        let results = self.axe.lock().unwrap();
        let mut blocking = String::new();
        for r in results.iter() {
            for line in r.blocking() {
                blocking.push_str(&format!("  {} ({}): {line}\n", r.label, r.path));
            }
        }
        ensure!(
            blocking.is_empty(),
            "axe-core found serious or critical accessibility problems:\n{blocking}"
        );
        ensure!(!results.is_empty(), "axe-core checked no page");
        Ok(())
    }
}
