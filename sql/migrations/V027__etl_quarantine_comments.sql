-- How to find a quarantined line in its file, in the catalog, where operators look it up.
-- Since W21 a reference-feed line (catalog, users) carries its place in its object; an
-- event line's number only orders the lines of its load (Redshift's COPY numbers them in
-- no file order). COMMENT ON replaces an earlier comment, so running this again changes
-- nothing.
comment on table streamflix.etl_quarantine is
'Every line that failed validation, verbatim (raw_line), with the first rule it broke (reason, detail) and the object it came from (source). Nothing invalid is dropped silently.';

comment on column streamflix.etl_quarantine.line_no is
'For catalog and users lines, line_no % 10000000000 is the line''s number in its file (blank lines counted). For event lines, a number within the load only: find the line by source and raw_line.';

comment on column streamflix.etl_quarantine.raw_line is
'The line as it arrived; for a line COPY rejected, the first 1,024 bytes Redshift keeps in STL_LOAD_ERRORS.';
