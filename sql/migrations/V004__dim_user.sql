-- SCD type 2: one row per version of a user. Distributed on its key, like both facts,
-- so that fact-to-user joins are collocated. An inferred member (a user no snapshot
-- described yet) has version_number 1, is_inferred true and nulls elsewhere.
create table if not exists streamflix.dim_user (
    user_key bigint not null encode az64,
    user_id varchar(64) not null encode raw,
    country varchar(2) encode zstd,
    plan varchar(256) encode zstd,
    subscription_status varchar(16) encode zstd,
    signup_date date encode az64,
    birth_year integer encode az64,
    gender varchar(256) encode zstd,
    valid_from timestamp encode az64,
    valid_to timestamp encode az64,
    is_current boolean not null encode zstd,
    version_number integer not null encode az64,
    is_inferred boolean not null encode zstd,
    primary key (user_key)
)
distkey (user_key)
compound sortkey (user_id, valid_from);
