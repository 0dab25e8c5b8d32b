-- The schema and the record of applied migrations; run (idempotently) before anything
-- reads schema_migrations, so that an empty database can be migrated.
create schema if not exists streamflix;

create table if not exists streamflix.schema_migrations (
    version varchar(128) not null encode raw,
    name varchar(256) not null encode zstd,
    checksum char(64) not null encode zstd,
    applied_at timestamp not null encode az64,
    primary key (version)
)
diststyle all
sortkey (version);
