-- The recomputed rows of the sessions a load touches: the MERGE source (Redshift's
-- MERGE needs a table, one source row per target row).
create table if not exists streamflix.stg_session (
    session_id varchar(64) not null encode zstd,
    user_key bigint not null encode az64,
    content_key bigint not null encode az64,
    device_key bigint not null encode az64,
    start_date_key integer not null encode az64,
    start_time_key smallint not null encode az64,
    session_start_ts timestamp not null encode az64,
    session_end_ts timestamp not null encode az64,
    session_duration_seconds bigint not null encode az64,
    watch_duration_seconds bigint not null encode az64,
    pause_count integer not null encode az64,
    seek_count integer not null encode az64,
    event_count integer not null encode az64,
    max_position_sec bigint not null encode az64,
    is_completed_flag boolean not null encode zstd,
    is_closed boolean not null encode zstd,
    utc_offset_minutes integer not null encode az64,
    last_batch_id bigint not null encode az64
)
distkey (user_key);
