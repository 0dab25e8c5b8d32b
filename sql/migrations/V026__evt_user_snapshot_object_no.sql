-- evt_user_snapshot gets object_no, the position in its load of the object a snapshot came
-- from. Of two snapshots of one user at the same instant the later loaded wins: within one
-- load that is the later object, and COPY's IDENTITY values (line_no) are unique but not in
-- the order of the objects on Redshift (as for content since V024, docs/decisions.md W20).
-- The table is rebuilt, its rows copied, because every column keeps an explicit ENCODE
-- (Redshift's ADD COLUMN takes one, the SQL parser the tests run does not) and the file
-- stays safe to run again. Stored snapshots get 0: each came from an earlier batch, which
-- still orders them, then line_no as before (a second run would set 0 again). The default
-- keeps a load written before this file working while a deployment replaces the function
-- (it runs after the migrations, so the other way round never happens).
drop table if exists streamflix.evt_user_snapshot_v026;

create table if not exists streamflix.evt_user_snapshot_v026 (
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
    line_no bigint not null encode az64,
    object_no integer default 0 encode az64 not null
)
distkey (user_id)
compound sortkey (user_id, updated_at);

insert into streamflix.evt_user_snapshot_v026 (
    user_id, updated_at, country, plan, subscription_status, signup_date, birth_year, gender, attr_sig,
    batch_id, line_no, object_no
)
select
    user_id,
    updated_at,
    country,
    plan,
    subscription_status,
    signup_date,
    birth_year,
    gender,
    attr_sig,
    batch_id,
    line_no,
    0 as object_no
from streamflix.evt_user_snapshot;

drop table streamflix.evt_user_snapshot;

alter table streamflix.evt_user_snapshot_v026 rename to evt_user_snapshot;
