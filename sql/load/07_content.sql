-- Type 1 content: per content_id the load's last catalog line (of the load's last object
-- naming it, then that object's last line; Redshift's line numbers follow no file order,
-- so there the last of one object's lines is not defined) replaces
-- the item's attributes in place, keeping its key, so facts pointing at an inferred
-- member stay correct. Items named first by events get an inferred member. Genres go
-- to the bridge; the completion flag of facts of described items follows the duration.
update streamflix.dim_content
set
    content_type = c.content_type,
    title = c.title,
    series_id = c.series_id,
    series_title = c.series_title,
    season_number = c.season_number,
    episode_number = c.episode_number,
    duration_sec = c.duration_sec,
    primary_genre = json_extract_array_element_text(c.genres, 0),
    release_date = c.release_date,
    maturity_rating = c.maturity_rating,
    production_country = c.production_country,
    is_inferred = false
from (
    select
        l.*,
        row_number() over (partition by l.content_id order by l.object_no desc, l.line_no desc) as pick
    from streamflix.stg_line as l
    where l.kind = 'catalog' and l.reason is null
) as c
where
    c.pick = 1
    and streamflix.dim_content.content_id = c.content_id;

insert into streamflix.dim_content (
    content_key, content_id, content_type, title, series_id, series_title, season_number, episode_number,
    duration_sec, primary_genre, release_date, maturity_rating, production_country, is_inferred
)
with catalog as (
    select
        l.*,
        row_number() over (partition by l.content_id order by l.object_no desc, l.line_no desc) as pick
    from streamflix.stg_line as l
    where l.kind = 'catalog' and l.reason is null
),

used_content as (
    -- the load's distinct content ids first: the anti-joins then probe hundreds, not 50k rows
    select distinct e.content_id
    from streamflix.stg_event as e
),

candidate as (
    select
        content_id, content_type, title, series_id, series_title, season_number, episode_number, duration_sec,
        json_extract_array_element_text(genres, 0) as primary_genre,
        release_date, maturity_rating, production_country,
        false as is_inferred
    from catalog
    where pick = 1
    union all
    select
        e.content_id,
        cast(null as varchar(16)) as content_type,
        cast(null as varchar(1024)) as title,
        cast(null as varchar(64)) as series_id,
        cast(null as varchar(1024)) as series_title,
        cast(null as integer) as season_number,
        cast(null as integer) as episode_number,
        cast(null as integer) as duration_sec,
        cast(null as varchar(256)) as primary_genre,
        cast(null as date) as release_date,
        cast(null as varchar(256)) as maturity_rating,
        cast(null as varchar(256)) as production_country,
        true as is_inferred
    from used_content as e
    where not exists (select 1 from catalog as c where c.content_id = e.content_id)
),

max_key as (
    select coalesce(max(content_key), 0) as k from streamflix.dim_content
)

select
    m.k + row_number() over (order by c.content_id) as content_key,
    c.content_id,
    c.content_type,
    c.title,
    c.series_id,
    c.series_title,
    c.season_number,
    c.episode_number,
    c.duration_sec,
    c.primary_genre,
    c.release_date,
    c.maturity_rating,
    c.production_country,
    c.is_inferred
from candidate as c
cross join max_key as m
where not exists (select 1 from streamflix.dim_content as d where d.content_id = c.content_id);

delete from streamflix.bridge_content_genre
using streamflix.dim_content as d, streamflix.stg_line as l
where
    streamflix.bridge_content_genre.content_key = d.content_key
    and d.content_id = l.content_id
    and l.kind = 'catalog'
    and l.reason is null;

insert into streamflix.bridge_content_genre (content_key, genre, genre_rank)
with catalog as (
    select
        l.content_id,
        l.genres,
        row_number() over (partition by l.content_id order by l.object_no desc, l.line_no desc) as pick
    from streamflix.stg_line as l
    where l.kind = 'catalog' and l.reason is null
),

genre as (
    select
        c.content_id,
        json_extract_array_element_text(c.genres, n.n) as genre,
        n.n + 1 as genre_rank
    from catalog as c
    inner join streamflix.util_number as n on n.n < json_array_length(c.genres)
    where c.pick = 1
)

select
    d.content_key,
    g.genre,
    min(g.genre_rank) as genre_rank
from genre as g
inner join streamflix.dim_content as d on g.content_id = d.content_id
group by d.content_key, g.genre;

update streamflix.fact_viewing_session
set is_completed_flag = coalesce(100 * streamflix.fact_viewing_session.max_position_sec >= 95 * d.duration_sec, false)
from streamflix.dim_content as d, (
    select distinct l.content_id
    from streamflix.stg_line as l
    where l.kind = 'catalog' and l.reason is null
) as c
where
    streamflix.fact_viewing_session.content_key = d.content_key
    and d.content_id = c.content_id;
