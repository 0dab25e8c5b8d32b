-- The events this load adds to evt_event (valid, first occurrence, not stored before).
-- Every later step of the load reads them here instead of finding them again in
-- evt_event by batch_id inside the load's time window, where late events make that
-- window span days of other loads' events. Distributed like evt_event, so the
-- sessionization's join of the two stays on each slice.
create table if not exists streamflix.stg_event (
    event_ts timestamp not null encode az64,
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
    line_no bigint not null encode az64
)
distkey (session_id);
