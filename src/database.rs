//! Opening the store: the server named by DATABASE_URL, or the private
//! cluster in the data dir. Migrations run on every start.

use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::cluster::{Cluster, Options};
use crate::config::DatabaseArgs;

/// The app's database on the private cluster.
pub const DATABASE_NAME: &str = "scrutiny";

/// An open store, and the private cluster behind it if we use one.
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<Cluster>,
}

impl Database {
    /// Opens the store named by the command line and brings its schema up to
    /// date.
    pub async fn open(args: &DatabaseArgs) -> anyhow::Result<Database> {
        let (options, cluster) = match &args.database_url {
            Some(url) => {
                let options: PgConnectOptions = url
                    .parse()
                    .context("DATABASE_URL is not a valid PostgreSQL address")?;
                (options, None)
            }
            None => {
                let dir = args.data_dir.clone();
                let cluster =
                    tokio::task::spawn_blocking(move || Cluster::open(&dir, Options::default())).await??;
                let admin = cluster.connect_options("postgres");
                create_database(admin, DATABASE_NAME).await?;
                (cluster.connect_options(DATABASE_NAME), Some(cluster))
            }
        };
        let pool = pool_with(options, args.pool_settings()).await?;
        migrate(&pool).await?;
        Ok(Database { pool, cluster })
    }

    /// Closes the pool and stops the private cluster if we started it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.cluster {
            let _ = tokio::task::spawn_blocking(move || cluster.stop()).await;
        }
    }
}

/// Connections a process keeps at most, unless told otherwise.
pub const DEFAULT_POOL_SIZE: u32 = 10;
/// How long a request waits for a connection, unless told otherwise: well
/// under a second, so that a site short of connections answers 503 with
/// `Retry-After` at once rather than keeping every visitor waiting.
pub const DEFAULT_ACQUIRE_TIMEOUT_MS: u64 = 500;

/// How many connections a pool keeps, and how long a request waits for one.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub size: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            size: DEFAULT_POOL_SIZE,
            acquire_timeout: Duration::from_millis(DEFAULT_ACQUIRE_TIMEOUT_MS),
        }
    }
}

/// A pool on `options` with the default settings, once the server answers.
pub async fn pool(options: PgConnectOptions) -> anyhow::Result<PgPool> {
    pool_with(options, PoolSettings::default()).await
}

/// A pool on `options`, once the server answers (a server still starting up
/// gets up to half a minute). Its connections keep the plans of prepared
/// statements (PostgreSQL's default), except where a statement asks for its
/// own (`db::planned_for_parameters`). They never compile a statement to
/// machine code (`jit = off`): every statement here is short, and a plan
/// whose cost is inflated by a disabled method (search's `enable_seqscan =
/// off`) would otherwise spend 50 ms compiling a sum over 500 rows.
pub async fn pool_with(options: PgConnectOptions, settings: PoolSettings) -> anyhow::Result<PgPool> {
    let options = options.options([("jit", "off")]);
    let pool = PgPoolOptions::new()
        .max_connections(settings.size)
        .acquire_timeout(settings.acquire_timeout)
        .connect_lazy_with(options);
    let mut tries = 0;
    loop {
        match sqlx::query("select 1").execute(&pool).await {
            Ok(_) => return Ok(pool),
            Err(e) if tries < 120 && is_starting_up(&e) => tries += 1,
            Err(e) => return Err(anyhow::Error::new(e).context("cannot reach the database")),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn is_starting_up(e: &sqlx::Error) -> bool {
    // 57P03: "the database system is starting up".
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("57P03"))
}

/// Applies the migrations in `migrations/`. A database already up to date
/// (every migration applied, unchanged) is left alone without a statement
/// that needs the right to change the schema, so the app can serve as a
/// role that may not (README, "Deploying on a real PostgreSQL").
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let migrator = sqlx::migrate!();
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("select version, checksum from _sqlx_migrations where success")
            .fetch_all(pool)
            .await
            .unwrap_or_default();
    let up_to_date = migrator.iter().all(|m| {
        applied
            .iter()
            .any(|(v, c)| *v == m.version && c.as_slice() == &*m.checksum)
    });
    if up_to_date {
        return Ok(());
    }
    migrator
        .run(pool)
        .await
        .context("cannot bring the database schema up to date")
}

/// Creates database `name` unless it exists.
pub async fn create_database(admin: PgConnectOptions, name: &str) -> anyhow::Result<()> {
    let admin = pool(admin)
        .await
        .context("cannot connect to PostgreSQL to create the database")?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
        .bind(name)
        .fetch_one(&admin)
        .await?;
    if !exists {
        // CREATE DATABASE takes no bind parameters; `name` is one of ours,
        // quoted as an identifier.
        let sql = format!("create database \"{}\"", name.replace('"', "\"\""));
        match sqlx::query(&sql).execute(&admin).await {
            // 42P04: another process created it meanwhile.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            other => {
                other?;
            }
        }
    }
    admin.close().await;
    Ok(())
}
