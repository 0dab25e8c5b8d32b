-- Question 1: watch time per user and local month of the session start; all sessions.
drop view if exists streamflix.rpt_watch_time_by_user cascade;

create view streamflix.rpt_watch_time_by_user as
select
    d.month_start,
    u.user_id,
    cast(sum(f.watch_duration_seconds) as bigint) as watch_seconds,
    count(*) as sessions
from streamflix.fact_viewing_session as f
inner join streamflix.dim_date as d on f.start_date_key = d.date_key
inner join streamflix.dim_user as u on f.user_key = u.user_key
group by d.month_start, u.user_id;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_watch_time_by_user is
'Question 1: total watch time per user and month. One row per month_start (local calendar month of the session start) and user_id; watch_seconds and sessions count every session, open or closed.';
