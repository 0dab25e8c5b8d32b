-- What the reconciliation counts mean, in the catalog, where analysts look them up.
-- V017's header predates decision W3 and can no longer be edited (its checksum is
-- recorded): etl_batch reconciles a load's event lines only, and reference-feed lines
-- are counted per object in etl_loaded_object. COMMENT ON replaces an earlier comment,
-- so running this again changes nothing.
comment on table streamflix.etl_batch is
'One row per load. Its four counts cover the load''s event lines only: lines_read = events_loaded + duplicates + quarantined. Reference-feed lines (catalog, users) are counted per object in etl_loaded_object.';

comment on column streamflix.etl_batch.lines_read is
'Non-blank event lines of the load = events_loaded + duplicates + quarantined.';

comment on column streamflix.etl_batch.events_loaded is
'Valid events of the load stored in evt_event for the first time.';

comment on column streamflix.etl_batch.duplicates is
'Valid event lines whose event_id was seen earlier in the load or stored by an earlier load.';

comment on column streamflix.etl_batch.quarantined is
'Event lines kept in etl_quarantine with their reason.';

comment on table streamflix.etl_loaded_object is
'Every object (file) ever loaded, with its batch: an object is never loaded twice. Summed over it, lines_read is every non-blank line landed and quarantined every etl_quarantine row.';

comment on column streamflix.etl_loaded_object.lines_read is
'Non-blank lines of the object (events, catalog or users).';

comment on column streamflix.etl_loaded_object.quarantined is
'Lines of the object kept in etl_quarantine; for a reference feed the rest were applied (a feed has no duplicates).';
