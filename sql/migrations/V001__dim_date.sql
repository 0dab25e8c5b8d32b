-- One row per calendar day. Filled from a cross join of digits, not GENERATE_SERIES
-- (a leader-node-only function on Redshift that cannot feed a table). The load adds
-- any date outside 2000-2059 that a fact uses.
create table if not exists streamflix.dim_date (
    date_key integer not null encode raw,
    full_date date not null encode az64,
    day_of_week smallint not null encode az64,
    is_weekend boolean not null encode zstd,
    month_start date not null encode az64,
    year smallint not null encode az64,
    quarter smallint not null encode az64,
    month smallint not null encode az64,
    day_of_month smallint not null encode az64,
    primary key (date_key)
)
diststyle all
sortkey (date_key);

insert into streamflix.dim_date (
    date_key, full_date, day_of_week, is_weekend, month_start, year, quarter, month, day_of_month
)
with digit as (
    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
),

day_number as (
    select a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d as n
    from digit as a
    cross join digit as b
    cross join digit as c
    cross join digit as e
    cross join digit as f
    where a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d < 21915
),

calendar as (
    select cast(timestamp '2000-01-01 00:00:00' + n * interval '1 day' as date) as full_date
    from day_number
)

select
    cast(to_char(full_date, 'YYYYMMDD') as integer) as date_key,
    full_date,
    case when extract(dow from full_date) = 0 then 7 else extract(dow from full_date) end as day_of_week,
    extract(dow from full_date) in (0, 6) as is_weekend,
    cast(date_trunc('month', full_date) as date) as month_start,
    extract(year from full_date) as year,
    extract(quarter from full_date) as quarter,
    extract(month from full_date) as month,
    extract(day from full_date) as day_of_month
from calendar
where not exists (select 1 from streamflix.dim_date);
