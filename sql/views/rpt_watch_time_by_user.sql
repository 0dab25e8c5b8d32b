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
