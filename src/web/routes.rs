//! Every route the site serves, who may use it, and whether it changes
//! state: one table for people and tests to read. The tests check that the
//! router serves exactly these routes (a route added without its line here
//! fails them), then walk the table: each role that may not use a route is
//! refused, and each state-changing route refuses a request without its
//! form token (but the one-click stop of alerts, whose address is its
//! proof) or from another site.

use crate::domain::account::Permission;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: the public site and sign-in itself.
    Public,
    /// Any signed-in account, whatever its role.
    SignedIn,
    /// An account whose role has this permission.
    Role(Permission),
}

/// One method on one path.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: Method,
    /// The pattern as the router has it: `/meetings/{slug}`.
    pub path: &'static str,
    pub access: Access,
    /// The form is `multipart/form-data` (an upload): its token is the
    /// form's first field.
    pub multipart: bool,
    /// A POST that needs no form token: its address holds a secret token
    /// of its own, and it must work from a mail program (RFC 8058).
    pub token_in_address: bool,
}

/// The methods the site uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Route {
    /// Whether the route changes state.
    pub fn changes_state(&self) -> bool {
        self.method == Method::Post
    }

    /// Whether a request must carry the form token (`csrf::guard`).
    pub fn needs_form_token(&self) -> bool {
        self.changes_state() && !self.token_in_address
    }
}

/// Whether a POST to the route the router matched as `path` needs no form
/// token (see [`Route::token_in_address`]).
pub fn token_in_address(path: &str) -> bool {
    ROUTES
        .iter()
        .any(|r| r.token_in_address && r.method == Method::Post && r.path == path)
}

const fn get(path: &'static str, access: Access) -> Route {
    Route {
        method: Method::Get,
        path,
        access,
        multipart: false,
        token_in_address: false,
    }
}

const fn post(path: &'static str, access: Access) -> Route {
    Route {
        method: Method::Post,
        path,
        access,
        multipart: false,
        token_in_address: false,
    }
}

const fn upload(path: &'static str, access: Access) -> Route {
    Route {
        method: Method::Post,
        path,
        access,
        multipart: true,
        token_in_address: false,
    }
}

/// A POST anyone may send, whose address holds its proof: stopping email
/// alerts from a mail program, which sends no cookie and no form.
const fn one_click(path: &'static str) -> Route {
    Route {
        method: Method::Post,
        path,
        access: Access::Public,
        multipart: false,
        token_in_address: true,
    }
}

use Access::{Public, SignedIn};
const WRITE: Access = Access::Role(Permission::Write);
const DECIDE: Access = Access::Role(Permission::Decide);
const ADMINISTER: Access = Access::Role(Permission::Administer);

/// Every route, public ones first, then staff ones by area.
pub const ROUTES: &[Route] = &[
    get("/", Public),
    get("/meetings", Public),
    get("/meetings.csv", Public),
    get("/meetings.json", Public),
    get("/meetings/{slug}", Public),
    get("/meetings/{slug}/revisions", Public),
    // Also `{number}.json`, the revision as stored: the router matches whole
    // segments, so one route serves both, as `{slug}` serves `.json`/`.csv`.
    get("/meetings/{slug}/revisions/{number}", Public),
    get("/documents/{id}", Public),
    get("/site/logo", Public),
    get("/search", Public),
    get("/topics", Public),
    get("/topics/{topic}", Public),
    get("/actions", Public),
    get("/actions.csv", Public),
    get("/actions.json", Public),
    get("/forward-plan", Public),
    get("/forward-plan.ics", Public),
    get("/feed.atom", Public),
    get("/ledger", Public),
    get("/ledger.json", Public),
    get("/data", Public),
    get("/accessibility", Public),
    get("/privacy", Public),
    // Email alerts: asked for, confirmed by the link sent, stopped by the
    // link in each.
    get("/alerts", Public),
    post("/alerts", Public),
    get("/alerts/requested", Public),
    get("/alerts/confirm/{token}", Public),
    post("/alerts/confirm/{token}", Public),
    get("/alerts/unsubscribe/{token}", Public),
    one_click("/alerts/unsubscribe/{token}"),
    get("/health", Public),
    get("/static/{name}", Public),
    // Signing in and out, and one's own password.
    get("/staff/login", Public),
    post("/staff/login", Public),
    // Signing out ends whatever session there is, so anyone may.
    post("/staff/logout", Public),
    get("/staff/password", SignedIn),
    post("/staff/password", SignedIn),
    get("/staff/account", SignedIn),
    post("/staff/account", SignedIn),
    // Writing records: staff, the PCC and admins.
    get("/staff", WRITE),
    get("/staff/records", WRITE),
    get("/staff/meetings/new", WRITE),
    post("/staff/meetings", WRITE),
    get("/staff/meetings/{id}", WRITE),
    get("/staff/meetings/{id}/preview", WRITE),
    post("/staff/meetings/{id}", WRITE),
    post("/staff/meetings/{id}/unplaced/clear", WRITE),
    get("/staff/meetings/{id}/questions/new", WRITE),
    post("/staff/meetings/{id}/questions", WRITE),
    get("/staff/questions/{id}", WRITE),
    post("/staff/questions/{id}", WRITE),
    post("/staff/questions/{id}/delete", WRITE),
    post("/staff/questions/{id}/move", WRITE),
    get("/staff/meetings/{id}/actions/new", WRITE),
    post("/staff/meetings/{id}/actions", WRITE),
    get("/staff/actions/{id}", WRITE),
    post("/staff/actions/{id}", WRITE),
    post("/staff/actions/{id}/delete", WRITE),
    post("/staff/actions/{id}/progress", WRITE),
    upload("/staff/meetings/{id}/documents", WRITE),
    post("/staff/meetings/{id}/links", WRITE),
    get("/staff/documents/{id}", WRITE),
    post("/staff/documents/{id}/delete", WRITE),
    get("/staff/import", WRITE),
    upload("/staff/import", WRITE),
    post("/staff/import/{id}", WRITE),
    post("/staff/import/batch", WRITE),
    get("/staff/forward-plan", WRITE),
    post("/staff/forward-plan", WRITE),
    get("/staff/forward-plan/{id}", WRITE),
    post("/staff/forward-plan/{id}", WRITE),
    post("/staff/forward-plan/{id}/publish", WRITE),
    post("/staff/forward-plan/{id}/delete", WRITE),
    post("/staff/meetings/{id}/submit", WRITE),
    // The PCC's review and publication.
    get("/staff/review", DECIDE),
    get("/staff/review/{id}", DECIDE),
    post("/staff/questions/{id}/decision", DECIDE),
    post("/staff/questions/{id}/confirm", DECIDE),
    post("/staff/meetings/{id}/send-back", DECIDE),
    post("/staff/meetings/{id}/publish", DECIDE),
    post("/staff/meetings/{id}/correct", DECIDE),
    get("/staff/meetings/{id}/withdraw", DECIDE),
    post("/staff/meetings/{id}/withdraw", DECIDE),
    get("/staff/meetings/{id}/reinstate", DECIDE),
    post("/staff/meetings/{id}/reinstate", DECIDE),
    // Accounts and the audit log.
    get("/staff/users", ADMINISTER),
    post("/staff/users", ADMINISTER),
    post("/staff/users/{id}/role", ADMINISTER),
    post("/staff/users/{id}/disable", ADMINISTER),
    post("/staff/users/{id}/enable", ADMINISTER),
    post("/staff/users/{id}/reset-password", ADMINISTER),
    get("/staff/audit", ADMINISTER),
    get("/staff/outbox", ADMINISTER),
    get("/staff/outbox/{id}", ADMINISTER),
    // The office's site settings.
    get("/staff/settings", ADMINISTER),
    post("/staff/settings", ADMINISTER),
    upload("/staff/settings/logo", ADMINISTER),
    post("/staff/settings/logo/delete", ADMINISTER),
];
