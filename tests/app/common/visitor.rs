//! A person using the site: their cookies, sign-in, forms and uploads; and
//! the responses they read.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};

use super::TestApp;

/// A response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The text of every element matching `selector`, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The `attr` of every element matching `selector` that has one.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }

    /// The text of every element matching `selector` as a person reads it:
    /// its pieces joined as they stand (no space added around a link or a
    /// date), whitespace collapsed.
    pub fn prose(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).expect("selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

/// A password that meets the policy, for test accounts.
pub const PASSWORD: &str = "correct horse battery staple";

/// A person using the site: their cookie jar, as a browser keeps it.
pub struct Visitor<'a> {
    pub app: &'a TestApp,
    /// Each cookie's name and value, in the order first set.
    cookies: Vec<(String, String)>,
    /// The peer address the server sees.
    pub address: std::net::SocketAddr,
    /// The id of the account signed in by `TestApp::signed_in`.
    account: Option<i64>,
}

impl TestApp {
    /// Creates an account that can sign in with `PASSWORD`.
    pub async fn account(&self, email: &str, role: &str) {
        scrutiny::accounts::add(&self.pool, email, role, "", PASSWORD)
            .await
            .expect("account");
    }

    /// Someone with no session yet.
    pub fn visitor(&self) -> Visitor<'_> {
        Visitor {
            app: self,
            cookies: Vec::new(),
            address: ([10, 0, 0, 1], 40000).into(),
            account: None,
        }
    }

    /// An account of `role`, signed in.
    pub async fn signed_in(&self, role: &str) -> Visitor<'_> {
        let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple());
        self.account(&email, role).await;
        let mut visitor = self.visitor();
        let response = visitor.sign_in(&email, PASSWORD).await;
        assert_eq!(response.status, 303, "sign-in: {}", response.body);
        let id = sqlx::query_scalar("select id from account where email = $1")
            .bind(&email)
            .fetch_one(&self.pool)
            .await
            .expect("account id");
        visitor.account = Some(id);
        visitor
    }
}

impl Visitor<'_> {
    /// The id of this visitor's account, to name as the author of records.
    pub fn account_id(&self) -> i64 {
        self.account.expect("a visitor from TestApp::signed_in")
    }

    pub fn build(&self, request: axum::http::request::Builder) -> axum::http::request::Builder {
        let request = if self.cookies.is_empty() {
            request
        } else {
            let header: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            request.header("cookie", header.join("; "))
        };
        request.extension(axum::extract::ConnectInfo(self.address))
    }

    /// The value of the cookie `name` this visitor holds.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub async fn send(&mut self, request: Request<Body>) -> TestResponse {
        let response = self.app.request(request).await;
        self.keep_cookies(&response);
        response
    }

    /// Keeps the cookies `response` sets, and forgets those it removes.
    pub fn keep_cookies(&mut self, response: &TestResponse) {
        for set in response.headers.get_all("set-cookie") {
            let Ok(set) = set.to_str() else { continue };
            let pair = set.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            self.cookies.retain(|(n, _)| n != name);
            if !set.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub async fn get(&mut self, uri: &str) -> TestResponse {
        let request = self
            .build(Request::get(uri))
            .body(Body::empty())
            .expect("request");
        self.send(request).await
    }

    /// Posts `fields` as a form, exactly as given (no token added).
    pub async fn post_raw(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .build(Request::post(uri))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// The form token of this session, as a page shows it.
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/staff/login").await;
        let html = page.html();
        let selector = scraper::Selector::parse("input[name=_csrf]").expect("selector");
        let token = html
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned);
        token.expect("the page carries a form token")
    }

    /// Posts `fields` as a form with this session's token.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let token = self.csrf().await;
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> TestResponse {
        self.post("/staff/login", &[("email", email), ("password", password)])
            .await
    }

    /// Posts a multipart form (a file upload), with the token as its first
    /// field as the upload form does.
    pub async fn upload(&mut self, uri: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> TestResponse {
        let token = self.csrf().await;
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.upload_raw(uri, &all, file).await
    }

    /// Posts an upload of several `files` (name, bytes) in one form, with
    /// the token first as the upload form sends it.
    pub async fn upload_files(&mut self, uri: &str, files: &[(&str, &[u8])]) -> TestResponse {
        let token = self.csrf().await;
        let boundary = "----scrutiny-test-boundary";
        let mut body =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n")
                .into_bytes();
        for (name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = self
            .build(Request::post(uri))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("request");
        self.send(request).await
    }

    /// Posts a multipart form of `fields` then `file`, exactly as given (no
    /// token added).
    pub async fn upload_raw(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> TestResponse {
        self.upload_in_pieces(uri, fields, file, usize::MAX).await
    }

    /// Posts a multipart form of `fields` then `file`, exactly as given, its
    /// body arriving `piece` bytes at a time, as over a slow connection.
    pub async fn upload_in_pieces(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
        piece: usize,
    ) -> TestResponse {
        let boundary = "----scrutiny-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n",
                file.0
            )
            .as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let pieces: Vec<Result<axum::body::Bytes, std::convert::Infallible>> = body
            .chunks(piece.min(body.len()).max(1))
            .map(|chunk| Ok(axum::body::Bytes::copy_from_slice(chunk)))
            .collect();
        let request = self
            .build(Request::post(uri))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from_stream(futures_util::stream::iter(pieces)))
            .expect("request");
        self.send(request).await
    }
}

/// The id at the end of a redirect such as `/staff/meetings/12`.
pub fn id_in(location: &str) -> i64 {
    let path = location.split('#').next().unwrap_or_default();
    path.rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("an id in the address")
}
