use std::collections::HashMap;

use clap::Parser;
use musrenbang::{
    config::{Cli, Command, PbCommand, ServerSettings},
    db::Db,
    demo, domain, export, server,
    state::AppState,
};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Resolves at SIGTERM (a deploy, `systemctl stop`, a container's stop) or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM; only Ctrl-C stops gracefully");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn")),
        )
        .init();
    match Cli::parse().command {
        Command::Serve {
            database,
            bind,
            demo: with_demo,
            frontend_dir,
            tally_minimum,
            graphiql,
            introspection,
            trusted_proxies,
            event_retention_days,
            smtp_url,
            mail_from,
            public_url,
            digest_hour,
            map_tiles,
            map_attribution,
            media_dir,
        } => {
            let mailer = match smtp_url.as_deref().filter(|u| !u.is_empty()) {
                Some(url) => musrenbang::mail::Mailer::smtp(url, &mail_from)?,
                None => musrenbang::mail::Mailer::Log,
            };
            let db = Db::connect(&database.database_url).await?;
            db.migrate().await?;
            db.events()
                .configure(|c| c.tally_minimum = i64::from(tally_minimum));
            if with_demo {
                match demo::load_if_empty(&db).await? {
                    Some(credentials) => println!("{credentials}"),
                    None => println!("The database already holds data; the demo was not loaded."),
                }
            }
            let listener = tokio::net::TcpListener::bind(&bind).await?;
            println!(
                "Musrenbang is running at http://{}/ (GraphQL at /graphql)",
                listener.local_addr()?
            );
            let public_url = public_url
                .unwrap_or_else(|| format!("http://{}", bind))
                .trim_end_matches('/')
                .to_owned();
            let settings = ServerSettings {
                graphiql,
                introspection,
                trusted_proxies,
                event_retention_days,
                mailer,
                public_url,
                digest_hour,
                map_tiles: musrenbang::config::MapTiles::from_setting(&map_tiles, &map_attribution),
                files: match media_dir {
                    Some(dir) => musrenbang::files::FileStore::directory(dir)?,
                    None => musrenbang::files::FileStore::Database,
                },
                ..ServerSettings::default()
            };
            let state = AppState::with_settings(db.clone(), settings);
            let shutdown = state.shutdown.clone();
            let router = server::app(state, frontend_dir);
            server::serve(listener, router, shutdown, stop_signal()).await?;
            db.close().await;
            println!("Musrenbang stopped.");
        }
        Command::Schema => print!("{}", musrenbang::graphql::sdl()),
        Command::Migrate { database } => {
            Db::connect(&database.database_url).await?.migrate().await?;
            println!("Migrations applied.");
        }
        Command::CreateAdmin {
            email,
            name,
            password,
            database,
        } => {
            let db = Db::connect(&database.database_url).await?;
            db.migrate().await?;
            let account = domain::accounts::bootstrap_admin(&db, &name, &email, &password)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            println!("{} (account {}) is an administrator.", email, account.id);
        }
        Command::Pb {
            command: PbCommand::Tally { file, rule },
        } => {
            let rule: musrenbang::ranking::Rule = rule.parse()?;
            let election = musrenbang::pabulib::read_file(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let outcome = musrenbang::ranking::select(&election.to_instance(), rule)?;
            let mut ids = outcome.selected_ids();
            ids.sort_unstable();
            let mut out = String::new();
            for id in ids {
                out.push_str(id);
                out.push('\n');
            }
            print!("{out}");
        }
        Command::Pb {
            command:
                PbCommand::Export {
                    round,
                    output,
                    database,
                },
        } => {
            let db = Db::connect(&database.database_url).await?;
            let text = domain::open_data::export_pb(&db, round)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            match output {
                Some(path) => std::fs::write(path, text)?,
                None => print!("{text}"),
            }
        }
        Command::Pb {
            command: PbCommand::Import { file, database },
        } => {
            let election = musrenbang::pabulib::read_file(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let db = Db::connect(&database.database_url).await?;
            db.migrate().await?;
            let imported = domain::open_data::import_pb(&db, &election)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            println!(
                "Imported {} proposals and {} ballots as forum {} with closed voting round {}.",
                imported.proposals, imported.ballots, imported.forum_id, imported.round_id
            );
        }
        Command::Export {
            format,
            forum,
            cycle,
            level,
            region,
            out,
            public_url,
            database,
        } => {
            let db = Db::connect(&database.database_url).await?;
            // The same parameters as `GET /export`, so both check them alike.
            let params: HashMap<String, String> = [
                ("forum", forum.map(|id| id.to_string())),
                ("cycle", cycle.map(|id| id.to_string())),
                ("level", level),
                ("region", region.map(|id| id.to_string())),
            ]
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_owned(), value?)))
            .collect();
            let fail = |e: musrenbang::error::AppError| anyhow::anyhow!(e.message());
            let format: export::Format = format.parse().map_err(fail)?;
            let scope = export::Scope::from_params(&params).map_err(fail)?;
            let mut prepared = export::prepare(&db, None, true, format, scope)
                .await
                .map_err(fail)?;
            prepared.link_base = public_url.unwrap_or_default();
            let path = out.unwrap_or_else(|| prepared.file_name().into());
            if path.as_os_str() == "-" {
                export::write(&db, &prepared, &mut tokio::io::stdout())
                    .await
                    .map_err(fail)?;
            } else {
                let mut file = tokio::fs::File::create(&path).await?;
                export::write(&db, &prepared, &mut file)
                    .await
                    .map_err(fail)?;
                println!(
                    "Wrote {} ({} forums).",
                    path.display(),
                    prepared.forum_count()
                );
            }
        }
        Command::Backup { out, database } => {
            let report = musrenbang::backup::backup(&database.database_url, &out).await?;
            println!(
                "Wrote {} ({} bytes, schema at migration {}).",
                report.path.display(),
                report.bytes,
                report.migrations
            );
        }
        Command::Restore {
            file,
            replace,
            database,
        } => {
            musrenbang::backup::restore(&file, &database.database_url, replace).await?;
            println!("Restored {}.", file.display());
        }
        Command::ImportRegions { file, database } => {
            let db = Db::connect(&database.database_url).await?;
            db.migrate().await?;
            let reader = std::fs::File::open(&file)?;
            match domain::regions::import_csv(&db, reader).await {
                Ok(report) => println!(
                    "{} regions created, {} renamed, {} unchanged.",
                    report.created, report.renamed, report.unchanged
                ),
                Err(err) => {
                    let details = match &err {
                        musrenbang::error::AppError::BadUserInput { fields, .. } => fields
                            .iter()
                            .map(|f| f.message.clone())
                            .collect::<Vec<_>>()
                            .join("\n"),
                        other => other.message(),
                    };
                    anyhow::bail!("{}: nothing was imported.\n{details}", file.display());
                }
            }
        }
    }
    Ok(())
}
