//! Just enough HTML for the notes' cells, which the extraction left with
//! most closing tags missing: a forgiving tokenizer and tree builder that
//! never fails and keeps every character of text.

/// Elements nested deeper than this are read as their text only.
const MAX_NESTING: usize = 64;

/// The tags the cells use, and their near kin; any other `<…>` is text.
const KNOWN: &str = "a abbr b blockquote br caption cite code del div em font h1 h2 h3 h4 h5 h6 \
                     hr i img ins li mark ol p s small span strong sub sup table td th tr u ul";

pub(super) enum Node {
    Text(String),
    Element(Element),
}

pub(super) struct Element {
    pub(super) name: String,
    href: Option<String>,
    pub(super) children: Vec<Node>,
    /// Whether the source had the closing tag.
    pub(super) closed: bool,
}

impl Element {
    fn new(name: String, href: Option<String>) -> Element {
        Element {
            name,
            href,
            children: Vec::new(),
            closed: false,
        }
    }

    /// The link's address, when the text does not already show it.
    pub(super) fn shown_href(&self) -> Option<&str> {
        let href = self.href.as_deref()?.trim();
        let absolute = ["http://", "https://", "mailto:"]
            .iter()
            .any(|s| href.starts_with(s));
        let text = self.text();
        let shown = text.contains(href.trim_start_matches("mailto:"));
        (absolute && !shown).then_some(href)
    }

    fn text(&self) -> String {
        let mut text = String::new();
        for child in &self.children {
            match child {
                Node::Text(part) => text.push_str(part),
                Node::Element(element) => text.push_str(&element.text()),
            }
        }
        text
    }
}

pub(super) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div" | "blockquote" | "table" | "tr" | "td" | "th" | "caption" | "hr"
    ) || (name.len() == 2 && name.starts_with('h'))
}

enum Token {
    Open(String, Option<String>),
    Close(String),
    Text(String),
}

/// The top-level nodes of a fragment.
pub(super) fn parse(fragment: &str) -> Vec<Node> {
    let mut stack = vec![Element::new(String::new(), None)];
    for token in tokenize(fragment) {
        match token {
            Token::Text(text) => push(&mut stack, Node::Text(text)),
            Token::Open(name, href) => open(&mut stack, name, href),
            Token::Close(name) => match stack.iter().rposition(|e| e.name == name) {
                Some(at) if at > 0 => {
                    while stack.len() > at + 1 {
                        pop(&mut stack, false);
                    }
                    pop(&mut stack, true);
                }
                // A stray closing block tag still parts the text, as a
                // browser shows it.
                _ if is_block(&name) || matches!(name.as_str(), "ul" | "ol" | "li") => {
                    open(&mut stack, "br".to_string(), None)
                }
                _ => {}
            },
        }
    }
    while stack.len() > 1 {
        pop(&mut stack, false);
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

fn open(stack: &mut Vec<Element>, name: String, href: Option<String>) {
    if stack.last().is_some_and(|e| e.name == "p")
        && (is_block(&name) || matches!(name.as_str(), "ul" | "ol" | "li"))
    {
        pop(stack, true);
    }
    if name == "li" {
        let li = stack.iter().rposition(|e| e.name == "li");
        let list = stack.iter().rposition(|e| e.name == "ul" || e.name == "ol");
        if let Some(li) = li.filter(|li| list.is_none_or(|list| *li > list)) {
            while stack.len() > li {
                pop(stack, true);
            }
        }
    }
    if matches!(name.as_str(), "br" | "hr" | "img") {
        let mut element = Element::new(name, href);
        element.closed = true;
        push(stack, Node::Element(element));
    } else if stack.len() < MAX_NESTING {
        stack.push(Element::new(name, href));
    }
}

fn push(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn pop(stack: &mut Vec<Element>, closed: bool) {
    if stack.len() > 1
        && let Some(mut element) = stack.pop()
    {
        element.closed = closed;
        push(stack, Node::Element(element));
    }
}

fn tokenize(fragment: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut rest = fragment;
    // Known up front, so that each unclosed `<!--` costs no search.
    let last_comment_end = fragment.rfind("-->");
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        let from = &rest[at..];
        let offset = fragment.len() - from.len();
        let comment_closes = last_comment_end.is_some_and(|end| end >= offset + 4);
        match read_tag(from, comment_closes) {
            Some((token, length)) => {
                if !text.is_empty() {
                    tokens.push(Token::Text(decode(&std::mem::take(&mut text))));
                }
                tokens.extend(token);
                rest = &from[length..];
            }
            None => {
                text.push('<');
                rest = &from[1..];
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        tokens.push(Token::Text(decode(&text)));
    }
    tokens
}

/// A tag (or comment) at the start of `from`, and its length; `None` when
/// the `<` is text, as in "fewer than <5".
fn read_tag(from: &str, comment_closes: bool) -> Option<(Option<Token>, usize)> {
    if let Some(comment) = from.strip_prefix("<!--") {
        return comment_closes
            .then(|| comment.find("-->"))
            .flatten()
            .map(|end| (None, end + 7));
    }
    let end = 1 + from[1..].find(['<', '>'])?;
    let inner = &from[1..end];
    if from[end..].starts_with('<') {
        return None;
    }
    if inner.starts_with('!') {
        return Some((None, end + 1));
    }
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(inner) => (true, inner),
        None => (false, inner),
    };
    let name_length = inner.len()
        - inner
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
            .len();
    let name = inner[..name_length].to_ascii_lowercase();
    let after = &inner[name_length..];
    let tag_like = after.is_empty() || after.starts_with(char::is_whitespace) || after.starts_with('/');
    if !KNOWN.split_whitespace().any(|known| known == name) || !tag_like {
        return None;
    }
    let token = if closing {
        Token::Close(name)
    } else {
        Token::Open(name, href(after))
    };
    Some((Some(token), end + 1))
}

fn href(attributes: &str) -> Option<String> {
    let lower = attributes.to_ascii_lowercase();
    let at = lower.find("href=")? + "href=".len();
    let value = &attributes[at..];
    let value = match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next()?,
        _ => value.split(|c: char| c.is_whitespace() || c == '>').next()?,
    };
    Some(decode(value))
}

/// Decodes character references; an `&` that starts none stays as text.
fn decode(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let reference = after.bytes().take(12).position(|byte| byte == b';');
        match reference.and_then(|end| Some((character(&after[..end])?, end))) {
            Some((c, end)) => {
                decoded.push(c);
                rest = &after[end + 1..];
            }
            None => {
                decoded.push('&');
                rest = after;
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

fn character(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "pound" => '£',
        "euro" => '€',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        _ => return None,
    };
    Some(c)
}
