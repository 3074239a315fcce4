//! The command line. Each flag is also an environment variable; the parsed
//! configuration is passed down, never global.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The official records of a Police and Crime Commissioner's scrutiny meetings.
#[derive(Debug, Parser)]
#[command(name = "scrutiny", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// `scrutiny` alone serves, with these options.
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Use this PostgreSQL server instead of the private cluster.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Folder of the private PostgreSQL cluster, used when DATABASE_URL is not set.
    #[arg(long, env = "SCRUTINY_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (the default).
    Serve(ServeArgs),
    /// Import notes in the published format (text, or a Word .docx) as a
    /// draft record, and print its staff address.
    Import {
        /// The file to read.
        file: std::path::PathBuf,
        /// If a draft (never published) has the same address, replace it.
        #[arg(long)]
        replace_draft: bool,
    },
    /// Write a complete copy of every record, revision, action, document
    /// and account into a new folder.
    Export {
        /// The folder to create.
        dir: std::path::PathBuf,
        /// Include password hashes (keep such a copy as safe as the database).
        #[arg(long)]
        with_secrets: bool,
    },
    /// Restore an export into an empty database.
    Restore {
        /// The folder an export wrote.
        dir: std::path::PathBuf,
    },
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
}

/// `scrutiny user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input when it
    /// is piped, otherwise asked for twice.
    Add {
        /// The account's email address, used to sign in.
        email: String,
        /// What the account may do.
        #[arg(long, value_parser = ["staff", "pcc", "admin"])]
        role: String,
        /// The person's name.
        #[arg(long, default_value = "")]
        name: String,
    },
}

/// Options of `scrutiny serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SCRUTINY_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Mark the session cookie Secure: set this when the site is served over HTTPS.
    #[arg(long, env = "SCRUTINY_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Do not load the demo record into a new private database.
    #[arg(long, env = "SCRUTINY_NO_DEMO")]
    pub no_demo: bool,
}
