-- Accumulating snapshot: one row per playback session, recomputed from all its events
-- whenever a load brings one. Distributed on the user key (collocated with dim_user),
-- sorted on the local start date the reports filter and group on.
create table if not exists streamflix.fact_viewing_session (
    session_id varchar(64) not null encode zstd,
    user_key bigint not null encode az64,
    content_key bigint not null encode az64,
    device_key bigint not null encode az64,
    start_date_key integer not null encode raw,
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
    last_batch_id bigint not null encode az64,
    primary key (session_id),
    foreign key (user_key) references streamflix.dim_user (user_key),
    foreign key (content_key) references streamflix.dim_content (content_key),
    foreign key (device_key) references streamflix.dim_device (device_key),
    foreign key (start_date_key) references streamflix.dim_date (date_key),
    foreign key (start_time_key) references streamflix.dim_time_of_day (time_key)
)
distkey (user_key)
compound sortkey (start_date_key, session_end_ts);
