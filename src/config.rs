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
    /// Connections to PostgreSQL this process keeps at most.
    #[arg(long, env = "SCRUTINY_DB_POOL_SIZE", default_value_t = crate::database::DEFAULT_POOL_SIZE,
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub db_pool_size: u32,
    /// How long a request waits for a free connection, in milliseconds,
    /// before it is answered 503 with Retry-After.
    #[arg(long, env = "SCRUTINY_DB_ACQUIRE_TIMEOUT_MS", default_value_t = crate::database::DEFAULT_ACQUIRE_TIMEOUT_MS,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub db_acquire_timeout_ms: u64,
}

impl DatabaseArgs {
    /// The pool's size and patience, as given.
    pub fn pool_settings(&self) -> crate::database::PoolSettings {
        crate::database::PoolSettings {
            size: self.db_pool_size,
            acquire_timeout: std::time::Duration::from_millis(self.db_acquire_timeout_ms),
        }
    }
}

/// What to do.
// Made once, from the command line: the serve variant's size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app (the default).
    Serve(ServeArgs),
    /// Import notes in the published format (text, or a Word .docx) as
    /// draft records, in the order of their meetings' dates, and print each
    /// draft's staff address or why a file was refused. Notes imported
    /// before are not imported again.
    Import {
        /// The files to read, and folders whose files (and folders) to read.
        #[arg(required = true, value_name = "FILE_OR_FOLDER")]
        paths: Vec<std::path::PathBuf>,
        /// If a draft (never published) has the same address, replace it.
        #[arg(long)]
        replace_draft: bool,
        /// The email of the account making the import: the audit log and
        /// the list of records name it as the draft's author (without it,
        /// the import is the system's).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
        /// The date the original notes were first published, as YYYY-MM-DD,
        /// or "unknown" (the default): the record says it was imported, and
        /// from notes of which date.
        #[arg(long, value_name = "DATE", default_value = "unknown", value_parser = published_on)]
        published_on: PublishedOn,
    },
    /// Write a complete copy of every record, revision, action, document
    /// and account into a new folder.
    Export {
        /// The folder to create.
        dir: std::path::PathBuf,
        /// Include password hashes and the email addresses of subscribers to
        /// alerts (keep such a copy as safe as the database).
        #[arg(long)]
        with_secrets: bool,
    },
    /// Restore an export into an empty database.
    Restore {
        /// The folder an export wrote.
        dir: std::path::PathBuf,
    },
    /// Check that no published revision was altered: recompute every
    /// revision's hash and the publication ledger's chain. Exits non-zero,
    /// naming the first record that does not match.
    Verify,
    /// Add N realistic published records, some corrected and some
    /// withdrawn, written through the app's own steps (for load tests and
    /// benchmarks). Addresses in use are never taken again.
    Sample {
        /// How many records to add.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        records: u32,
        /// The same seed gives the same records (on the same day, in a
        /// database holding the same addresses).
        #[arg(long, default_value_t = crate::sample::DEFAULT_SEED)]
        seed: u64,
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
    /// The app is reached through a reverse proxy that sets X-Forwarded-For:
    /// sign-in throttling then counts the client's address, not the proxy's.
    #[arg(long, env = "SCRUTINY_BEHIND_PROXY")]
    pub behind_proxy: bool,
    /// The site's address as the public reaches it, for absolute links
    /// (feed, calendar, open data, print), e.g. https://scrutiny.example.org.
    /// Wins over the address set on /staff/settings; with neither, the
    /// address the app listens on.
    #[arg(long, env = "SCRUTINY_PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub site: SiteArgs,
    /// Memory for published pages kept rendered, in megabytes; 0 renders
    /// every request (for measuring).
    #[arg(long, env = "SCRUTINY_CACHE_MB", default_value_t = crate::web::cache::DEFAULT_MEGABYTES)]
    pub cache_mb: u64,
    /// The SMTP server to send messages through: smtp://host:25 (plain),
    /// smtp://user:password@host:587?tls=required (STARTTLS) or
    /// smtps://user:password@host:465 (TLS). With none, messages wait in
    /// the outbox, where an admin reads them (/staff/outbox).
    #[arg(long, env = "SCRUTINY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A PEM file of the certificate authority that signed the SMTP
    /// server's certificate, if it is the office's own rather than a public
    /// one; trusted besides the public authorities.
    #[arg(long, env = "SCRUTINY_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The address messages are sent from, e.g. "OPCC Scrutiny <scrutiny@example.org>".
    #[arg(long, env = "SCRUTINY_MAIL_FROM", default_value = "scrutiny@localhost")]
    pub mail_from: String,
}

/// The office's settings, given to the server: each one given wins over
/// the one set on /staff/settings, where it is shown as fixed.
#[derive(Debug, Clone, Default, Args)]
pub struct SiteArgs {
    /// The office's name, e.g. "Office of the Police and Crime Commissioner for Cleveland".
    #[arg(long, env = "SCRUTINY_OFFICE_NAME", value_parser = line)]
    pub office_name: Option<String>,
    /// The police force area, e.g. "Cleveland".
    #[arg(long, env = "SCRUTINY_FORCE_AREA", value_parser = line)]
    pub force_area: Option<String>,
    /// The office's contact email address.
    #[arg(long, env = "SCRUTINY_CONTACT_EMAIL", value_parser = contact_email)]
    pub contact_email: Option<String>,
    /// The office's contact phone number.
    #[arg(long, env = "SCRUTINY_CONTACT_PHONE", value_parser = contact_phone)]
    pub contact_phone: Option<String>,
    /// The office's postal address; lines separated by newlines.
    #[arg(long, env = "SCRUTINY_POSTAL_ADDRESS", value_parser = address)]
    pub postal_address: Option<String>,
    /// When the site's accessibility was last checked, as YYYY-MM-DD.
    #[arg(long, env = "SCRUTINY_ACCESSIBILITY_CHECKED_ON")]
    pub accessibility_checked_on: Option<chrono::NaiveDate>,
    /// The office's logo, a PNG or SVG file, shown in the header.
    #[arg(long, env = "SCRUTINY_LOGO", value_name = "FILE")]
    pub logo: Option<PathBuf>,
}

impl SiteArgs {
    /// The settings given, each empty where not given.
    pub fn fields(&self, public_url: Option<&str>) -> crate::domain::site::SiteFields {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        crate::domain::site::SiteFields {
            office_name: text(&self.office_name),
            force_area: text(&self.force_area),
            contact_email: text(&self.contact_email),
            contact_phone: text(&self.contact_phone),
            postal_address: text(&self.postal_address),
            public_url: public_url.unwrap_or_default().to_owned(),
            accessibility_checked_on: self.accessibility_checked_on,
        }
    }
}

fn line(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > crate::domain::site::MAX_LINE_CHARS || value.contains('\0')
    {
        return Err(format!(
            "give between 1 and {} characters",
            crate::domain::site::MAX_LINE_CHARS
        ));
    }
    Ok(value.to_owned())
}

fn address(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty()
        || value.chars().count() > crate::domain::site::MAX_ADDRESS_CHARS
        || value.contains('\0')
    {
        return Err(format!(
            "give between 1 and {} characters",
            crate::domain::site::MAX_ADDRESS_CHARS
        ));
    }
    Ok(value.to_owned())
}

fn contact_email(value: &str) -> Result<String, String> {
    crate::domain::account::Email::parse(value)
        .map(|e| e.as_str().to_owned())
        .map_err(str::to_owned)
}

fn contact_phone(value: &str) -> Result<String, String> {
    let value = value.trim();
    crate::domain::site::check_phone(value)
        .map(|()| value.to_owned())
        .map_err(str::to_owned)
}

/// The date given to `scrutiny import --published-on`; `None` when it is
/// not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedOn(pub Option<chrono::NaiveDate>);

fn published_on(value: &str) -> Result<PublishedOn, String> {
    crate::import::parse_published_on(value).map(PublishedOn)
}

/// The public address of tests and of an app made by `AppState::new`: the
/// default listening address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:3000";

fn public_url(value: &str) -> Result<String, String> {
    crate::domain::site::check_public_url(value).map_err(str::to_owned)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    fn serve(args: &[&str]) -> Result<String, clap::Error> {
        Cli::try_parse_from(std::iter::once("scrutiny").chain(args.iter().copied()))
            .map(|cli| cli.serve.public_url.unwrap_or_default())
    }

    #[test]
    fn import_takes_the_date_its_notes_were_published_or_unknown() {
        let published_on = |args: &[&str]| {
            let cli = Cli::try_parse_from(["scrutiny", "import", "notes.txt"].iter().chain(args))?;
            match cli.command {
                Some(super::Command::Import { published_on, .. }) => Ok::<_, clap::Error>(published_on.0),
                _ => panic!("not an import"),
            }
        };
        assert_eq!(
            published_on(&["--published-on", "2024-12-05"]).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 12, 5)
        );
        assert_eq!(published_on(&["--published-on", "unknown"]).unwrap(), None);
        assert_eq!(published_on(&[]).unwrap(), None);
        assert!(published_on(&["--published-on", "2024-02-30"]).is_err());
    }

    #[test]
    fn sample_needs_a_number_of_records_and_has_a_fixed_seed() {
        let sample = |args: &[&str]| {
            let cli = Cli::try_parse_from(["scrutiny", "sample"].iter().chain(args))?;
            match cli.command {
                Some(super::Command::Sample { records, seed }) => Ok::<_, clap::Error>((records, seed)),
                _ => panic!("not a sample"),
            }
        };
        assert_eq!(
            sample(&["--records", "30"]).unwrap(),
            (30, crate::sample::DEFAULT_SEED)
        );
        assert_eq!(sample(&["--records", "5", "--seed", "9"]).unwrap(), (5, 9));
        assert!(sample(&[]).is_err());
        assert!(sample(&["--records", "0"]).is_err());
    }

    #[test]
    fn the_public_url_is_not_set_unless_given() {
        assert_eq!(serve(&[]).unwrap(), "");
    }

    #[test]
    fn contact_details_given_to_the_server_are_checked() {
        let site = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("scrutiny").chain(args.iter().copied()))
                .map(|cli| cli.serve.site.fields(None))
        };
        let given = site(&[
            "--office-name",
            " OPCC for Cleveland ",
            "--contact-phone",
            "01642 301653",
        ])
        .unwrap();
        assert_eq!(given.office_name, "OPCC for Cleveland");
        assert_eq!(given.contact_phone, "01642 301653");
        assert!(site(&["--contact-email", "not an email"]).is_err());
        assert!(site(&["--contact-phone", "call us"]).is_err());
        assert!(site(&["--office-name", " "]).is_err());
    }

    #[test]
    fn the_public_url_loses_its_trailing_slash() {
        assert_eq!(
            serve(&["--public-url", "https://scrutiny.example.org/records/"]).unwrap(),
            "https://scrutiny.example.org/records"
        );
    }

    #[test]
    fn a_public_url_that_is_not_a_web_address_is_refused() {
        for bad in ["scrutiny.example.org", "ftp://x", "https://", "https://x/?a=1"] {
            assert!(serve(&["--public-url", bad]).is_err(), "{bad}");
        }
    }
}
