-- An event is identified by its event_id and its event_ts. Loads drop a redelivered
-- event by looking for its event_id within 72 hours of the load's events, relying on
-- the stream's promise that a redelivery keeps its event_ts (warehouse.md, bounded
-- history). An event_id that comes back further away can therefore be stored as a
-- new event: the key (event_id) was not true then, and Redshift's planner trusts
-- declared keys. (event_id, event_ts) always is: an equal pair lies inside the window
-- and is dropped (docs/decisions.md W17). The constraints keep their names, so the
-- migration can run again.
alter table streamflix.evt_event drop constraint evt_event_pkey;

alter table streamflix.evt_event add constraint evt_event_pkey primary key (event_id, event_ts);

alter table streamflix.fact_content_rating drop constraint fact_content_rating_pkey;

alter table streamflix.fact_content_rating
add constraint fact_content_rating_pkey primary key (rating_event_id, rated_at);
