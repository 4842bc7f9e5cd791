//! Settings from the command line and the environment.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "musrenbang",
    version,
    about = "Public participation in development planning"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct DatabaseArgs {
    /// sqlite://FILE or postgres://USER@HOST/DB
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://musrenbang.db")]
    pub database_url: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the server (API and web app), migrating the database first.
    Serve {
        #[command(flatten)]
        database: DatabaseArgs,
        #[arg(long, env = "MUSRENBANG_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Loads the demo city, cycle, accounts and proposals into an empty database.
        #[arg(long)]
        demo: bool,
        /// Serves the web app from this directory (e.g. `frontend/dist` while developing it)
        /// instead of the copy built into the binary.
        #[arg(long, env = "MUSRENBANG_FRONTEND_DIR")]
        frontend_dir: Option<PathBuf>,
        /// Running totals of rounds and polls appear from this many ballots on, in steps of as
        /// many, so that no published total shows how one person voted.
        #[arg(long, env = "MUSRENBANG_TALLY_MINIMUM", default_value_t = 10,
              value_parser = clap::value_parser!(u16).range(1..))]
        tally_minimum: u16,
        /// Serve GraphiQL at GET /graphql (turn off in production).
        #[arg(long, env = "MUSRENBANG_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
        graphiql: bool,
        /// Answer GraphQL introspection (turn off in production).
        #[arg(long, env = "MUSRENBANG_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
        introspection: bool,
        /// Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed.
        #[arg(long, env = "MUSRENBANG_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Days events are kept for replay by subscriptions (`since`).
        #[arg(long, env = "MUSRENBANG_EVENT_RETENTION_DAYS", default_value_t = 180)]
        event_retention_days: u32,
        /// Outgoing mail (password resets): smtp://host:25, smtp://user:pass@host:587?tls=required
        /// or smtps://user:pass@host:465. Without it mails are written to the log.
        #[arg(long, env = "MUSRENBANG_SMTP_URL")]
        smtp_url: Option<String>,
        #[arg(
            long,
            env = "MUSRENBANG_MAIL_FROM",
            default_value = "Musrenbang <no-reply@musrenbang.localhost>"
        )]
        mail_from: String,
        /// The address residents reach the web app at, for links in mails (default: the bind
        /// address).
        #[arg(long, env = "MUSRENBANG_PUBLIC_URL")]
        public_url: Option<String>,
        /// The hour (WIB, 0-23) at which the daily digest of notifications goes out.
        #[arg(long, env = "MUSRENBANG_DIGEST_HOUR", default_value_t = 7, value_parser = clap::value_parser!(u32).range(0..24))]
        digest_hour: u32,
        /// The map's background tiles, as a URL template with {z}/{x}/{y} (a city's own tile
        /// server, say); "off" shows the map without tiles. Default: OpenStreetMap's.
        #[arg(
            long,
            env = "MUSRENBANG_MAP_TILES",
            default_value = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        )]
        map_tiles: String,
        /// A directory (shared by every instance) for uploaded files' bytes; without it they
        /// are kept in the database.
        #[arg(long, env = "MUSRENBANG_MEDIA_DIR")]
        media_dir: Option<PathBuf>,
        /// The credit the tiles' licence asks for, shown on the map.
        #[arg(
            long,
            env = "MUSRENBANG_MAP_ATTRIBUTION",
            default_value = "© OpenStreetMap contributors"
        )]
        map_attribution: String,
    },
    /// Applies pending migrations and exits.
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Creates the first administrator (or makes an existing account one).
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// At least 8 characters.
        #[arg(long, env = "MUSRENBANG_ADMIN_PASSWORD")]
        password: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Participatory-budgeting files in the Pabulib `.pb` format.
    Pb {
        #[command(subcommand)]
        command: PbCommand,
    },
    /// Writes forums' results for planners (an operator's tool: no account is checked): the
    /// priority lists as csv, xlsx or json, the minutes as pdf, the ballots as pb.
    Export {
        /// csv, xlsx, json, pdf or pb.
        #[arg(long)]
        format: String,
        /// One forum.
        #[arg(long, required_unless_present = "cycle", conflicts_with = "cycle")]
        forum: Option<i32>,
        /// Every forum of a cycle, narrowed by --level and --region.
        #[arg(long)]
        cycle: Option<i32>,
        /// rembuk_rw, desa_kelurahan, kecamatan, forum_opd or kabupaten_kota.
        #[arg(long, requires = "cycle")]
        level: Option<String>,
        /// Only forums in this region's subtree.
        #[arg(long, requires = "cycle")]
        region: Option<i32>,
        /// Where to write ("-" for standard output); the export's own file name if absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The address residents reach the web app at: links to uploaded files begin with it.
        #[arg(long, env = "MUSRENBANG_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Loads official region codes from CSV: `code,name[,level][,parent_code]`.
    ImportRegions {
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Writes a consistent copy of the database while the server runs: SQLite's own online
    /// copy (`VACUUM INTO`), or PostgreSQL's `pg_dump` in its custom format. The copy is checked
    /// before the command reports success.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Prints the GraphQL schema (SDL); `frontend/schema.graphql` is its copy, from which the
    /// web app's TypeScript types are generated.
    Schema,
    /// Puts a backup in place of the database. Stop every server on the database first: the
    /// command refuses a database that is in use.
    Restore {
        /// A file written by `musrenbang backup`.
        file: PathBuf,
        /// Replace a database that holds data (without it only an empty or new one is filled).
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum PbCommand {
    /// Prints the ids of the projects a rule selects, one per line, sorted.
    Tally {
        file: PathBuf,
        /// greedy, greedy_card, greedy_borda, greedy_points, mes, mes_card, mes_borda,
        /// mes_points, mes_add1, mes_add1_greedy or phragmen.
        #[arg(long)]
        rule: String,
    },
    /// Loads an election as a closed forum with its proposals and anonymous ballots.
    Import {
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Writes a closed voting round as a `.pb` file with anonymous voter ids.
    Export {
        #[arg(long)]
        round: i32,
        /// Where to write; standard output if absent.
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

/// How many attempts a key (an address, an account, or both) may make per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub attempts: u32,
    pub window_secs: u32,
}

impl Rate {
    pub const fn new(attempts: u32, window_secs: u32) -> Self {
        Self {
            attempts,
            window_secs,
        }
    }
}

/// The rates that keep one client from flooding the others. Per address limits are generous:
/// a whole hall may share one address on the forum's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Wrong passwords for one identifier from one address: the owner elsewhere is not locked out.
    pub login_per_identifier_and_address: Rate,
    /// Sign-in attempts from one address, whatever the identifier.
    pub login_per_address: Rate,
    /// Wrong passwords for one identifier from everywhere: a ceiling for distributed guessing.
    pub login_per_identifier: Rate,
    pub register_per_address: Rate,
    pub comment_per_account: Rate,
    pub comment_per_address: Rate,
    pub proposal_per_account: Rate,
    pub proposal_per_address: Rate,
    pub chat_per_address: Rate,
    /// Reports (complaints, aspirations) filed, in the app or through Open311.
    pub report_per_account: Rate,
    pub report_per_address: Rate,
    /// Files uploaded (photos and documents of proposals and reports): each costs a decode.
    pub upload_per_account: Rate,
    pub upload_per_address: Rate,
    /// Password reset mails asked for from one address, and for one address of mail.
    pub reset_request_per_address: Rate,
    pub reset_request_per_email: Rate,
    /// Reset links or codes tried from one address (codes are long; this stops guessing).
    pub reset_attempt_per_address: Rate,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_identifier_and_address: Rate::new(5, 15 * 60),
            login_per_address: Rate::new(100, 10 * 60),
            login_per_identifier: Rate::new(50, 15 * 60),
            register_per_address: Rate::new(60, 60 * 60),
            comment_per_account: Rate::new(10, 60),
            comment_per_address: Rate::new(120, 60),
            proposal_per_account: Rate::new(20, 60 * 60),
            proposal_per_address: Rate::new(200, 60 * 60),
            chat_per_address: Rate::new(300, 60),
            report_per_account: Rate::new(10, 60 * 60),
            report_per_address: Rate::new(200, 60 * 60),
            upload_per_account: Rate::new(60, 60 * 60),
            upload_per_address: Rate::new(600, 60 * 60),
            reset_request_per_address: Rate::new(20, 60 * 60),
            reset_request_per_email: Rate::new(3, 60 * 60),
            reset_attempt_per_address: Rate::new(20, 15 * 60),
        }
    }
}

/// What a running server is told by its operator (see `Command::Serve`).
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Serve the GraphiQL page at GET /graphql.
    pub graphiql: bool,
    /// Answer introspection queries (`__schema`, `__type`).
    pub introspection: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client; from anyone else it is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub limits: RateLimits,
    /// WebSocket connections one address may hold, and subscriptions one connection may run.
    pub sockets_per_address: usize,
    pub subscriptions_per_socket: usize,
    /// Events are kept this long for replay (`since`); a subscriber asking for older ones is
    /// told to resynchronise.
    pub event_retention_days: u32,
    pub mailer: crate::mail::Mailer,
    /// Where residents reach the web app, for links in mails (no trailing slash).
    pub public_url: String,
    /// The hour (WIB) of the daily notification digest.
    pub digest_hour: u32,
    /// The map's background tiles; None: the map without tiles.
    pub map_tiles: Option<MapTiles>,
    /// Where uploaded files' bytes are kept.
    pub files: crate::files::FileStore,
}

/// Where the web app's map takes its background from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTiles {
    /// A URL template with `{z}`, `{x}` and `{y}` (and optionally `{s}`).
    pub url_template: String,
    /// The credit the tiles' licence asks for.
    pub attribution: String,
}

impl MapTiles {
    /// The operator's setting: "off" (or nothing) shows the map without tiles.
    pub fn from_setting(url_template: &str, attribution: &str) -> Option<Self> {
        let url_template = url_template.trim();
        (!url_template.is_empty() && !url_template.eq_ignore_ascii_case("off")).then(|| Self {
            url_template: url_template.to_owned(),
            attribution: attribution.trim().to_owned(),
        })
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            graphiql: true,
            introspection: true,
            trusted_proxies: Vec::new(),
            limits: RateLimits::default(),
            sockets_per_address: 500,
            subscriptions_per_socket: 32,
            event_retention_days: 180,
            mailer: crate::mail::Mailer::default(),
            public_url: "http://127.0.0.1:8080".into(),
            digest_hour: 7,
            map_tiles: None,
            files: crate::files::FileStore::Database,
        }
    }
}
