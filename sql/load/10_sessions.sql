-- Sessionization (warehouse.md). Every session this load brings an event of is
-- recomputed from all its stored events, then merged into the accumulating snapshot.
-- Its stored events lie between its row's session_start_ts and session_end_ts (the first
-- and last event so far: every stored event was read by the recompute that set them) and
-- the new ones between their own first and last; all within 72 hours of the load's event
-- times (warehouse.md, bounded history). So evt_event is read only over the narrower of
-- the two ranges: a late event no longer drags the read 72 hours behind itself, only
-- back to the start of its own session.
delete from streamflix.stg_session;

insert into streamflix.stg_session (
    session_id, user_key, content_key, device_key, start_date_key, start_time_key,
    session_start_ts, session_end_ts, session_duration_seconds, watch_duration_seconds,
    pause_count, seek_count, event_count, max_position_sec, is_completed_flag, is_closed,
    utc_offset_minutes, last_batch_id
)
with batch as (
    select
        batch_id,
        watermark_ts,
        min_event_ts - interval '72 hours' as lo,
        max_event_ts + interval '72 hours' as hi
    from streamflix.etl_batch
    where load_token = :load_token
),

new_events as (
    select
        e.session_id,
        min(e.event_ts) as first_ts,
        max(e.event_ts) as last_ts
    from streamflix.stg_event as e
    where e.session_id is not null
    group by e.session_id
),

touched as (
    -- each touched session with the range of all its events, stored and new
    select
        n.session_id,
        case when f.session_start_ts < n.first_ts then f.session_start_ts else n.first_ts end as first_ts,
        case when f.session_end_ts > n.last_ts then f.session_end_ts else n.last_ts end as last_ts
    from new_events as n
    left join streamflix.fact_viewing_session as f on n.session_id = f.session_id
),

read_range as (
    select
        case when min(t.first_ts) > b.lo then min(t.first_ts) else b.lo end as lo,
        case when max(t.last_ts) < b.hi then max(t.last_ts) else b.hi end as hi
    from touched as t
    cross join batch as b
    group by b.lo, b.hi
),

history as (
    select
        e.session_id,
        e.event_id,
        e.event_type,
        e.event_ts,
        e.event_us,
        e.user_id,
        e.content_id,
        e.device_id,
        e.utc_offset_minutes,
        e.position_sec,
        e.local_date_key,
        e.local_time_key
    from streamflix.evt_event as e
    inner join touched as t on e.session_id = t.session_id
    cross join read_range as r
    where e.event_ts between r.lo and r.hi
),

ordered as (
    select
        h.*,
        row_number() over (partition by h.session_id order by h.event_ts, h.event_id) as seq,
        lead(h.event_us) over (partition by h.session_id order by h.event_ts, h.event_id) as next_us
    from history as h
),

walked as (
    -- the state after each event is set by the latest play/resume/pause/stop so far:
    -- seq * 10 + state code, its running maximum, then the code (1 playing, 2 paused, 3 stopped)
    select
        o.*,
        max(
            case
                when o.event_type in ('play', 'resume') then o.seq * 10 + 1
                when o.event_type = 'pause' then o.seq * 10 + 2
                when o.event_type = 'stop' then o.seq * 10 + 3
            end
        ) over (
            partition by o.session_id order by o.event_ts, o.event_id rows between unbounded preceding and current row
        ) % 10
        as state_after
    from ordered as o
),

session_measure as (
    select
        session_id,
        min(event_ts) as start_ts,
        max(event_ts) as end_ts,
        min(event_us) as start_us,
        max(event_us) as end_us,
        cast(sum(
            case when state_after = 1 and next_us is not null then least(next_us - event_us, 1800000000) else 0 end
        ) as bigint) as watch_us,
        sum(case when event_type = 'pause' then 1 else 0 end) as pause_count,
        sum(case when event_type = 'seek' then 1 else 0 end) as seek_count,
        count(*) as event_count,
        floor(max(position_sec)) as max_position_sec,
        max(case when seq = 1 then user_id end) as user_id,
        max(case when seq = 1 then content_id end) as content_id,
        max(case when seq = 1 then device_id end) as device_id,
        max(case when seq = 1 then utc_offset_minutes end) as utc_offset_minutes,
        max(case when seq = 1 then local_date_key end) as start_date_key,
        max(case when seq = 1 then local_time_key end) as start_time_key,
        max(case when next_us is null then event_type end) as last_event_type
    from walked
    group by session_id
)

select
    s.session_id,
    u.user_key,
    c.content_key,
    d.device_key,
    s.start_date_key,
    s.start_time_key,
    s.start_ts as session_start_ts,
    s.end_ts as session_end_ts,
    (s.end_us - s.start_us + 500000) / 1000000 as session_duration_seconds,
    (s.watch_us + 500000) / 1000000 as watch_duration_seconds,
    s.pause_count,
    s.seek_count,
    s.event_count,
    cast(s.max_position_sec as bigint) as max_position_sec,
    coalesce(100 * s.max_position_sec >= 95 * c.duration_sec, false) as is_completed_flag,
    s.last_event_type = 'stop' or s.end_ts <= b.watermark_ts - interval '1800 seconds' as is_closed,
    s.utc_offset_minutes,
    b.batch_id as last_batch_id
from session_measure as s
cross join batch as b
inner join streamflix.dim_user as u
    on
        s.user_id = u.user_id
        and (u.version_number = 1 or u.valid_from <= s.start_ts)
        and (u.valid_to is null or s.start_ts < u.valid_to)
inner join streamflix.dim_content as c on s.content_id = c.content_id
inner join streamflix.dim_device as d on s.device_id = d.device_id;

merge into streamflix.fact_viewing_session
using streamflix.stg_session as s
    on streamflix.fact_viewing_session.session_id = s.session_id
when matched then update set
    user_key = s.user_key,
    content_key = s.content_key,
    device_key = s.device_key,
    start_date_key = s.start_date_key,
    start_time_key = s.start_time_key,
    session_start_ts = s.session_start_ts,
    session_end_ts = s.session_end_ts,
    session_duration_seconds = s.session_duration_seconds,
    watch_duration_seconds = s.watch_duration_seconds,
    pause_count = s.pause_count,
    seek_count = s.seek_count,
    event_count = s.event_count,
    max_position_sec = s.max_position_sec,
    is_completed_flag = s.is_completed_flag,
    is_closed = s.is_closed,
    utc_offset_minutes = s.utc_offset_minutes,
    last_batch_id = s.last_batch_id
when not matched then insert (
    session_id, user_key, content_key, device_key, start_date_key, start_time_key,
    session_start_ts, session_end_ts, session_duration_seconds, watch_duration_seconds,
    pause_count, seek_count, event_count, max_position_sec, is_completed_flag, is_closed,
    utc_offset_minutes, last_batch_id
) values (
    s.session_id, s.user_key, s.content_key, s.device_key, s.start_date_key, s.start_time_key,
    s.session_start_ts, s.session_end_ts, s.session_duration_seconds, s.watch_duration_seconds,
    s.pause_count, s.seek_count, s.event_count, s.max_position_sec, s.is_completed_flag, s.is_closed,
    s.utc_offset_minutes, s.last_batch_id
);
