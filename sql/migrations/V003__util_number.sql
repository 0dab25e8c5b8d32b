-- Integers 0-1023, to unnest JSON arrays (a title's genres) without PartiQL unnesting,
-- which the local engine lacks.
create table if not exists streamflix.util_number (
    n integer not null encode raw,
    primary key (n)
)
diststyle all
sortkey (n);

insert into streamflix.util_number (n)
with digit as (
    select 0 as d union all select 1 union all select 2 union all select 3
)

select a.d + 4 * b.d + 16 * c.d + 64 * e.d + 256 * f.d as n
from digit as a
cross join digit as b
cross join digit as c
cross join digit as e
cross join digit as f
where not exists (select 1 from streamflix.util_number);
