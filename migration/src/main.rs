//! Runs the migrations on their own: `migration [up|down|status|fresh]` against `DATABASE_URL`.
use migration::Migrator;
use sea_orm_migration::{sea_orm::Database, MigratorTrait};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://musrenbang.db?mode=rwc".to_owned());
    let db = Database::connect(&url).await?;
    match std::env::args().nth(1).as_deref().unwrap_or("up") {
        "up" => Migrator::up(&db, None).await?,
        "down" => Migrator::down(&db, Some(1)).await?,
        "fresh" => Migrator::fresh(&db).await?,
        "status" => Migrator::status(&db).await?,
        other => {
            return Err(format!("unknown command {other}: use up, down, status or fresh").into())
        }
    }
    Ok(())
}
