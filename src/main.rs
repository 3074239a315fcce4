//! The `scrutiny` command: parse the command line, set up logging, run.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use scrutiny::config::{Cli, Command, UserCommand};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let result = match &cli.command {
        None => scrutiny::serve::run(&cli.database, &cli.serve).await,
        Some(Command::Serve(args)) => scrutiny::serve::run(&cli.database, args).await,
        Some(Command::User(UserCommand::Add { email, role, name })) => {
            add_user(&cli, email, role, name).await
        }
        Some(Command::Import {
            paths,
            replace_draft,
            published_on,
            as_email,
        }) => import(&cli, paths, published_on.0, *replace_draft, as_email.as_deref()).await,
        Some(Command::Export { dir, with_secrets }) => export(&cli, dir, *with_secrets).await,
        Some(Command::Restore { dir }) => restore(&cli, dir).await,
        Some(Command::Verify) => verify(&cli).await,
        Some(Command::Sample { records, seed }) => sample(&cli, *records, *seed).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Said already, a line for each file.
        Err(e) if e.is::<scrutiny::import::batch::Silent>() => ExitCode::FAILURE,
        Err(e) => {
            // One line: what failed and why, without a backtrace.
            eprintln!("scrutiny: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn add_user(cli: &Cli, email: &str, role: &str, name: &str) -> anyhow::Result<()> {
    let password = scrutiny::accounts::read_password()?;
    let db = scrutiny::database::Database::open(&cli.database).await?;
    let added = scrutiny::accounts::add(&db.pool, email, role, name, &password).await;
    db.close().await;
    added?;
    println!("Created the {role} account {}.", email.trim().to_lowercase());
    Ok(())
}

async fn import(
    cli: &Cli,
    paths: &[std::path::PathBuf],
    published_on: Option<chrono::NaiveDate>,
    replace: bool,
    as_email: Option<&str>,
) -> anyhow::Result<()> {
    use scrutiny::import::batch;
    let files = batch::files(paths)?;
    let read = batch::read(&files, &mut std::io::stderr())?;
    let done = if read.records.is_empty() {
        // Nothing to create: no database is opened (or made).
        batch::Done {
            refused: read.refused,
            ..batch::Done::default()
        }
    } else {
        let db = scrutiny::database::Database::open(&cli.database).await?;
        let options = batch::Options {
            published_on,
            replace,
            as_email: as_email.map(str::to_owned),
        };
        let done = batch::create(
            &db.pool,
            read,
            &options,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )
        .await;
        db.close().await;
        done?
    };
    match published_on {
        Some(date) => println!(
            "Each draft says it was imported today from notes originally published on {}.",
            date.format("%-d %B %Y")
        ),
        None if done.created > 0 => println!(
            "Each draft says it was imported today; the original publication date is not known (give it with --published-on YYYY-MM-DD)."
        ),
        None => {}
    }
    if done.unplaced > 0 {
        println!(
            "{} pieces of text could not be placed: they are on the drafts under \"Unplaced text\" for a person to move.",
            done.unplaced
        );
    }
    match done.refused {
        0 => Ok(()),
        // Each refusal has had its line; one file's needs no summary.
        _ if files.len() == 1 => Err(anyhow::anyhow!(batch::Silent)),
        refused => anyhow::bail!("{refused} of {} files were not imported", files.len()),
    }
}

async fn export(cli: &Cli, dir: &std::path::Path, with_secrets: bool) -> anyhow::Result<()> {
    let db = scrutiny::database::Database::open(&cli.database).await?;
    let exported = scrutiny::export::export(&db.pool, dir, with_secrets).await;
    db.close().await;
    let manifest = exported?;
    println!(
        "Exported {} records and {} accounts to {}{}",
        manifest.meetings,
        manifest.accounts,
        dir.display(),
        if with_secrets {
            ", with password hashes and the addresses of subscribers to alerts"
        } else {
            ", without password hashes or the addresses of subscribers to alerts"
        }
    );
    Ok(())
}

async fn restore(cli: &Cli, dir: &std::path::Path) -> anyhow::Result<()> {
    let db = scrutiny::database::Database::open(&cli.database).await?;
    let restored = scrutiny::export::restore(&db.pool, dir).await;
    db.close().await;
    let restored = restored?;
    if restored.replaced_first_admin {
        println!(
            "The first administrator of this new database ({}) was replaced by the export's accounts.",
            scrutiny::accounts::FIRST_ADMIN
        );
    }
    println!(
        "Restored {} records and {} accounts from {}{}",
        restored.manifest.meetings,
        restored.manifest.accounts,
        dir.display(),
        if restored.manifest.with_secrets {
            ", with their passwords and the subscribers to alerts"
        } else {
            "; accounts exported without --with-secrets have no password: give each a new one"
        }
    );
    Ok(())
}

async fn verify(cli: &Cli) -> anyhow::Result<()> {
    let db = scrutiny::database::Database::open(&cli.database).await?;
    let verified = scrutiny::verify::verify(&db.pool).await;
    db.close().await;
    let report = verified?;
    println!(
        "Verified {} revisions and {} ledger entries: every revision is as published, and the ledger is unbroken.",
        report.revisions, report.entries
    );
    Ok(())
}

async fn sample(cli: &Cli, records: u32, seed: u64) -> anyhow::Result<()> {
    use scrutiny::sample::{OnProgress, Progress};
    let db = scrutiny::database::Database::open(&cli.database).await?;
    let started = std::time::Instant::now();
    let progress: OnProgress = std::sync::Arc::new(|p: Progress| {
        let rate = f64::from(p.done) / p.elapsed.as_secs_f64().max(0.001);
        eprintln!("{} of {} records added, {rate:.0} records/s", p.done, p.of);
    });
    let added = scrutiny::sample::run(&db.pool, records, seed, progress).await;
    db.close().await;
    let summary = added?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Added {} sample records ({} questions, {} actions; {} corrected, {} withdrawn) in {seconds:.1} s: {:.0} records/s.",
        summary.records,
        summary.questions,
        summary.actions,
        summary.corrected,
        summary.withdrawn,
        f64::from(summary.records) / seconds.max(0.001)
    );
    Ok(())
}
