-- Open this load's etl_batch row. The id is assigned inside the transaction (one load
-- runs at a time); the caller finds the row again by its load token.
insert into streamflix.etl_batch (batch_id, load_token, source, started_at, prev_watermark_ts)
select
    coalesce(max(b.batch_id), 0) + 1 as batch_id,
    :load_token as load_token,
    :batch_source as source,
    getdate() as started_at,
    max(b.watermark_ts) as prev_watermark_ts
from streamflix.etl_batch as b;
