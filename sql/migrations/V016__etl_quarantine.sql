-- Lines that failed validation, verbatim, with the first rule they broke.
create table if not exists streamflix.etl_quarantine (
    batch_id bigint not null encode raw,
    line_no bigint not null encode az64,
    source varchar(1024) not null encode zstd,
    kind varchar(16) not null encode zstd,
    raw_line varchar(65535) encode zstd,
    reason varchar(32) not null encode zstd,
    detail varchar(64) encode zstd,
    quarantined_at timestamp not null encode az64
)
diststyle even
compound sortkey (batch_id, line_no);
