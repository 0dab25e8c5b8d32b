-- dim_date is prefilled for 2000-2059; any other local date this load's events use is added.
insert into streamflix.dim_date (
    date_key, full_date, day_of_week, is_weekend, month_start, year, quarter, month, day_of_month
)
with used_date as (
    -- the load's few distinct dates first: the anti-join then probes a handful of rows
    select distinct e.local_date_key as date_key
    from streamflix.stg_event as e
),

new_date as (
    select
        u.date_key,
        to_date(lpad(cast(u.date_key as varchar(8)), 8, '0'), 'YYYYMMDD') as full_date
    from used_date as u
    where not exists (select 1 from streamflix.dim_date as d where d.date_key = u.date_key)
)

select
    date_key,
    full_date,
    case when extract(dow from full_date) = 0 then 7 else extract(dow from full_date) end as day_of_week,
    extract(dow from full_date) in (0, 6) as is_weekend,
    cast(date_trunc('month', full_date) as date) as month_start,
    extract(year from full_date) as year,
    extract(quarter from full_date) as quarter,
    extract(month from full_date) as month,
    extract(day from full_date) as day_of_month
from new_date;
