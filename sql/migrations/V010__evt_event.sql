-- Silver layer: every valid, de-duplicated event, typed. Sessions are recomputed from
-- it when late events arrive. Sorted on event_ts so a load's 72-hour look-back reads
-- only the blocks it needs; distributed on session_id so one session's events sit on
-- one slice.
create table if not exists streamflix.evt_event (
    event_ts timestamp not null encode raw,
    event_id varchar(64) not null encode zstd,
    event_type varchar(16) not null encode zstd,
    event_us bigint not null encode az64,
    user_id varchar(64) not null encode zstd,
    content_id varchar(64) not null encode zstd,
    device_id varchar(64) not null encode zstd,
    device_type varchar(64) not null encode zstd,
    os varchar(256) encode zstd,
    app_version varchar(256) encode zstd,
    utc_offset_minutes integer not null encode az64,
    session_id varchar(64) encode zstd,
    position_sec decimal(18, 3) encode az64,
    from_position_sec decimal(18, 3) encode az64,
    rating smallint encode az64,
    local_date_key integer not null encode az64,
    local_time_key smallint not null encode az64,
    batch_id bigint not null encode az64,
    line_no bigint not null encode az64,
    primary key (event_id)
)
distkey (session_id)
compound sortkey (event_ts, session_id);
