-- SCD type 2 users. The versions of every user this load brings snapshots for are
-- rebuilt from all of the user's stored snapshots (so arrival order does not matter):
-- ordered by updated_at, consecutive equal attributes collapse into one version.
-- A version keeps its key when it survives (same valid_from); an inferred member's key
-- becomes the first version's key. Users named first by this load's events get an
-- inferred member. Facts of touched users are re-pointed to the version in force.
delete from streamflix.stg_user_version;

insert into streamflix.stg_user_version (
    user_key, user_id, country, plan, subscription_status, signup_date, birth_year, gender,
    valid_from, valid_to, version_number, is_inferred
)
with touched as (
    select distinct l.user_id
    from streamflix.stg_line as l
    where l.kind = 'users' and l.reason is null
),

snap as (
    select
        s.*,
        -- of two snapshots at one instant the later loaded wins: the later batch, then the
        -- later object of its load (line_no alone does not order objects on Redshift)
        row_number() over (
            partition by s.user_id, s.updated_at order by s.batch_id desc, s.object_no desc, s.line_no desc
        ) as pick
    from streamflix.evt_user_snapshot as s
    inner join touched as t on s.user_id = t.user_id
),

change as (
    select
        snap.*,
        lag(snap.attr_sig) over (partition by snap.user_id order by snap.updated_at) as prev_sig
    from snap
    where snap.pick = 1
),

version as (
    select
        change.*,
        row_number() over (partition by change.user_id order by change.updated_at) as version_number,
        lead(change.updated_at) over (partition by change.user_id order by change.updated_at) as valid_to
    from change
    where change.prev_sig is null or change.prev_sig <> change.attr_sig
),

keyed as (
    select
        v.user_id,
        v.country,
        v.plan,
        v.subscription_status,
        v.signup_date,
        v.birth_year,
        v.gender,
        v.updated_at as valid_from,
        v.valid_to,
        v.version_number,
        false as is_inferred,
        coalesce(same.user_key, inferred.user_key) as existing_key
    from version as v
    left join streamflix.dim_user as same
        on
            v.user_id = same.user_id
            and v.updated_at = same.valid_from
            and not same.is_inferred
    left join streamflix.dim_user as inferred
        on
            v.user_id = inferred.user_id
            and inferred.is_inferred
            and v.version_number = 1
),

used_user as (
    -- the load's distinct user ids first: the anti-joins then probe a thousand, not 50k rows
    select distinct e.user_id
    from streamflix.stg_event as e
),

first_seen as (
    select e.user_id
    from used_user as e
    where
        not exists (select 1 from streamflix.dim_user as d where d.user_id = e.user_id)
        and not exists (select 1 from touched as t where t.user_id = e.user_id)
),

candidate as (
    select
        user_id, country, plan, subscription_status, signup_date, birth_year, gender,
        valid_from, valid_to, version_number, is_inferred, existing_key
    from keyed
    union all
    select
        user_id,
        cast(null as varchar(2)) as country,
        cast(null as varchar(256)) as plan,
        cast(null as varchar(16)) as subscription_status,
        cast(null as date) as signup_date,
        cast(null as integer) as birth_year,
        cast(null as varchar(256)) as gender,
        cast(null as timestamp) as valid_from,
        cast(null as timestamp) as valid_to,
        1 as version_number,
        true as is_inferred,
        cast(null as bigint) as existing_key
    from first_seen
),

max_key as (
    select coalesce(max(user_key), 0) as k from streamflix.dim_user
)

select
    coalesce(
        c.existing_key,
        m.k + row_number() over (
            partition by c.existing_key is null order by c.user_id, c.valid_from
        )
    ) as user_key,
    c.user_id,
    c.country,
    c.plan,
    c.subscription_status,
    c.signup_date,
    c.birth_year,
    c.gender,
    c.valid_from,
    c.valid_to,
    c.version_number,
    c.is_inferred
from candidate as c
cross join max_key as m;

update streamflix.fact_viewing_session
set user_key = v.user_key
from streamflix.stg_user_version as v, streamflix.dim_user as prior
where
    streamflix.fact_viewing_session.user_key = prior.user_key
    and prior.user_id = v.user_id
    and (v.version_number = 1 or v.valid_from <= streamflix.fact_viewing_session.session_start_ts)
    and (v.valid_to is null or streamflix.fact_viewing_session.session_start_ts < v.valid_to)
    and streamflix.fact_viewing_session.user_key <> v.user_key;

update streamflix.fact_content_rating
set user_key = v.user_key
from streamflix.stg_user_version as v, streamflix.dim_user as prior
where
    streamflix.fact_content_rating.user_key = prior.user_key
    and prior.user_id = v.user_id
    and (v.version_number = 1 or v.valid_from <= streamflix.fact_content_rating.rated_at)
    and (v.valid_to is null or streamflix.fact_content_rating.rated_at < v.valid_to)
    and streamflix.fact_content_rating.user_key <> v.user_key;

delete from streamflix.dim_user
using streamflix.stg_user_version as v
where streamflix.dim_user.user_id = v.user_id;

insert into streamflix.dim_user (
    user_key, user_id, country, plan, subscription_status, signup_date, birth_year, gender,
    valid_from, valid_to, is_current, version_number, is_inferred
)
select
    user_key,
    user_id,
    country,
    plan,
    subscription_status,
    signup_date,
    birth_year,
    gender,
    valid_from,
    valid_to,
    valid_to is null as is_current,
    version_number,
    is_inferred
from streamflix.stg_user_version;
