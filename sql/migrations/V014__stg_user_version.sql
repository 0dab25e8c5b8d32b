-- The rebuilt SCD2 versions of the users a load touches (and inferred members for
-- users its events name first), with their surrogate keys.
create table if not exists streamflix.stg_user_version (
    user_key bigint not null encode az64,
    user_id varchar(64) not null encode zstd,
    country varchar(2) encode zstd,
    plan varchar(256) encode zstd,
    subscription_status varchar(16) encode zstd,
    signup_date date encode az64,
    birth_year integer encode az64,
    gender varchar(256) encode zstd,
    valid_from timestamp encode az64,
    valid_to timestamp encode az64,
    version_number integer not null encode az64,
    is_inferred boolean not null encode zstd
)
distkey (user_key);
