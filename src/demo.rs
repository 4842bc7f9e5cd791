pub async fn load_if_empty(_db: &crate::db::Db) -> anyhow::Result<Option<String>> { Ok(None) }
