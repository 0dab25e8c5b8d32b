-- Question 1: watch time per device type and month.
drop view if exists streamflix.rpt_watch_time_by_device_type cascade;

create view streamflix.rpt_watch_time_by_device_type as
select
    d.month_start,
    v.device_type,
    cast(sum(f.watch_duration_seconds) as bigint) as watch_seconds,
    count(*) as sessions
from streamflix.fact_viewing_session as f
inner join streamflix.dim_date as d on f.start_date_key = d.date_key
inner join streamflix.dim_device as v on f.device_key = v.device_key
group by d.month_start, v.device_type;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_watch_time_by_device_type is
'Question 1: total watch time per device type and month, over every session, open or closed.';
