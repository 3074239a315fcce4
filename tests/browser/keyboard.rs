//! Keyboard use: the skip link.

use fantoccini::key::Key;
use serde::Deserialize;

use crate::common::{Browser, RECORD_PAGE};

/// Where an element is, and whether it is inside the viewport.
#[derive(Debug, Deserialize)]
struct Placement {
    text: String,
    on_screen: bool,
}

const SKIP_LINK: &str = r#"
    const link = document.querySelector('a.skip-link');
    const r = link.getBoundingClientRect();
    return {
        text: link.innerText,
        on_screen: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
            && r.right <= window.innerWidth && r.bottom <= window.innerHeight
            && link.checkVisibility({ opacityProperty: true, visibilityProperty: true }),
    };
"#;

const FOCUSED: &str = r#"
    const el = document.activeElement;
    return el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + el.innerText.slice(0, 40) : '';
"#;

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn the_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main() {
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    browser.open(RECORD_PAGE).await;
    let hidden: Placement = browser.eval(SKIP_LINK).await;
    assert!(
        !hidden.on_screen,
        "the skip link is hidden until focused: {hidden:?}"
    );

    browser.press(Key::Tab).await;
    let focused: String = browser.eval(FOCUSED).await;
    assert_eq!(focused, "a Skip to main content", "the first Tab");
    let shown: Placement = browser.eval(SKIP_LINK).await;
    assert!(shown.on_screen, "the focused skip link is visible: {shown:?}");
    assert_eq!(shown.text, "Skip to main content");

    browser.press(Key::Enter).await;
    let focused: String = browser
        .eval("return document.activeElement.tagName.toLowerCase() + '#' + document.activeElement.id")
        .await;
    assert_eq!(focused, "main#main", "focus after following the skip link");
    browser.finish().await;
}

/// The focused element: its id (or tag), and whether it is in the main content.
const FOCUS_PLACE: &str = r#"
    const el = document.activeElement;
    return [el.id || el.tagName.toLowerCase() + ' ' + el.innerText.slice(0, 30), el.closest('main') !== null];
"#;

/// Where Tab stops on `path`, from the top, up to the first stop in main.
async fn tab_stops(browser: &Browser, path: &str) -> Vec<(String, bool)> {
    browser.open(path).await;
    let mut order: Vec<(String, bool)> = Vec::new();
    for _ in 0..20 {
        browser.press(Key::Tab).await;
        let place: (String, bool) = browser.eval(FOCUS_PLACE).await;
        let in_main = place.1;
        order.push(place);
        if in_main {
            break;
        }
    }
    order
}

#[tokio::test]
#[ignore = "needs Chromium: cargo test --test browser -- --ignored"]
async fn the_keyboard_reaches_the_skip_link_then_the_search_box_then_the_main_content() {
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    let order = tab_stops(&browser, "/meetings").await;
    let position = |id: &str| order.iter().position(|(focused, _)| focused == id);
    let skip = order.first().map(|(f, _)| f.as_str());
    assert_eq!(skip, Some("a Skip to main content"), "the first Tab: {order:?}");
    let search = position("site-search").unwrap_or_else(|| panic!("the search box is reached: {order:?}"));
    let main = order
        .iter()
        .position(|(_, in_main)| *in_main)
        .unwrap_or_else(|| panic!("main is reached: {order:?}"));
    assert!(
        search < main,
        "the search box comes before the main content: {order:?}"
    );

    // The home page's own search box is its one: the first stop in main,
    // with none in the header.
    let home = tab_stops(&browser, "/").await;
    assert_eq!(
        home.first().map(|(f, _)| f.as_str()),
        Some("a Skip to main content")
    );
    assert!(!home.iter().any(|(f, _)| f == "site-search"), "{home:?}");
    assert_eq!(
        home.last().map(|(f, in_main)| (f.as_str(), *in_main)),
        Some(("home-search", true)),
        "the first stop in main is its search box: {home:?}"
    );
    browser.finish().await;
}
