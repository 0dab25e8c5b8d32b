-- Type 1 devices: each device keeps the attributes of its latest event (by event_ts,
-- then event_id), whichever load brought it.
update streamflix.dim_device
set
    device_type = n.device_type,
    os = n.os,
    app_version = n.app_version,
    attributes_ts = n.event_ts,
    attributes_event_id = n.event_id
from (
    select
        e.device_id,
        e.device_type,
        e.os,
        e.app_version,
        e.event_ts,
        e.event_id,
        row_number() over (partition by e.device_id order by e.event_ts desc, e.event_id desc) as pick
    from streamflix.stg_event as e
) as n
where
    n.pick = 1
    and streamflix.dim_device.device_id = n.device_id
    and (
        n.event_ts > streamflix.dim_device.attributes_ts
        or (n.event_ts = streamflix.dim_device.attributes_ts and n.event_id > streamflix.dim_device.attributes_event_id)
    );

insert into streamflix.dim_device (
    device_key, device_id, device_type, os, app_version, attributes_ts, attributes_event_id
)
with latest as (
    select
        e.device_id,
        e.device_type,
        e.os,
        e.app_version,
        e.event_ts,
        e.event_id,
        row_number() over (partition by e.device_id order by e.event_ts desc, e.event_id desc) as pick
    from streamflix.stg_event as e
),

max_key as (
    select coalesce(max(device_key), 0) as k from streamflix.dim_device
)

select
    m.k + row_number() over (order by l.device_id) as device_key,
    l.device_id,
    l.device_type,
    l.os,
    l.app_version,
    l.event_ts as attributes_ts,
    l.event_id as attributes_event_id
from latest as l
cross join max_key as m
where
    l.pick = 1
    and not exists (select 1 from streamflix.dim_device as d where d.device_id = l.device_id);
