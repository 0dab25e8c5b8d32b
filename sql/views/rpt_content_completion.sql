-- Question 3: completion rate per item over closed sessions only.
drop view if exists streamflix.rpt_content_completion cascade;

create view streamflix.rpt_content_completion as
select
    c.content_id,
    c.title,
    c.content_type,
    count(*) as sessions,
    sum(case when f.is_completed_flag then 1 else 0 end) as completed_sessions,
    cast(sum(case when f.is_completed_flag then 1 else 0 end) as double precision) / count(*) as completion_rate
from streamflix.fact_viewing_session as f
inner join streamflix.dim_content as c on f.content_key = c.content_key
where f.is_closed
group by c.content_id, c.title, c.content_type;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_content_completion is
'Question 3: completion rate per content item, completed_sessions / sessions over closed sessions only; items without a closed session do not appear.';
