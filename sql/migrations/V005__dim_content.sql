-- Type 1: one row per playable item; show -> season -> episode flattened onto the
-- episode row, movies leave the series columns null.
create table if not exists streamflix.dim_content (
    content_key bigint not null encode raw,
    content_id varchar(64) not null encode zstd,
    content_type varchar(16) encode zstd,
    title varchar(1024) encode zstd,
    series_id varchar(64) encode zstd,
    series_title varchar(1024) encode zstd,
    season_number integer encode az64,
    episode_number integer encode az64,
    duration_sec integer encode az64,
    primary_genre varchar(256) encode zstd,
    release_date date encode az64,
    maturity_rating varchar(256) encode zstd,
    production_country varchar(256) encode zstd,
    is_inferred boolean not null encode zstd,
    primary key (content_key)
)
diststyle all
sortkey (content_key);
