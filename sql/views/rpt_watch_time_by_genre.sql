-- Question 1: watch time per genre and month; a title counts in full in each of its
-- genres. Items the catalog has not described yet have no genre (null).
drop view if exists streamflix.rpt_watch_time_by_genre cascade;

create view streamflix.rpt_watch_time_by_genre as
select
    d.month_start,
    g.genre,
    cast(sum(f.watch_duration_seconds) as bigint) as watch_seconds,
    count(*) as sessions
from streamflix.fact_viewing_session as f
inner join streamflix.dim_date as d on f.start_date_key = d.date_key
left join streamflix.bridge_content_genre as g on f.content_key = g.content_key
group by d.month_start, g.genre;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_watch_time_by_genre is
'Question 1: total watch time per genre and month. A title counts in full in each of its genres, so genre totals may add up to more than the whole; sessions on items the catalog has not described have a null genre.';
