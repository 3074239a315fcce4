//! The benchmark's same-stack reference: TechEmpower's "Fortunes" on the
//! project's own stack (axum, sqlx with PostgreSQL, askama): one query, one
//! row added, sorted, rendered as an escaped HTML table. `bench/run` serves
//! it beside the app, so "one query and one template" is measured on the
//! same machine in the same run.
//!
//! `cargo run --release --example fortunes -- DATABASE_URL 127.0.0.1:PORT`

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use sqlx::PgPool;

struct Fortune {
    id: i32,
    message: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>{% for f in fortunes %}<tr><td>{{ f.id }}</td><td>{{ f.message }}</td></tr>{% endfor %}</table></body></html>"
)]
struct Fortunes {
    fortunes: Vec<Fortune>,
}

async fn fortunes(State(pool): State<PgPool>) -> Response {
    let rows = sqlx::query_as::<_, (i32, String)>("select id, message from fortune")
        .fetch_all(&pool)
        .await;
    let Ok(rows) = rows else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let mut fortunes: Vec<Fortune> = rows
        .into_iter()
        .map(|(id, message)| Fortune { id, message })
        .collect();
    fortunes.push(Fortune {
        id: 0,
        message: "Additional fortune added at request time.".to_owned(),
    });
    fortunes.sort_by(|a, b| a.message.cmp(&b.message));
    match (Fortunes { fortunes }).render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

const FORTUNES: &[&str] = &[
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    "フレームワークのベンチマーク",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: fortunes DATABASE_URL ADDRESS"))?;
    let address = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await?;
    sqlx::query("create table if not exists fortune (id integer primary key, message text not null)")
        .execute(&pool)
        .await?;
    for (id, message) in (1..).zip(FORTUNES) {
        sqlx::query("insert into fortune values ($1, $2) on conflict (id) do nothing")
            .bind(id)
            .bind(message)
            .execute(&pool)
            .await?;
    }
    let app = axum::Router::new()
        .route("/fortunes", get(fortunes))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("fortunes on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
