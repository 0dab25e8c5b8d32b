-- One row per load. lines_read = events_loaded + duplicates + quarantined, where
-- events_loaded counts loaded events and loaded reference-feed records.
-- watermark_ts is the state the next load starts from (the latest valid event_ts).
create table if not exists streamflix.etl_batch (
    batch_id bigint not null encode raw,
    load_token varchar(36) not null encode zstd,
    source varchar(1100) not null encode zstd,
    started_at timestamp not null encode az64,
    finished_at timestamp encode az64,
    lines_read bigint encode az64,
    events_loaded bigint encode az64,
    duplicates bigint encode az64,
    quarantined bigint encode az64,
    prev_watermark_ts timestamp encode az64,
    watermark_ts timestamp encode az64,
    min_event_ts timestamp encode az64,
    max_event_ts timestamp encode az64,
    primary key (batch_id)
)
diststyle all
sortkey (batch_id);
