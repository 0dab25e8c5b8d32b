-- stg_line without raw_line: the parse no longer copies every line's text (the quarantine
-- takes it from stg_raw_line by line_no), so a load no longer writes every line's text twice.
-- stg_line is scratch space emptied by every load, so it is rebuilt rather than altered
-- (Redshift has no DROP COLUMN IF EXISTS; this keeps the migration idempotent).
drop table if exists streamflix.stg_line;

create table if not exists streamflix.stg_line (
    line_no bigint not null encode az64,
    source varchar(1024) not null encode zstd,
    kind varchar(16) not null encode zstd,
    reason varchar(32) encode zstd,
    detail varchar(64) encode zstd,
    event_id varchar(64) encode zstd,
    event_type varchar(16) encode zstd,
    event_ts timestamp encode az64,
    event_us bigint encode az64,
    user_id varchar(64) encode zstd,
    content_id varchar(64) encode zstd,
    device_id varchar(64) encode zstd,
    device_type varchar(64) encode zstd,
    os varchar(256) encode zstd,
    app_version varchar(256) encode zstd,
    utc_offset_minutes integer encode az64,
    session_id varchar(64) encode zstd,
    position_sec decimal(18, 3) encode az64,
    from_position_sec decimal(18, 3) encode az64,
    rating smallint encode az64,
    local_date_key integer encode az64,
    local_time_key smallint encode az64,
    updated_at timestamp encode az64,
    country varchar(2) encode zstd,
    plan varchar(256) encode zstd,
    subscription_status varchar(16) encode zstd,
    signup_date date encode az64,
    birth_year integer encode az64,
    gender varchar(256) encode zstd,
    content_type varchar(16) encode zstd,
    title varchar(1024) encode zstd,
    duration_sec integer encode az64,
    genres varchar(65535) encode zstd,
    series_id varchar(64) encode zstd,
    series_title varchar(1024) encode zstd,
    season_number integer encode az64,
    episode_number integer encode az64,
    release_date date encode az64,
    maturity_rating varchar(256) encode zstd,
    production_country varchar(256) encode zstd
)
diststyle even;
