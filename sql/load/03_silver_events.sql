-- Valid events into the silver table, duplicates dropped: within the load the first
-- line wins; against earlier loads an event_id already stored within 72 hours of the
-- load's valid lines is a duplicate (a redelivered event keeps its event_ts). The load's
-- new events are staged first: the later steps read them from stg_event, and the next
-- step takes the watermark from them (a dropped duplicate is not loaded). The batch id
-- and bounds are scalar subqueries, computed once: a cross join with the one-row batch
-- can be planned as a rescan of etl_batch per line when statistics are missing.
delete from streamflix.stg_event;

insert into streamflix.stg_event (
    event_ts, event_id, event_type, event_us, user_id, content_id, device_id, device_type, os, app_version,
    utc_offset_minutes, session_id, position_sec, from_position_sec, rating, local_date_key, local_time_key,
    batch_id, line_no
)
with batch as (
    select batch_id
    from streamflix.etl_batch
    where load_token = :load_token
),

bounds as (
    select
        min(event_ts) - interval '72 hours' as lo,
        max(event_ts) + interval '72 hours' as hi
    from streamflix.stg_line
    where kind = 'events' and reason is null
),

valid as (
    select l.*
    from streamflix.stg_line as l
    where l.kind = 'events' and l.reason is null
),

first_line as (
    -- the first line of each event_id within the load (a hash anti-join: no sort)
    select v.*
    from valid as v
    where not exists (
        select 1
        from valid as earlier
        where earlier.event_id = v.event_id and earlier.line_no < v.line_no
    )
)

select
    r.event_ts,
    r.event_id,
    r.event_type,
    r.event_us,
    r.user_id,
    r.content_id,
    r.device_id,
    r.device_type,
    r.os,
    r.app_version,
    r.utc_offset_minutes,
    r.session_id,
    r.position_sec,
    r.from_position_sec,
    r.rating,
    r.local_date_key,
    r.local_time_key,
    (select b.batch_id from batch as b) as batch_id,
    r.line_no
from first_line as r
where
    not exists (
        select 1
        from streamflix.evt_event as e
        where
            e.event_id = r.event_id
            and e.event_ts between (select b.lo from bounds as b) and (select b.hi from bounds as b)
    );

insert into streamflix.evt_event (
    event_ts, event_id, event_type, event_us, user_id, content_id, device_id, device_type, os, app_version,
    utc_offset_minutes, session_id, position_sec, from_position_sec, rating, local_date_key, local_time_key,
    batch_id, line_no
)
select
    event_ts, event_id, event_type, event_us, user_id, content_id, device_id, device_type, os, app_version,
    utc_offset_minutes, session_id, position_sec, from_position_sec, rating, local_date_key, local_time_key,
    batch_id, line_no
from streamflix.stg_event;
