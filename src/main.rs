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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
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
