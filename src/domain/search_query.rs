//! What a search asks for, read from the text typed in the search box:
//! words and "quoted phrases" to find (`or` between two finds either), and
//! the words and phrases with a minus before them, which no result may
//! contain anywhere. Any text reads as something; nothing is an error.
//!
//! The minus is read here rather than left to PostgreSQL's
//! `websearch_to_tsquery`, which binds it to the word before (`stalking or
//! harassment -training` there means "stalking, or harassment without
//! training") and takes a dash typed by a word processor or a phone (`–`,
//! `—`, `−`) as part of the word, so that the word was then required.

/// A search, as parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchQuery {
    terms: Vec<Term>,
}

/// One word or phrase of the query, in the order typed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    phrase: bool,
    excluded: bool,
}

/// Characters read as a minus before a word: the hyphen-minus and the dashes
/// and minus signs that keyboards and word processors put in its place.
fn is_minus(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    )
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{FF02}')
}

impl SearchQuery {
    /// Reads `text`.
    pub fn parse(text: &str) -> SearchQuery {
        let mut terms = Vec::new();
        let mut chars = text.chars().peekable();
        let mut excluded = false;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if is_minus(c) {
                // A minus (or several) before a word or phrase, with or
                // without a space after it.
                while chars.next_if(|&c| is_minus(c)).is_some() {}
                excluded = true;
            } else if is_quote(c) {
                chars.next();
                let text: String = chars.by_ref().take_while(|&c| !is_quote(c)).collect();
                if !text.trim().is_empty() {
                    terms.push(Term {
                        text: text.trim().to_owned(),
                        phrase: true,
                        excluded,
                    });
                }
                excluded = false;
            } else {
                let mut text = String::new();
                while let Some(c) = chars.next_if(|&c| !c.is_whitespace() && !is_quote(c)) {
                    text.push(c);
                }
                terms.push(Term {
                    text,
                    phrase: false,
                    excluded,
                });
                excluded = false;
            }
        }
        SearchQuery { terms }
    }

    /// What to find, as web search syntax: the words and phrases without
    /// a minus, `or` kept between them.
    pub fn words(&self) -> String {
        self.written(|t| !t.excluded, " ")
    }

    /// What no result may contain, as web search syntax: the words and
    /// phrases with a minus, joined by `or` (empty when there are none).
    pub fn excluded(&self) -> String {
        self.written(|t| t.excluded && !t.is_or(), " or ")
    }

    /// The words to find (not `or`, not the excluded ones), as typed.
    pub fn searched_words(&self) -> Vec<&str> {
        self.terms
            .iter()
            .filter(|t| !t.excluded && !t.is_or())
            .flat_map(|t| t.text.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// The query written out again, each word to find that `replace` gives
    /// a word for replaced by it (a word written with a capital keeps it).
    pub fn replaced(&self, replace: impl Fn(&str) -> Option<String>) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                let text = if t.excluded || t.is_or() {
                    t.text.clone()
                } else {
                    replace_words(&t.text, &replace)
                };
                let text = if t.phrase { format!("\"{text}\"") } else { text };
                if t.excluded { format!("-{text}") } else { text }
            })
            .collect();
        terms.join(" ")
    }

    fn written(&self, which: impl Fn(&Term) -> bool, between: &str) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .filter(|t| which(t))
            .map(|t| {
                if t.phrase {
                    format!("\"{}\"", t.text)
                } else {
                    t.text.clone()
                }
            })
            .collect();
        terms.join(between)
    }
}

impl Term {
    fn is_or(&self) -> bool {
        !self.phrase && self.text.eq_ignore_ascii_case("or")
    }
}

/// `text` with each run of letters and digits that `replace` has a word for
/// replaced.
fn replace_words(text: &str, replace: &impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            match replace(word) {
                Some(new) if word.starts_with(char::is_uppercase) => {
                    let mut chars = new.chars();
                    out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
                    out.extend(chars);
                }
                Some(new) => out.push_str(&new),
                None => out.push_str(word),
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minus_leaves_out_its_word_from_the_whole_query() {
        let q = SearchQuery::parse("stalking or harassment -training");
        assert_eq!(q.words(), "stalking or harassment");
        assert_eq!(q.excluded(), "training");
        let q = SearchQuery::parse("-\"action plan\" stalk - e-learning");
        assert_eq!(q.words(), "stalk");
        assert_eq!(q.excluded(), "\"action plan\" or e-learning");
    }

    #[test]
    fn dashes_from_word_processors_and_phones_are_a_minus() {
        for text in [
            "stalk –training",
            "stalk —training",
            "stalk −training",
            "stalk --training",
        ] {
            let q = SearchQuery::parse(text);
            assert_eq!(
                (q.words().as_str(), q.excluded().as_str()),
                ("stalk", "training"),
                "{text}"
            );
        }
        // A dash inside a word is part of it.
        assert_eq!(SearchQuery::parse("e-learning").words(), "e-learning");
    }

    #[test]
    fn quotes_of_any_kind_make_a_phrase_and_an_open_one_runs_to_the_end() {
        let q = SearchQuery::parse("“domestic abuse” \"stalking unit");
        assert_eq!(q.words(), "\"domestic abuse\" \"stalking unit\"");
        assert_eq!(q.searched_words(), ["domestic", "abuse", "stalking", "unit"]);
    }

    #[test]
    fn a_replaced_query_keeps_its_shape_and_capitals() {
        let q = SearchQuery::parse("Abstracton or \"stalkng unit\" -trainng, drones");
        let fixed = q.replaced(|w| match w.to_lowercase().as_str() {
            "abstracton" => Some("abstraction".into()),
            "stalkng" => Some("stalking".into()),
            "trainng" => Some("training".into()),
            _ => None,
        });
        assert_eq!(fixed, "Abstraction or \"stalking unit\" -trainng, drones");
    }
}
