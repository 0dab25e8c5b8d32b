-- Reconciliation: lines_read = events_loaded + duplicates + quarantined, where
-- events_loaded counts loaded events and valid reference-feed records.
update streamflix.etl_batch
set
    finished_at = getdate(),
    lines_read = c.lines_read,
    events_loaded = c.valid_records - c.valid_events + x.loaded_events,
    duplicates = c.valid_events - x.loaded_events,
    quarantined = c.quarantined
from (
    select
        count(*) as lines_read,
        coalesce(sum(case when l.reason is not null then 1 else 0 end), 0) as quarantined,
        coalesce(sum(case when l.reason is null then 1 else 0 end), 0) as valid_records,
        coalesce(sum(case when l.reason is null and l.kind = 'events' then 1 else 0 end), 0) as valid_events
    from streamflix.stg_line as l
) as c, (
    select count(*) as loaded_events
    from streamflix.stg_event
) as x
where streamflix.etl_batch.load_token = :load_token;
