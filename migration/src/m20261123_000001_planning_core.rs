//! The planning core: regions, catalogue, accounts and roles, cycles and forums, proposals with
//! their history, comments and the audit log. Identical on SQLite and PostgreSQL.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
    Path,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Id,
    Code,
    Name,
    Abbreviation,
}

#[derive(DeriveIden)]
enum Sectors {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    Code,
    Name,
    SectorId,
    AgencyId,
    Unit,
    UnitCost,
    Physical,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Name,
    Email,
    Phone,
    PasswordHash,
    HomeRegionId,
    Verification,
    VerifiedBy,
    VerifiedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoleGrants {
    Table,
    Id,
    AccountId,
    Role,
    ForumId,
    RegionId,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuthTokens {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Cycles {
    Table,
    Id,
    PlanYear,
    Name,
    RegionId,
    Status,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Stages {
    Table,
    Id,
    CycleId,
    Level,
    OpensAt,
    ClosesAt,
    Locked,
}

#[derive(DeriveIden)]
enum Forums {
    Table,
    Id,
    CycleId,
    Level,
    RegionId,
    AgencyId,
    ParentForumId,
    Name,
    Status,
    BudgetCeiling,
    SelectionLimit,
    MaxCount,
    TolerancePercent,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    Code,
    CycleId,
    ForumId,
    Level,
    Status,
    Title,
    Problem,
    Solution,
    SectorId,
    Physical,
    ActivityId,
    RegionId,
    Address,
    Latitude,
    Longitude,
    Volume,
    Unit,
    EstimatedCost,
    Beneficiaries,
    ProposerType,
    ProposerId,
    InitialAgencyId,
    FinalAgencyId,
    MergedIntoId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalAttachments {
    Table,
    Id,
    ProposalId,
    Kind,
    FileName,
    ContentType,
    SizeBytes,
    Url,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProposalStatusChanges {
    Table,
    Id,
    ProposalId,
    Level,
    ForumId,
    FromStatus,
    ToStatus,
    ActorId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Recommendations {
    Table,
    Id,
    ProposalId,
    Level,
    ForumId,
    Recommender,
    Decision,
    Volume,
    Amount,
    Note,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    ProposalId,
    ParentId,
    AuthorId,
    Body,
    HiddenAt,
    HiddenBy,
    HiddenReason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    CreatedAt,
}

fn fk(
    from_table: impl IntoIden + 'static,
    from_col: impl IntoIden + 'static,
    to_table: impl IntoIden + 'static,
    to_col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    cols: &[&str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(pk_auto(Regions::Id))
                    .col(string_len_uniq(Regions::Code, 32))
                    .col(string_len(Regions::Name, 200))
                    .col(string_len(Regions::Level, 32))
                    .col(integer_null(Regions::ParentId))
                    .col(string_len(Regions::Path, 400))
                    .col(timestamp_with_time_zone(Regions::CreatedAt))
                    .foreign_key(&mut fk(
                        Regions::Table,
                        Regions::ParentId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_regions_parent",
                Regions::Table,
                &["parent_id"],
                false,
            ))
            .await?;
        manager
            .create_index(index("idx_regions_path", Regions::Table, &["path"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Agencies::Table)
                    .col(pk_auto(Agencies::Id))
                    .col(string_len_uniq(Agencies::Code, 32))
                    .col(string_len(Agencies::Name, 200))
                    .col(string_len_null(Agencies::Abbreviation, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sectors::Table)
                    .col(pk_auto(Sectors::Id))
                    .col(string_len_uniq(Sectors::Code, 32))
                    .col(string_len(Sectors::Name, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .col(pk_auto(Activities::Id))
                    .col(string_len_uniq(Activities::Code, 32))
                    .col(string_len(Activities::Name, 300))
                    .col(integer(Activities::SectorId))
                    .col(integer_null(Activities::AgencyId))
                    .col(string_len(Activities::Unit, 40))
                    .col(big_integer(Activities::UnitCost))
                    .col(boolean(Activities::Physical))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::SectorId,
                        Sectors::Table,
                        Sectors::Id,
                    ))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::AgencyId,
                        Agencies::Table,
                        Agencies::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(pk_auto(Accounts::Id))
                    .col(string_len(Accounts::Name, 120))
                    .col(string_len_null(Accounts::Email, 254).unique_key())
                    .col(string_len_null(Accounts::Phone, 20).unique_key())
                    .col(string_len(Accounts::PasswordHash, 200))
                    .col(integer_null(Accounts::HomeRegionId))
                    .col(string_len(Accounts::Verification, 16))
                    .col(integer_null(Accounts::VerifiedBy))
                    .col(timestamp_with_time_zone_null(Accounts::VerifiedAt))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .foreign_key(&mut fk(
                        Accounts::Table,
                        Accounts::HomeRegionId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuthTokens::Table)
                    .col(pk_auto(AuthTokens::Id))
                    .col(integer(AuthTokens::AccountId))
                    .col(string_len_uniq(AuthTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(AuthTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AuthTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AuthTokens::RevokedAt))
                    .foreign_key(
                        fk(
                            AuthTokens::Table,
                            AuthTokens::AccountId,
                            Accounts::Table,
                            Accounts::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Cycles::Table)
                    .col(pk_auto(Cycles::Id))
                    .col(integer(Cycles::PlanYear))
                    .col(string_len(Cycles::Name, 200))
                    .col(integer(Cycles::RegionId))
                    .col(string_len(Cycles::Status, 16))
                    .col(integer_null(Cycles::CreatedBy))
                    .col(timestamp_with_time_zone(Cycles::CreatedAt))
                    .foreign_key(&mut fk(
                        Cycles::Table,
                        Cycles::RegionId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Stages::Table)
                    .col(pk_auto(Stages::Id))
                    .col(integer(Stages::CycleId))
                    .col(string_len(Stages::Level, 32))
                    .col(timestamp_with_time_zone(Stages::OpensAt))
                    .col(timestamp_with_time_zone(Stages::ClosesAt))
                    .col(boolean(Stages::Locked).default(false))
                    .foreign_key(
                        fk(Stages::Table, Stages::CycleId, Cycles::Table, Cycles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "uq_stages_cycle_level",
                Stages::Table,
                &["cycle_id", "level"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Forums::Table)
                    .col(pk_auto(Forums::Id))
                    .col(integer(Forums::CycleId))
                    .col(string_len(Forums::Level, 32))
                    .col(integer(Forums::RegionId))
                    .col(integer_null(Forums::AgencyId))
                    .col(integer_null(Forums::ParentForumId))
                    .col(string_len(Forums::Name, 200))
                    .col(string_len(Forums::Status, 16))
                    .col(big_integer_null(Forums::BudgetCeiling))
                    .col(string_len(Forums::SelectionLimit, 16))
                    .col(integer_null(Forums::MaxCount))
                    .col(integer(Forums::TolerancePercent).default(0))
                    .col(timestamp_with_time_zone(Forums::CreatedAt))
                    .foreign_key(&mut fk(
                        Forums::Table,
                        Forums::CycleId,
                        Cycles::Table,
                        Cycles::Id,
                    ))
                    .foreign_key(&mut fk(
                        Forums::Table,
                        Forums::RegionId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .foreign_key(&mut fk(
                        Forums::Table,
                        Forums::AgencyId,
                        Agencies::Table,
                        Agencies::Id,
                    ))
                    .foreign_key(&mut fk(
                        Forums::Table,
                        Forums::ParentForumId,
                        Forums::Table,
                        Forums::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_forums_cycle",
                Forums::Table,
                &["cycle_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleGrants::Table)
                    .col(pk_auto(RoleGrants::Id))
                    .col(integer(RoleGrants::AccountId))
                    .col(string_len(RoleGrants::Role, 16))
                    .col(integer_null(RoleGrants::ForumId))
                    .col(integer_null(RoleGrants::RegionId))
                    .col(integer_null(RoleGrants::GrantedBy))
                    .col(timestamp_with_time_zone(RoleGrants::CreatedAt))
                    .foreign_key(
                        fk(
                            RoleGrants::Table,
                            RoleGrants::AccountId,
                            Accounts::Table,
                            Accounts::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk(
                        RoleGrants::Table,
                        RoleGrants::ForumId,
                        Forums::Table,
                        Forums::Id,
                    ))
                    .foreign_key(&mut fk(
                        RoleGrants::Table,
                        RoleGrants::RegionId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_role_grants_account",
                RoleGrants::Table,
                &["account_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(pk_auto(Proposals::Id))
                    .col(string_len_uniq(Proposals::Code, 32))
                    .col(integer(Proposals::CycleId))
                    .col(integer(Proposals::ForumId))
                    .col(string_len(Proposals::Level, 32))
                    .col(string_len(Proposals::Status, 24))
                    .col(string_len(Proposals::Title, 200))
                    .col(text(Proposals::Problem))
                    .col(text(Proposals::Solution))
                    .col(integer_null(Proposals::SectorId))
                    .col(boolean(Proposals::Physical))
                    .col(integer_null(Proposals::ActivityId))
                    .col(integer(Proposals::RegionId))
                    .col(string_len(Proposals::Address, 300))
                    .col(double_null(Proposals::Latitude))
                    .col(double_null(Proposals::Longitude))
                    .col(double(Proposals::Volume))
                    .col(string_len(Proposals::Unit, 40))
                    .col(big_integer(Proposals::EstimatedCost))
                    .col(integer(Proposals::Beneficiaries))
                    .col(string_len(Proposals::ProposerType, 24))
                    .col(integer(Proposals::ProposerId))
                    .col(integer_null(Proposals::InitialAgencyId))
                    .col(integer_null(Proposals::FinalAgencyId))
                    .col(integer_null(Proposals::MergedIntoId))
                    .col(timestamp_with_time_zone(Proposals::CreatedAt))
                    .col(timestamp_with_time_zone(Proposals::UpdatedAt))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::CycleId,
                        Cycles::Table,
                        Cycles::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::ForumId,
                        Forums::Table,
                        Forums::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::SectorId,
                        Sectors::Table,
                        Sectors::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::ActivityId,
                        Activities::Table,
                        Activities::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::RegionId,
                        Regions::Table,
                        Regions::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::ProposerId,
                        Accounts::Table,
                        Accounts::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::InitialAgencyId,
                        Agencies::Table,
                        Agencies::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::FinalAgencyId,
                        Agencies::Table,
                        Agencies::Id,
                    ))
                    .foreign_key(&mut fk(
                        Proposals::Table,
                        Proposals::MergedIntoId,
                        Proposals::Table,
                        Proposals::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_proposals_forum_status",
                Proposals::Table,
                &["forum_id", "status"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_proposals_cycle",
                Proposals::Table,
                &["cycle_id"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_proposals_proposer",
                Proposals::Table,
                &["proposer_id"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProposalAttachments::Table)
                    .col(pk_auto(ProposalAttachments::Id))
                    .col(integer(ProposalAttachments::ProposalId))
                    .col(string_len(ProposalAttachments::Kind, 24))
                    .col(string_len(ProposalAttachments::FileName, 255))
                    .col(string_len(ProposalAttachments::ContentType, 100))
                    .col(big_integer(ProposalAttachments::SizeBytes))
                    .col(string_len(ProposalAttachments::Url, 1000))
                    .col(integer(ProposalAttachments::UploadedBy))
                    .col(timestamp_with_time_zone(ProposalAttachments::CreatedAt))
                    .foreign_key(
                        fk(
                            ProposalAttachments::Table,
                            ProposalAttachments::ProposalId,
                            Proposals::Table,
                            Proposals::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProposalStatusChanges::Table)
                    .col(pk_auto(ProposalStatusChanges::Id))
                    .col(integer(ProposalStatusChanges::ProposalId))
                    .col(string_len(ProposalStatusChanges::Level, 32))
                    .col(integer(ProposalStatusChanges::ForumId))
                    .col(string_len_null(ProposalStatusChanges::FromStatus, 24))
                    .col(string_len(ProposalStatusChanges::ToStatus, 24))
                    .col(integer(ProposalStatusChanges::ActorId))
                    .col(text_null(ProposalStatusChanges::Note))
                    .col(timestamp_with_time_zone(ProposalStatusChanges::CreatedAt))
                    .foreign_key(
                        fk(
                            ProposalStatusChanges::Table,
                            ProposalStatusChanges::ProposalId,
                            Proposals::Table,
                            Proposals::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_status_changes_proposal",
                ProposalStatusChanges::Table,
                &["proposal_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Recommendations::Table)
                    .col(pk_auto(Recommendations::Id))
                    .col(integer(Recommendations::ProposalId))
                    .col(string_len(Recommendations::Level, 32))
                    .col(integer(Recommendations::ForumId))
                    .col(string_len(Recommendations::Recommender, 16))
                    .col(string_len(Recommendations::Decision, 16))
                    .col(double_null(Recommendations::Volume))
                    .col(big_integer_null(Recommendations::Amount))
                    .col(text(Recommendations::Note))
                    .col(integer(Recommendations::AuthorId))
                    .col(timestamp_with_time_zone(Recommendations::CreatedAt))
                    .foreign_key(
                        fk(
                            Recommendations::Table,
                            Recommendations::ProposalId,
                            Proposals::Table,
                            Proposals::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(pk_auto(Comments::Id))
                    .col(integer(Comments::ProposalId))
                    .col(integer_null(Comments::ParentId))
                    .col(integer(Comments::AuthorId))
                    .col(text(Comments::Body))
                    .col(timestamp_with_time_zone_null(Comments::HiddenAt))
                    .col(integer_null(Comments::HiddenBy))
                    .col(text_null(Comments::HiddenReason))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .foreign_key(
                        fk(
                            Comments::Table,
                            Comments::ProposalId,
                            Proposals::Table,
                            Proposals::Id,
                        )
                        .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut fk(
                        Comments::Table,
                        Comments::ParentId,
                        Comments::Table,
                        Comments::Id,
                    ))
                    .foreign_key(&mut fk(
                        Comments::Table,
                        Comments::AuthorId,
                        Accounts::Table,
                        Accounts::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_comments_proposal",
                Comments::Table,
                &["proposal_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(integer_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::EntityType, 32))
                    .col(integer_null(AuditLog::EntityId))
                    .col(text_null(AuditLog::Before))
                    .col(text_null(AuditLog::After))
                    .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            Comments::Table.into_iden(),
            Recommendations::Table.into_iden(),
            ProposalStatusChanges::Table.into_iden(),
            ProposalAttachments::Table.into_iden(),
            Proposals::Table.into_iden(),
            RoleGrants::Table.into_iden(),
            Forums::Table.into_iden(),
            Stages::Table.into_iden(),
            Cycles::Table.into_iden(),
            AuthTokens::Table.into_iden(),
            Accounts::Table.into_iden(),
            Activities::Table.into_iden(),
            Sectors::Table.into_iden(),
            Agencies::Table.into_iden(),
            Regions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
