//! Batch loading so a list of N proposals costs one query per related table, not N.
use std::{collections::HashMap, marker::PhantomData};

use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{
    ColumnTrait, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter, QueryOrder,
    Value,
};

use crate::{db::Db, error::AppError};

fn as_id(value: Value) -> Option<i32> {
    match value {
        Value::Int(Some(id)) => Some(id),
        _ => None,
    }
}

/// Loads rows of one entity by primary key.
pub struct ById<E> {
    db: Db,
    entity: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> Loader<i32> for ById<E>
where
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let pk = E::PrimaryKey::iter()
            .next()
            .ok_or_else(|| AppError::invariant("an entity without a primary key"))?
            .into_column();
        let rows = E::find()
            .filter(pk.is_in(keys.iter().copied()))
            .all(self.db.reader())
            .await
            .map_err(AppError::from)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| as_id(row.get(pk)).map(|id| (id, row)))
            .collect())
    }
}

/// Loads the children of many parents at once, by a foreign-key column, in primary-key order.
pub struct HasMany<E: EntityTrait> {
    db: Db,
    foreign_key: E::Column,
}

impl<E: EntityTrait> Loader<i32> for HasMany<E>
where
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let pk = E::PrimaryKey::iter()
            .next()
            .ok_or_else(|| AppError::invariant("an entity without a primary key"))?
            .into_column();
        let rows = E::find()
            .filter(self.foreign_key.is_in(keys.iter().copied()))
            .order_by_asc(pk)
            .all(self.db.reader())
            .await
            .map_err(AppError::from)?;
        let mut grouped: HashMap<i32, Vec<E::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(parent) = as_id(row.get(self.foreign_key)) {
                grouped.entry(parent).or_default().push(row);
            }
        }
        Ok(grouped)
    }
}

pub fn by_id<E: EntityTrait>(db: &Db) -> DataLoader<ById<E>>
where
    E::Model: Clone + Send + Sync,
{
    DataLoader::new(
        ById {
            db: db.clone(),
            entity: PhantomData,
        },
        tokio::spawn,
    )
}

pub fn has_many<E: EntityTrait>(db: &Db, foreign_key: E::Column) -> DataLoader<HasMany<E>>
where
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    DataLoader::new(
        HasMany {
            db: db.clone(),
            foreign_key,
        },
        tokio::spawn,
    )
}
