-- The load's time window and the new watermark (the latest valid event_ts so far).
-- Later steps read earlier events only within 72 hours of [min_event_ts, max_event_ts].
update streamflix.etl_batch
set
    min_event_ts = w.min_event_ts,
    max_event_ts = w.max_event_ts,
    watermark_ts = case
        when w.max_event_ts is null then prev_watermark_ts
        when prev_watermark_ts is null or w.max_event_ts > prev_watermark_ts then w.max_event_ts
        else prev_watermark_ts
    end
from (
    select
        min(l.event_ts) as min_event_ts,
        max(l.event_ts) as max_event_ts
    from streamflix.stg_line as l
    where l.kind = 'events' and l.reason is null
) as w
where streamflix.etl_batch.load_token = :load_token;
