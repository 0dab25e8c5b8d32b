-- One row per minute of the day (1,440 rows), filled without GENERATE_SERIES.
create table if not exists streamflix.dim_time_of_day (
    time_key smallint not null encode raw,
    hour smallint not null encode az64,
    minute smallint not null encode az64,
    day_part varchar(9) not null encode zstd,
    primary key (time_key)
)
diststyle all
sortkey (time_key);

insert into streamflix.dim_time_of_day (time_key, hour, minute, day_part)
with digit as (
    select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
    union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
),

minute_of_day as (
    select a.d + 10 * b.d + 100 * c.d + 1000 * e.d as n
    from digit as a
    cross join digit as b
    cross join digit as c
    cross join digit as e
    where a.d + 10 * b.d + 100 * c.d + 1000 * e.d < 1440
)

select
    (n / 60) * 100 + n % 60 as time_key,
    n / 60 as hour,
    n % 60 as minute,
    case
        when n / 60 < 6 then 'night'
        when n / 60 < 12 then 'morning'
        when n / 60 < 18 then 'afternoon'
        else 'evening'
    end as day_part
from minute_of_day
where not exists (select 1 from streamflix.dim_time_of_day);
