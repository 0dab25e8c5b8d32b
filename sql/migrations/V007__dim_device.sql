-- Type 1: one row per device with the attributes of its latest event
-- (by event_ts, then event_id, so late events never overwrite newer attributes).
create table if not exists streamflix.dim_device (
    device_key bigint not null encode raw,
    device_id varchar(64) not null encode zstd,
    device_type varchar(64) not null encode zstd,
    os varchar(256) encode zstd,
    app_version varchar(256) encode zstd,
    attributes_ts timestamp not null encode az64,
    attributes_event_id varchar(64) not null encode zstd,
    primary key (device_key)
)
diststyle all
sortkey (device_key);
