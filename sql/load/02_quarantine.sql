-- Every invalid line is kept verbatim (from the landing table) with its reason; nothing
-- is dropped silently.
insert into streamflix.etl_quarantine (batch_id, line_no, source, kind, raw_line, reason, detail, quarantined_at)
select
    b.batch_id,
    l.line_no,
    l.source,
    l.kind,
    r.raw_line,
    l.reason,
    l.detail,
    getdate() as quarantined_at
from streamflix.stg_line as l
inner join streamflix.stg_raw_line as r on l.line_no = r.line_no
cross join streamflix.etl_batch as b
where
    l.reason is not null
    and b.load_token = :load_token;
