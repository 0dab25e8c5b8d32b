-- The new watermark closes untouched sessions it passed by 1,800 s. Every open session
-- ends after the previous watermark - 1,800 s (older ones were closed by earlier
-- loads), and starts at most 72 h (plus a local offset of at most 14 h) before it ends,
-- so only the newest date blocks are read.
update streamflix.fact_viewing_session
set is_closed = true
from streamflix.etl_batch as b
where
    b.load_token = :load_token
    and not streamflix.fact_viewing_session.is_closed
    and streamflix.fact_viewing_session.session_end_ts <= b.watermark_ts - interval '1800 seconds'
    and (
        b.prev_watermark_ts is null
        or (
            streamflix.fact_viewing_session.session_end_ts > b.prev_watermark_ts - interval '1800 seconds'
            and streamflix.fact_viewing_session.start_date_key >= cast(
                to_char(b.prev_watermark_ts - interval '1800 seconds' - interval '86 hours', 'YYYYMMDD') as integer
            )
        )
    );
