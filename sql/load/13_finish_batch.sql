-- Reconciliation of the load's event lines: lines_read = events_loaded + duplicates +
-- quarantined (the spec's worked example loads catalog, users and events as one load and
-- counts its ten event lines). Reference-feed lines are reconciled per object in
-- etl_loaded_object (lines_read = applied + quarantined; a feed has no duplicates).
update streamflix.etl_batch
set
    finished_at = getdate(),
    lines_read = c.lines_read,
    events_loaded = x.loaded_events,
    duplicates = c.valid_events - x.loaded_events,
    quarantined = c.quarantined
from (
    select
        count(*) as lines_read,
        coalesce(sum(case when l.reason is not null then 1 else 0 end), 0) as quarantined,
        coalesce(sum(case when l.reason is null then 1 else 0 end), 0) as valid_events
    from streamflix.stg_line as l
    where l.kind = 'events'
) as c, (
    select count(*) as loaded_events
    from streamflix.stg_event
) as x
where streamflix.etl_batch.load_token = :load_token;
