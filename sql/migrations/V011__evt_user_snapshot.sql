-- Silver layer of the user feed: every valid snapshot, so that the SCD2 versions of a
-- user can be rebuilt whatever order its snapshots arrive in. attr_sig is the
-- null-safe signature of the versioned attributes.
create table if not exists streamflix.evt_user_snapshot (
    user_id varchar(64) not null encode raw,
    updated_at timestamp not null encode az64,
    country varchar(2) not null encode zstd,
    plan varchar(256) not null encode zstd,
    subscription_status varchar(16) not null encode zstd,
    signup_date date encode az64,
    birth_year integer encode az64,
    gender varchar(256) encode zstd,
    attr_sig varchar(1024) not null encode zstd,
    batch_id bigint not null encode az64,
    line_no bigint not null encode az64
)
distkey (user_id)
compound sortkey (user_id, updated_at);
