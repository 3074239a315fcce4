//! One stored page: its body as rendered and pre-compressed (brotli and
//! gzip), its strong validators, and the response a request for it gets:
//! the encoding the client accepts best, or `304 Not Modified` when the
//! client already holds it.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{StatusCode, response::Parts};
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::Scope;

/// What the client said it can take, read from the request's headers.
#[derive(Debug, Default)]
pub(super) struct Wants {
    brotli: bool,
    gzip: bool,
    /// The `If-None-Match` header as sent.
    if_none_match: Option<HeaderValue>,
}

impl Wants {
    pub(super) fn of(headers: &HeaderMap) -> Wants {
        let mut wants = Wants {
            if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
            ..Wants::default()
        };
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for coding in value.split(',') {
                let mut parts = coding.split(';');
                let name = parts.next().unwrap_or_default().trim();
                // "br;q=0" refuses brotli; any other weight accepts it.
                let refused = parts.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if refused {
                    continue;
                }
                if name.eq_ignore_ascii_case("br") {
                    wants.brotli = true;
                } else if name.eq_ignore_ascii_case("gzip") || name == "*" {
                    wants.gzip = true;
                }
            }
        }
        wants
    }

    /// Whether `If-None-Match` names one of `etags` (or is `*`). The weak
    /// comparison, as RFC 9110 asks of `If-None-Match`.
    fn already_has(&self, etags: &[&HeaderValue]) -> bool {
        let Some(sent) = self.if_none_match.as_ref().and_then(|v| v.to_str().ok()) else {
            return false;
        };
        sent.split(',').map(str::trim).any(|tag| {
            tag == "*"
                || etags
                    .iter()
                    .filter_map(|e| e.to_str().ok())
                    .any(|e| tag.trim_start_matches("W/") == e)
        })
    }
}

/// One encoding of a page, with its own strong validator.
#[derive(Debug)]
struct Variant {
    body: Bytes,
    etag: HeaderValue,
}

/// A rendered page, as the cache keeps it.
#[derive(Debug)]
pub(super) struct Page {
    /// The cache's clock when its rendering began: it is stale if anything
    /// it shows changed after that.
    pub(super) stamp: u64,
    pub(super) scope: Scope,
    /// The handler's headers (type, disposition), without length or date.
    headers: HeaderMap,
    identity: Variant,
    brotli: Option<Variant>,
    gzip: Option<Variant>,
}

/// Media types worth compressing: text of any kind. Documents (PDF, Word,
/// images) are kept as they are.
fn compressible(headers: &HeaderMap) -> bool {
    let Some(kind) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    kind.starts_with("text/")
        || ["json", "xml", "csv", "calendar"]
            .iter()
            .any(|k| kind.contains(k))
}

impl Page {
    /// The page of a response the handler rendered: compresses it both
    /// ways (a CPU-bound step: callers run it off the async workers).
    pub(super) fn new(parts: Parts, body: Bytes, scope: Scope, stamp: u64) -> Page {
        let mut headers = parts.headers;
        for name in [header::CONTENT_LENGTH, header::DATE, header::TRANSFER_ENCODING] {
            headers.remove(name);
        }
        let hash = hex::encode(&Sha256::digest(&body)[..12]);
        let variant = |body: Bytes, suffix: &str| Variant {
            etag: HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
                .expect("a hex digest is a valid header value"),
            body,
        };
        let (brotli, gzip) = if compressible(&headers) {
            let smaller = |packed: Vec<u8>| (packed.len() < body.len()).then(|| Bytes::from(packed));
            (
                smaller(brotli_of(&body)).map(|b| variant(b, "-br")),
                smaller(gzip_of(&body)).map(|b| variant(b, "-gz")),
            )
        } else {
            (None, None)
        };
        Page {
            stamp,
            scope,
            headers,
            identity: variant(body, ""),
            brotli,
            gzip,
        }
    }

    /// Bytes held, for the cache's size bound.
    pub(super) fn weight(&self) -> usize {
        let variants = [Some(&self.identity), self.brotli.as_ref(), self.gzip.as_ref()];
        let bodies: usize = variants.iter().flatten().map(|v| v.body.len() + 40).sum();
        let headers: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 32)
            .sum();
        bodies + headers + 128
    }

    /// The response to a request that wants `wants`.
    pub(super) fn respond(&self, wants: &Wants) -> Response {
        let (variant, coding) = match (&self.brotli, &self.gzip) {
            (Some(br), _) if wants.brotli => (br, Some("br")),
            (_, Some(gz)) if wants.gzip => (gz, Some("gzip")),
            _ => (&self.identity, None),
        };
        let etags: Vec<&HeaderValue> = [Some(&self.identity), self.brotli.as_ref(), self.gzip.as_ref()]
            .into_iter()
            .flatten()
            .map(|v| &v.etag)
            .collect();
        let mut response = if wants.already_has(&etags) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let mut response = Response::new(Body::from(variant.body.clone()));
            response.headers_mut().clone_from(&self.headers);
            if let Some(coding) = coding {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, variant.etag.clone());
        // Revalidate every time: a withdrawal must not wait for a browser's
        // or a proxy's copy to expire.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        if self.brotli.is_some() || self.gzip.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        response.extensions_mut().insert(super::FromCache);
        response
    }
}

fn brotli_of(body: &[u8]) -> Vec<u8> {
    // Quality 9 of 11: within a few per cent of the smallest, several times
    // faster; a page is compressed once and served many times.
    let mut writer = brotli::CompressorWriter::new(Vec::with_capacity(body.len() / 4), 4096, 9, 22);
    writer.write_all(body).expect("writing to memory does not fail");
    writer.into_inner()
}

fn gzip_of(body: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::best());
    encoder.write_all(body).expect("writing to memory does not fail");
    encoder.finish().expect("writing to memory does not fail")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Response as HttpResponse;
    use std::io::Read;

    fn page(kind: &str, body: &str) -> Page {
        let (mut parts, ()) = HttpResponse::new(()).into_parts();
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_str(kind).unwrap());
        Page::new(parts, Bytes::from(body.to_owned()), Scope::Archive, 1)
    }

    fn wants(accept: &str, if_none_match: Option<&str>) -> Wants {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        if let Some(tag) = if_none_match {
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
        }
        Wants::of(&headers)
    }

    async fn body(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    const HTML: &str = "<p>Stalking: the Force's response to stalking, and to stalking again.</p>";

    #[tokio::test]
    async fn each_client_gets_the_best_encoding_it_accepts_and_the_same_text() {
        let page = page("text/html; charset=utf-8", &HTML.repeat(20));
        let br = page.respond(&wants("gzip, deflate, br", None));
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        let mut text = String::new();
        brotli::Decompressor::new(&body(br).await[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, HTML.repeat(20));

        let gz = page.respond(&wants("gzip;q=0.8, br;q=0", None));
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&body(gz).await[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, HTML.repeat(20));

        let plain = page.respond(&wants("identity", None));
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(plain.headers()[header::VARY], "accept-encoding");
        assert_eq!(body(plain).await, HTML.repeat(20).as_bytes());
    }

    #[tokio::test]
    async fn each_encoding_has_its_own_strong_validator_and_any_of_them_answers_304() {
        let page = page("text/html", &HTML.repeat(20));
        let tags: Vec<String> = ["br", "gzip", "identity"]
            .iter()
            .map(|a| {
                page.respond(&wants(a, None)).headers()[header::ETAG]
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert!(
            tags.iter().all(|t| t.starts_with('"') && t.ends_with('"')),
            "{tags:?}"
        );
        assert_eq!(tags.len(), 3);
        assert!(
            tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
            "{tags:?}"
        );
        for tag in &tags {
            let response = page.respond(&wants("br", Some(&format!("\"other\", {tag}"))));
            assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{tag}");
            assert!(body(response).await.is_empty());
        }
        let changed = page.respond(&wants("br", Some("\"0123\"")));
        assert_eq!(changed.status(), StatusCode::OK);
        assert_eq!(
            page.respond(&wants("br", Some("*"))).status(),
            StatusCode::NOT_MODIFIED
        );
    }

    #[tokio::test]
    async fn documents_are_kept_as_they_are() {
        let page = page("application/pdf", &"%PDF-1.7 ".repeat(50));
        let response = page.respond(&wants("br, gzip", None));
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(response.headers().get(header::VARY).is_none());
        assert_eq!(body(response).await, "%PDF-1.7 ".repeat(50).as_bytes());
    }

    #[test]
    fn a_page_weighs_at_least_what_it_holds() {
        let page = page("text/html", &HTML.repeat(100));
        assert!(page.weight() > HTML.len() * 100, "{}", page.weight());
    }
}
