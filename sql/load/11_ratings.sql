-- One fact row per new valid rate event; the user version in force at rated_at.
insert into streamflix.fact_content_rating (
    rating_event_id, user_key, content_key, device_key, rating_date_key, rating_time_key,
    rated_at, rating_value, batch_id
)
select
    e.event_id as rating_event_id,
    u.user_key,
    c.content_key,
    d.device_key,
    e.local_date_key as rating_date_key,
    e.local_time_key as rating_time_key,
    e.event_ts as rated_at,
    e.rating as rating_value,
    e.batch_id
from streamflix.stg_event as e
inner join streamflix.dim_user as u
    on
        e.user_id = u.user_id
        and (u.version_number = 1 or u.valid_from <= e.event_ts)
        and (u.valid_to is null or e.event_ts < u.valid_to)
inner join streamflix.dim_content as c on e.content_id = c.content_id
inner join streamflix.dim_device as d on e.device_id = d.device_id
where e.event_type = 'rate';
