-- Landing table: one row per line as COPY read it, verbatim. line_no keeps the file
-- order locally (parallel COPY on Redshift keeps no strict order across slices).
-- Cleared with DELETE at the start of each load (TRUNCATE would commit).
create table if not exists streamflix.stg_raw_line (
    line_no bigint identity(1, 1) encode az64,
    raw_line varchar(65535) encode zstd,
    source varchar(1024) encode zstd,
    kind varchar(16) encode zstd,
    j super encode zstd
)
diststyle even;
