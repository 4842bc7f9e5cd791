//! The complaint channel between forums: residents' reports (aspirations, complaints, requests
//! for information) with their categories (each routed to an agency), history, followers,
//! photos and satisfaction surveys, and the calendar of holidays the service clocks skip.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportCategories {
    Table,
    Id,
    Code,
    Name,
    AgencyId,
    VerifyDays,
    FollowUpDays,
    Active,
}

#[derive(DeriveIden)]
enum Holidays {
    Table,
    Id,
    Day,
    Name,
    Kind,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    Kind,
    Title,
    Body,
    CategoryId,
    RegionId,
    Latitude,
    Longitude,
    Address,
    Privacy,
    ShareIdentityWithAgency,
    ReporterId,
    Status,
    AgencyId,
    RejectionReason,
    MergedIntoId,
    ProposalId,
    EscalationLevel,
    EscalatedAt,
    Disputed,
    VerifyDueAt,
    VerifiedAt,
    DisposedAt,
    FollowUpDueAt,
    FirstFollowUpAt,
    AnsweredAt,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReportUpdates {
    Table,
    Id,
    ReportId,
    ActorId,
    ActorRole,
    FromStatus,
    ToStatus,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportFollowers {
    Table,
    Id,
    ReportId,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportPhotos {
    Table,
    Id,
    ReportId,
    UpdateId,
    UploadedBy,
    ContentType,
    Bytes,
    Thumbnail,
    Width,
    Height,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SatisfactionSurveys {
    Table,
    Id,
    ReportId,
    AgencyId,
    Requirements,
    Procedure,
    Time,
    Cost,
    Product,
    Competence,
    Conduct,
    ComplaintHandling,
    Facilities,
    Suggestion,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

fn cascade_to(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn refers_to(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<Reports>,
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReportCategories::Table)
                    .col(pk_auto(ReportCategories::Id))
                    .col(string_len_uniq(ReportCategories::Code, 32))
                    .col(string_len(ReportCategories::Name, 200))
                    .col(integer(ReportCategories::AgencyId))
                    .col(integer(ReportCategories::VerifyDays).default(3))
                    .col(integer(ReportCategories::FollowUpDays).default(5))
                    .col(boolean(ReportCategories::Active).default(true))
                    .foreign_key(&mut refers_to(
                        (ReportCategories::Table, ReportCategories::AgencyId),
                        (Agencies::Table, Agencies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Holidays::Table)
                    .col(pk_auto(Holidays::Id))
                    .col(date_uniq(Holidays::Day))
                    .col(string_len(Holidays::Name, 200))
                    .col(string_len(Holidays::Kind, 32))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(pk_auto(Reports::Id))
                    .col(string_len(Reports::Kind, 32))
                    .col(string_len(Reports::Title, 200))
                    .col(text(Reports::Body))
                    .col(integer(Reports::CategoryId))
                    .col(integer(Reports::RegionId))
                    .col(double_null(Reports::Latitude))
                    .col(double_null(Reports::Longitude))
                    .col(string_len(Reports::Address, 300))
                    .col(string_len(Reports::Privacy, 32))
                    .col(boolean(Reports::ShareIdentityWithAgency).default(false))
                    .col(integer(Reports::ReporterId))
                    .col(string_len(Reports::Status, 32))
                    .col(integer_null(Reports::AgencyId))
                    .col(string_len_null(Reports::RejectionReason, 32))
                    .col(integer_null(Reports::MergedIntoId))
                    .col(integer_null(Reports::ProposalId))
                    .col(integer(Reports::EscalationLevel).default(0))
                    .col(timestamp_with_time_zone_null(Reports::EscalatedAt))
                    .col(boolean(Reports::Disputed).default(false))
                    .col(timestamp_with_time_zone(Reports::VerifyDueAt))
                    .col(timestamp_with_time_zone_null(Reports::VerifiedAt))
                    .col(timestamp_with_time_zone_null(Reports::DisposedAt))
                    .col(timestamp_with_time_zone_null(Reports::FollowUpDueAt))
                    .col(timestamp_with_time_zone_null(Reports::FirstFollowUpAt))
                    .col(timestamp_with_time_zone_null(Reports::AnsweredAt))
                    .col(timestamp_with_time_zone_null(Reports::ClosedAt))
                    .col(timestamp_with_time_zone(Reports::CreatedAt))
                    .col(timestamp_with_time_zone(Reports::UpdatedAt))
                    .foreign_key(&mut refers_to(
                        (Reports::Table, Reports::CategoryId),
                        (ReportCategories::Table, ReportCategories::Id),
                    ))
                    .foreign_key(&mut refers_to(
                        (Reports::Table, Reports::RegionId),
                        (Regions::Table, Regions::Id),
                    ))
                    .foreign_key(&mut refers_to(
                        (Reports::Table, Reports::ReporterId),
                        (Accounts::Table, Accounts::Id),
                    ))
                    .foreign_key(&mut refers_to(
                        (Reports::Table, Reports::AgencyId),
                        (Agencies::Table, Agencies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_reports_status",
            Reports::Table,
            vec![Reports::Status, Reports::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_reports_agency",
            Reports::Table,
            vec![Reports::AgencyId, Reports::Status],
        )
        .await?;
        index(
            manager,
            "idx_reports_reporter",
            Reports::Table,
            vec![Reports::ReporterId],
        )
        .await?;
        index(
            manager,
            "idx_reports_category",
            Reports::Table,
            vec![Reports::CategoryId, Reports::CreatedAt],
        )
        .await?;
        index(
            manager,
            "idx_reports_region",
            Reports::Table,
            vec![Reports::RegionId],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportUpdates::Table)
                    .col(pk_auto(ReportUpdates::Id))
                    .col(integer(ReportUpdates::ReportId))
                    .col(integer_null(ReportUpdates::ActorId))
                    .col(string_len(ReportUpdates::ActorRole, 32))
                    .col(string_len_null(ReportUpdates::FromStatus, 32))
                    .col(string_len(ReportUpdates::ToStatus, 32))
                    .col(text_null(ReportUpdates::Note))
                    .col(timestamp_with_time_zone(ReportUpdates::CreatedAt))
                    .foreign_key(&mut cascade_to(
                        (ReportUpdates::Table, ReportUpdates::ReportId),
                        (Reports::Table, Reports::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_updates_report")
                    .table(ReportUpdates::Table)
                    .col(ReportUpdates::ReportId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportFollowers::Table)
                    .col(pk_auto(ReportFollowers::Id))
                    .col(integer(ReportFollowers::ReportId))
                    .col(integer(ReportFollowers::AccountId))
                    .col(timestamp_with_time_zone(ReportFollowers::CreatedAt))
                    .foreign_key(&mut cascade_to(
                        (ReportFollowers::Table, ReportFollowers::ReportId),
                        (Reports::Table, Reports::Id),
                    ))
                    .foreign_key(&mut cascade_to(
                        (ReportFollowers::Table, ReportFollowers::AccountId),
                        (Accounts::Table, Accounts::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_followers_unique")
                    .table(ReportFollowers::Table)
                    .col(ReportFollowers::ReportId)
                    .col(ReportFollowers::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_followers_account")
                    .table(ReportFollowers::Table)
                    .col(ReportFollowers::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportPhotos::Table)
                    .col(pk_auto(ReportPhotos::Id))
                    .col(integer(ReportPhotos::ReportId))
                    .col(integer_null(ReportPhotos::UpdateId))
                    .col(integer(ReportPhotos::UploadedBy))
                    .col(string_len(ReportPhotos::ContentType, 64))
                    .col(blob(ReportPhotos::Bytes))
                    .col(blob_null(ReportPhotos::Thumbnail))
                    .col(integer_null(ReportPhotos::Width))
                    .col(integer_null(ReportPhotos::Height))
                    .col(timestamp_with_time_zone(ReportPhotos::CreatedAt))
                    .foreign_key(&mut cascade_to(
                        (ReportPhotos::Table, ReportPhotos::ReportId),
                        (Reports::Table, Reports::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_report_photos_report")
                    .table(ReportPhotos::Table)
                    .col(ReportPhotos::ReportId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SatisfactionSurveys::Table)
                    .col(pk_auto(SatisfactionSurveys::Id))
                    .col(integer_uniq(SatisfactionSurveys::ReportId))
                    .col(integer(SatisfactionSurveys::AgencyId))
                    .col(small_integer(SatisfactionSurveys::Requirements))
                    .col(small_integer(SatisfactionSurveys::Procedure))
                    .col(small_integer(SatisfactionSurveys::Time))
                    .col(small_integer(SatisfactionSurveys::Cost))
                    .col(small_integer(SatisfactionSurveys::Product))
                    .col(small_integer(SatisfactionSurveys::Competence))
                    .col(small_integer(SatisfactionSurveys::Conduct))
                    .col(small_integer(SatisfactionSurveys::ComplaintHandling))
                    .col(small_integer(SatisfactionSurveys::Facilities))
                    .col(text_null(SatisfactionSurveys::Suggestion))
                    .col(timestamp_with_time_zone(SatisfactionSurveys::CreatedAt))
                    .foreign_key(&mut cascade_to(
                        (SatisfactionSurveys::Table, SatisfactionSurveys::ReportId),
                        (Reports::Table, Reports::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_satisfaction_agency")
                    .table(SatisfactionSurveys::Table)
                    .col(SatisfactionSurveys::AgencyId)
                    .col(SatisfactionSurveys::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SatisfactionSurveys::Table.into_iden(),
            ReportPhotos::Table.into_iden(),
            ReportFollowers::Table.into_iden(),
            ReportUpdates::Table.into_iden(),
            Reports::Table.into_iden(),
            Holidays::Table.into_iden(),
            ReportCategories::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
