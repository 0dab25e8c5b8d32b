-- Question 4: average session and watch duration per month, over closed sessions.
drop view if exists streamflix.rpt_session_duration cascade;

create view streamflix.rpt_session_duration as
select
    d.month_start,
    count(*) as sessions,
    avg(cast(f.session_duration_seconds as double precision)) as avg_session_duration_seconds,
    avg(cast(f.watch_duration_seconds as double precision)) as avg_watch_duration_seconds
from streamflix.fact_viewing_session as f
inner join streamflix.dim_date as d on f.start_date_key = d.date_key
where f.is_closed
group by d.month_start;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_session_duration is
'Question 4: average session duration and average watch duration in seconds per month, over closed sessions.';
