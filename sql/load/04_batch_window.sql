-- The load's time window (its valid lines) and the new watermark: the latest event_ts of
-- the valid events loaded so far (warehouse.md), so the previous watermark or the latest of
-- this load's new events (stg_event); a dropped duplicate moves nothing. Later steps read
-- earlier events only within 72 hours of [min_event_ts, max_event_ts].
update streamflix.etl_batch
set
    min_event_ts = w.min_event_ts,
    max_event_ts = w.max_event_ts,
    watermark_ts = case
        when n.max_loaded_ts is null then prev_watermark_ts
        when prev_watermark_ts is null or n.max_loaded_ts > prev_watermark_ts then n.max_loaded_ts
        else prev_watermark_ts
    end
from (
    select
        min(l.event_ts) as min_event_ts,
        max(l.event_ts) as max_event_ts
    from streamflix.stg_line as l
    where l.kind = 'events' and l.reason is null
) as w, (
    select max(e.event_ts) as max_loaded_ts
    from streamflix.stg_event as e
) as n
where streamflix.etl_batch.load_token = :load_token;
