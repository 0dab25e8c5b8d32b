-- Valid user snapshots into their silver table (a snapshot already stored with the
-- same time and attributes adds nothing).
insert into streamflix.evt_user_snapshot (
    user_id, updated_at, country, plan, subscription_status, signup_date, birth_year, gender, attr_sig,
    batch_id, object_no, line_no
)
with snap as (
    select
        l.*,
        l.country || '|' || l.plan || '|' || l.subscription_status
        || '|' || coalesce('v' || to_char(l.signup_date, 'YYYY-MM-DD'), 'n')
        || '|' || coalesce('v' || cast(l.birth_year as varchar(16)), 'n')
        || '|' || coalesce('v' || l.gender, 'n') as attr_sig
    from streamflix.stg_line as l
    where l.kind = 'users' and l.reason is null
)

select
    s.user_id,
    s.updated_at,
    s.country,
    s.plan,
    s.subscription_status,
    s.signup_date,
    s.birth_year,
    s.gender,
    s.attr_sig,
    b.batch_id,
    s.object_no,
    s.line_no
from snap as s
cross join streamflix.etl_batch as b
where
    b.load_token = :load_token
    and not exists (
        select 1
        from streamflix.evt_user_snapshot as u
        where
            u.user_id = s.user_id
            and u.updated_at = s.updated_at
            and u.attr_sig = s.attr_sig
    );
