-- Question 2: watch time per local hour of the session start, weekdays against
-- weekends, ranked within each day type (ties share a rank).
drop view if exists streamflix.rpt_peak_viewing_hours cascade;

create view streamflix.rpt_peak_viewing_hours as
with hourly as (
    select
        case when d.is_weekend then 'weekend' else 'weekday' end as day_type,
        t.hour as hour_of_day,
        cast(sum(f.watch_duration_seconds) as bigint) as watch_seconds,
        count(*) as sessions
    from streamflix.fact_viewing_session as f
    inner join streamflix.dim_date as d on f.start_date_key = d.date_key
    inner join streamflix.dim_time_of_day as t on f.start_time_key = t.time_key
    group by 1, 2
)

select
    day_type,
    hour_of_day,
    watch_seconds,
    sessions,
    rank() over (partition by day_type order by watch_seconds desc) as hour_rank
from hourly;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_peak_viewing_hours is
'Question 2: watch time per local hour of the session start, weekday against weekend, over all data. hour_rank 1 is the hour with the most watch time within its day_type; ties share a rank.';
