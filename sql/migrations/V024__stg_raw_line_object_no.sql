-- stg_raw_line with object_no, each landed line's object's position in its load, set by
-- the stamp. "A later line for the same content_id replaces the earlier one": on Redshift
-- COPY's IDENTITY values are unique but not in the order of the files, so line_no alone
-- cannot say which of two objects of one load came later (docs/decisions.md W19). Scratch
-- space emptied by every load: rebuilt rather than altered, so the migration can run again.
drop table if exists streamflix.stg_raw_line;

create table if not exists streamflix.stg_raw_line (
    line_no bigint identity(1, 1) encode az64,
    raw_line varchar(65535) encode zstd,
    source varchar(1024) encode zstd,
    kind varchar(16) encode zstd,
    object_no integer encode az64
)
diststyle even;
