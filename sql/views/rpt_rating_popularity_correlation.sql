-- Question 5: Pearson's r from sums (Redshift has no CORR), centred on the means for
-- precision, over items with at least one rating and one session. Null below three
-- items or when a variance is zero (tested exactly: min = max).
drop view if exists streamflix.rpt_rating_popularity_correlation cascade;

create view streamflix.rpt_rating_popularity_correlation as
with item as (
    select
        avg_rating as x,
        cast(viewers as double precision) as v,
        cast(watch_seconds as double precision) as w
    from streamflix.rpt_rating_vs_popularity
    where ratings > 0 and sessions > 0
),

mean as (
    select
        count(*) as n,
        avg(x) as mx,
        avg(v) as mv,
        avg(w) as mw,
        min(x) = max(x) as x_constant,
        min(v) = max(v) as v_constant,
        min(w) = max(w) as w_constant
    from item
),

centred as (
    select
        sum((i.x - m.mx) * (i.x - m.mx)) as sxx,
        sum((i.v - m.mv) * (i.v - m.mv)) as svv,
        sum((i.w - m.mw) * (i.w - m.mw)) as sww,
        sum((i.x - m.mx) * (i.v - m.mv)) as sxv,
        sum((i.x - m.mx) * (i.w - m.mw)) as sxw
    from item as i
    cross join mean as m
)

select
    m.n as titles,
    case
        when m.n >= 3 and not m.x_constant and not m.v_constant then c.sxv / sqrt(c.sxx * c.svv)
    end as pearson_rating_viewers,
    case
        when m.n >= 3 and not m.x_constant and not m.w_constant then c.sxw / sqrt(c.sxx * c.sww)
    end as pearson_rating_watch_seconds
from mean as m
cross join centred as c;

-- in the catalog, for analysts and BI tools browsing the schema
comment on view streamflix.rpt_rating_popularity_correlation is
'Question 5: one row, Pearson''s r between average rating and viewers and between average rating and watch seconds, over items with both a rating and a session; null below three such items or when a variance is zero.';
