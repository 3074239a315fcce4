//! Browser tests: the real `scrutiny` binary, seen through headless Chromium.
//!
//! They need Debian's `chromium` and `chromium-driver` and axe-core
//! (`npm ci --prefix tests/browser`), so they are ignored by a plain
//! `cargo test`; `.ci/run` runs them every time, where a missing browser
//! fails them:
//!
//! ```sh
//! cargo test --test browser -- --ignored --test-threads=1
//! ```

mod accessibility;
mod axe;
mod common;
mod journey;
mod keyboard;
mod layout;
mod print;
mod screenshots;
mod staff;
