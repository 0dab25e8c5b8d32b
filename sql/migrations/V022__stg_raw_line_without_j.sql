-- stg_raw_line without j: the landed lines were once parsed into this SUPER column by
-- the stamp; since W9 the parse step parses each line itself and nothing writes or reads
-- j. stg_raw_line is scratch space emptied by every load, so it is rebuilt rather than
-- altered (as V020 rebuilt stg_line), which keeps the migration idempotent.
drop table if exists streamflix.stg_raw_line;

create table if not exists streamflix.stg_raw_line (
    line_no bigint identity(1, 1) encode az64,
    raw_line varchar(65535) encode zstd,
    source varchar(1024) encode zstd,
    kind varchar(16) encode zstd
)
diststyle even;
