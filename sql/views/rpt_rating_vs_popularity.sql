-- Question 5: per item, each user's latest rating (by rated_at, then event id) and its
-- popularity (distinct viewers, sessions, watch time over all sessions).
drop view if exists streamflix.rpt_rating_vs_popularity cascade;

create view streamflix.rpt_rating_vs_popularity as
with latest_rating as (
    select
        r.content_key,
        r.rating_value,
        row_number() over (
            partition by u.user_id, r.content_key order by r.rated_at desc, r.rating_event_id desc
        ) as pick
    from streamflix.fact_content_rating as r
    inner join streamflix.dim_user as u on r.user_key = u.user_key
),

rating as (
    select
        content_key,
        count(*) as ratings,
        avg(cast(rating_value as double precision)) as avg_rating
    from latest_rating
    where pick = 1
    group by content_key
),

popularity as (
    select
        f.content_key,
        count(distinct u.user_id) as viewers,
        count(*) as sessions,
        cast(sum(f.watch_duration_seconds) as bigint) as watch_seconds
    from streamflix.fact_viewing_session as f
    inner join streamflix.dim_user as u on f.user_key = u.user_key
    group by f.content_key
)

select
    c.content_id,
    c.title,
    coalesce(r.ratings, 0) as ratings,
    r.avg_rating,
    coalesce(p.viewers, 0) as viewers,
    coalesce(p.sessions, 0) as sessions,
    coalesce(p.watch_seconds, 0) as watch_seconds
from streamflix.dim_content as c
left join rating as r on c.content_key = r.content_key
left join popularity as p on c.content_key = p.content_key
where r.content_key is not null or p.content_key is not null;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_rating_vs_popularity is
'Question 5: per content item with a rating or a session, the mean of each user''s latest rating (null without ratings) against its popularity: distinct viewers, sessions and watch seconds.';
