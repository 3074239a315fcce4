//! axe-core, injected into the page under test, for WCAG 2.2 AA checks.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::common::Browser;

/// The WCAG 2.2 A and AA rules (axe tags each rule with the level that added it).
const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// One failed rule and the elements that fail it.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<Node>,
}

/// An element that fails a rule.
#[derive(Debug, Deserialize)]
pub struct Node {
    /// CSS selectors leading to the element (through frames, if any).
    pub target: Vec<serde_json::Value>,
    #[serde(rename = "failureSummary")]
    pub failure_summary: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Results {
    violations: Vec<Violation>,
    /// Rules axe could not decide by itself (e.g. contrast over an image).
    incomplete: Vec<Violation>,
    /// How many rules passed: none means axe checked nothing.
    passed: usize,
}

/// axe.min.js, as `npm ci --prefix tests/browser` installs it.
fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed at {} ({e}): run `npm ci --prefix tests/browser`",
                path.display()
            )
        })
    })
}

/// Runs axe on the page open in `browser`; returns its WCAG violations.
pub async fn violations(browser: &Browser) -> Vec<Violation> {
    browser
        .client
        .execute(source(), vec![])
        .await
        .expect("axe-core is injected");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, {
            runOnly: { type: 'tag', values: arguments[0] },
            resultTypes: ['violations', 'incomplete'],
        }).then(
            (r) => done({ violations: r.violations, incomplete: r.incomplete, passed: r.passes.length }),
            (e) => done({ error: String(e) }),
        );
    "#;
    let value = browser
        .client
        .execute_async(script, vec![serde_json::json!(TAGS)])
        .await
        .expect("axe runs");
    if let Some(error) = value.get("error") {
        panic!("axe failed: {error}");
    }
    let results: Results = serde_json::from_value(value).expect("axe's results");
    assert!(results.passed > 0, "axe applied none of its rules");
    if !results.incomplete.is_empty() {
        let url: String = browser.eval("return location.pathname + location.search").await;
        for rule in &results.incomplete {
            eprintln!("note: axe could not decide {} on {url}: {}", rule.id, rule.help);
        }
    }
    results.violations
}

/// The violations as a list a person can act on.
pub fn report(violations: &[Violation]) -> String {
    let mut out = String::new();
    for v in violations {
        let impact = v.impact.as_deref().unwrap_or("unknown impact");
        let _ = writeln!(out, "  {} ({impact}): {}\n    {}", v.id, v.help, v.help_url);
        for node in &v.nodes {
            let target: Vec<String> = node
                .target
                .iter()
                .map(|t| t.as_str().map_or_else(|| t.to_string(), str::to_owned))
                .collect();
            let _ = writeln!(out, "    - {}", target.join(" >>> "));
            if let Some(summary) = &node.failure_summary {
                for line in summary.lines() {
                    let _ = writeln!(out, "        {line}");
                }
            }
        }
    }
    out
}
