-- Validate every non-blank landed line (of objects not loaded before) once, in the
-- order of events.md / reference-data.md: the first failing rule gives reason and
-- detail. Valid lines get their typed fields; nothing is cast before it is checked,
-- so no line can abort the load. Each layer whose columns are read more than once ends in
-- a `/*+ fence */` comment: the local engine's adapter makes it a planner fence (`offset 0`),
-- so PostgreSQL computes the layer once per line instead of re-expanding it into every later
-- reference. Redshift ignores the comment (its documentation wants OFFSET positive, and an
-- OFFSET there is an ordered step of its own, not a fence).
delete from streamflix.stg_line;

insert into streamflix.stg_line (
    line_no, object_no, source, kind, reason, detail,
    event_id, event_type, event_ts, event_us, user_id, content_id, device_id, device_type, os, app_version,
    utc_offset_minutes, session_id, position_sec, from_position_sec, rating, local_date_key, local_time_key,
    updated_at, country, plan, subscription_status, signup_date, birth_year, gender,
    content_type, title, duration_sec, genres, series_id, series_title, season_number, episode_number,
    release_date, maturity_rating, production_country
)
with fresh as (
    -- each line is parsed once, here: the later layers read the SUPER value
    select
        r.line_no,
        r.object_no,
        r.source,
        r.kind,
        r.kind = 'events' as is_ev,
        r.kind = 'users' as is_us,
        r.kind = 'catalog' as is_ca,
        case when can_json_parse(r.raw_line) then json_parse(r.raw_line) end as o
    from streamflix.stg_raw_line as r
    where
        r.source is not null
        -- not blank: most lines settle it on their first character. White space is ASCII's
        -- (space, tab, vertical tab, form feed, carriage return), spelled out: a class such as
        -- [[:space:]] follows the engine's locale, which took an em space for blank and a
        -- no-break space for not. A line of other spaces is quarantined, not skipped
        and (
            left(r.raw_line, 1) = '{'
            or btrim(coalesce(r.raw_line, ''), ' ' || chr(9) || chr(11) || chr(12) || chr(13)) <> ''
        )
        and not exists (
            select 1 from streamflix.etl_loaded_object as lo
            where lo.object_key = r.source
        )
    /*+ fence */
),

kinds as (
    -- the JSON type of every field the line's feed has, each looked up once:
    -- the device object is taken out once for its own fields
    select
        line_no,
        object_no,
        source,
        kind,
        is_ev,
        is_us,
        is_ca,
        o,
        coalesce(json_typeof(o) = 'object', false) as is_object,
        case when is_ev then o['device'] end as dev,
        case when is_ev then json_typeof(o['event_id']) end as t_event_id,
        case when is_ev then json_typeof(o['event_type']) end as t_event_type,
        case when is_ev then json_typeof(o['event_ts']) when is_us then json_typeof(o['updated_at']) end as t_ts,
        json_typeof(o['user_id']) as t_user_id,
        json_typeof(o['content_id']) as t_content_id,
        case when is_ev then coalesce(json_typeof(o['utc_offset_minutes']), 'null') end as t_offset,
        case when is_ev then json_typeof(o['session_id']) end as t_session_id,
        case when is_ev then json_typeof(o['position_sec']) end as t_position,
        case when is_ev then coalesce(json_typeof(o['from_position_sec']), 'null') end as t_from_position,
        case when is_ev then json_typeof(o['rating']) end as t_rating,
        case when is_us then json_typeof(o['country']) end as t_country,
        case when is_us then json_typeof(o['plan']) end as t_plan,
        case when is_us then json_typeof(o['subscription_status']) end as t_status,
        case
            when is_us then coalesce(json_typeof(o['signup_date']), 'null')
            when is_ca then coalesce(json_typeof(o['release_date']), 'null')
        end as t_date,
        case when is_us then coalesce(json_typeof(o['birth_year']), 'null') end as t_birth_year,
        case when is_us then coalesce(json_typeof(o['gender']), 'null') end as t_gender,
        case when is_ca then json_typeof(o['content_type']) end as t_content_type,
        case when is_ca then json_typeof(o['title']) end as t_title,
        case when is_ca then json_typeof(o['duration_sec']) end as t_duration,
        case when is_ca then json_typeof(o['genres']) end as t_genres,
        case when is_ca then json_typeof(o['series_id']) end as t_series_id,
        case when is_ca then json_typeof(o['series_title']) end as t_series_title,
        case when is_ca then json_typeof(o['season_number']) end as t_season,
        case when is_ca then json_typeof(o['episode_number']) end as t_episode,
        case when is_ca then coalesce(json_typeof(o['maturity_rating']), 'null') end as t_maturity,
        case when is_ca then coalesce(json_typeof(o['production_country']), 'null') end as t_production_country
    from fresh
    /*+ fence */
),

field as (
    -- strings: the value when it is a JSON string, else null; numbers: their JSON text
    select
        line_no,
        object_no,
        source,
        kind,
        is_ev,
        is_us,
        is_ca,
        is_object,
        t_event_type,
        dev,
        json_typeof(dev) as t_device,
        t_offset,
        t_from_position,
        t_date,
        t_birth_year,
        t_gender,
        t_maturity,
        t_production_country,
        case when t_event_id = 'string' then o['event_id']::varchar end as s_event_id,
        case when t_event_type = 'string' then o['event_type']::varchar end as s_event_type,
        case
            when t_ts = 'string' and is_ev then o['event_ts']::varchar
            when t_ts = 'string' then o['updated_at']::varchar
        end as s_ts,
        case when t_user_id = 'string' then o['user_id']::varchar end as s_user_id,
        case when t_content_id = 'string' then o['content_id']::varchar end as s_content_id,
        case when json_typeof(dev['device_id']) = 'string' then dev['device_id']::varchar end as s_device_id,
        case when json_typeof(dev['device_type']) = 'string' then dev['device_type']::varchar end as s_device_type,
        case when is_ev then coalesce(json_typeof(dev['os']), 'null') end as t_os,
        case when is_ev then coalesce(json_typeof(dev['app_version']), 'null') end as t_app_version,
        case when t_offset = 'number' then json_serialize(o['utc_offset_minutes']) end as n_offset,
        case when t_session_id = 'string' then o['session_id']::varchar end as s_session_id,
        case when t_position = 'number' then json_serialize(o['position_sec']) end as n_position,
        case when t_from_position = 'number' then json_serialize(o['from_position_sec']) end as n_from_position,
        case when t_rating = 'number' then json_serialize(o['rating']) end as n_rating,
        case when t_country = 'string' then o['country']::varchar end as s_country,
        case when t_plan = 'string' then o['plan']::varchar end as s_plan,
        case when t_status = 'string' then o['subscription_status']::varchar end as s_status,
        case
            when t_date = 'string' and is_us then o['signup_date']::varchar
            when t_date = 'string' then o['release_date']::varchar
        end as s_date,
        case when t_birth_year = 'number' then json_serialize(o['birth_year']) end as n_birth_year,
        case when t_gender = 'string' then o['gender']::varchar end as s_gender,
        case when t_content_type = 'string' then o['content_type']::varchar end as s_content_type,
        case when t_title = 'string' then o['title']::varchar end as s_title,
        case when t_duration = 'number' then json_serialize(o['duration_sec']) end as n_duration,
        case when t_genres = 'array' then json_serialize(o['genres']) end as a_genres,
        case when t_series_id = 'string' then o['series_id']::varchar end as s_series_id,
        case when t_series_title = 'string' then o['series_title']::varchar end as s_series_title,
        case when t_season = 'number' then json_serialize(o['season_number']) end as n_season,
        case when t_episode = 'number' then json_serialize(o['episode_number']) end as n_episode,
        case when t_maturity = 'string' then o['maturity_rating']::varchar end as s_maturity,
        case when t_production_country = 'string' then o['production_country']::varchar end as s_production_country
    from kinds
    /*+ fence */
),

shape as (
    select
        *,
        case when t_os = 'string' then dev['os']::varchar end as s_os,
        case when t_app_version = 'string' then dev['app_version']::varchar end as s_app_version,
        -- Redshift ignores trailing blanks when it compares texts ('play ' = 'play'): a value
        -- is one of a list only without them, as on PostgreSQL
        coalesce(
            s_event_type in ('play', 'pause', 'resume', 'seek', 'heartbeat', 'stop', 'rate')
            and octet_length(rtrim(s_event_type)) = octet_length(s_event_type),
            false
        ) as known_type,
        -- no line feed in a value checked by pattern: Redshift's ^ and $ may match at one too
        coalesce(
            strpos(s_ts, chr(10)) = 0
            and s_ts ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$',
            false
        ) as ts_shape,
        right(s_ts, 1) = 'Z' as ts_z,
        coalesce(octet_length(s_date) = 10 and s_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', false) as date_shape,
        -- numbers are checked on their JSON text before any cast: plain decimals only.
        -- Nearly every line has an offset and a position: their text is JSON_SERIALIZE of a
        -- JSON number (-?int(.frac)?(e exp)?), so string functions decide what the regular
        -- expressions below would, at a third of the cost: no exponent, a sign only where
        -- allowed, at most so many integer digits, a fraction of zeros for an integer
        coalesce(
            n_offset not like '%e%' and n_offset not like '%E%'
            and length(ltrim(split_part(n_offset, '.', 1), '-')) <= 9
            and rtrim(split_part(n_offset, '.', 2), '0') = '',
            false
        ) as offset_int,
        coalesce(
            n_position not like '%e%' and n_position not like '%E%' and n_position not like '-%'
            and length(split_part(n_position, '.', 1)) <= 12,
            false
        ) as position_ok,
        coalesce(n_from_position ~ '^[0-9]{1,12}([.][0-9]+)?$', false) as from_position_ok,
        coalesce(n_rating ~ '^[1-5]([.]0+)?$', false) as rating_ok,
        coalesce(n_birth_year ~ '^-?[0-9]{1,9}([.]0+)?$', false) as birth_year_int,
        coalesce(n_duration ~ '^[0-9]{1,9}([.]0+)?$', false) as duration_int,
        coalesce(n_season ~ '^[0-9]{1,9}([.]0+)?$', false) as season_int,
        coalesce(n_episode ~ '^[0-9]{1,9}([.]0+)?$', false) as episode_int,
        -- an array of at least one non-empty string (on the serialized text) of at most 64
        -- characters: 256 bytes at most, the width of bridge_content_genre.genre
        coalesce(a_genres ~ '^[[] *"[^"]{1,64}"( *, *"[^"]{1,64}")* *[]]$', false) as genres_ok
    from field
    /*+ fence */
),

part as (
    select
        *,
        -- the date digits as yyyymmdd and the clock digits as hhmiss: two casts, not six
        case when ts_shape then cast(replace(left(s_ts, 10), '-', '') as integer) end as ts_ymd,
        case when ts_shape then cast(replace(substring(s_ts, 12, 8), ':', '') as integer) end as ts_hms,
        -- the zone as hhmm, null for Z
        case when ts_shape and not ts_z then cast(replace(right(s_ts, 5), ':', '') as integer) end as ts_zone_hhmm,
        case when ts_shape and substring(s_ts, length(s_ts) - 5, 1) = '-' then -1 else 1 end as ts_zsign,
        -- the fraction in microseconds (digits beyond the sixth are dropped)
        case
            when ts_shape and substring(s_ts, 20, 1) = '.'
                then
                    cast(
                        rpad(
                            substring(
                                s_ts, 21, least(6, length(s_ts) - 20 - case when ts_z then 1 else 6 end)
                            ),
                            6,
                            '0'
                        ) as bigint
                    )
            else 0
        end as ts_frac_us,
        case when date_shape then cast(substring(s_date, 1, 4) as integer) end as d_y,
        case when date_shape then cast(substring(s_date, 6, 2) as integer) end as d_m,
        case when date_shape then cast(substring(s_date, 9, 2) as integer) end as d_d,
        case when offset_int then cast(cast(n_offset as decimal(12, 0)) as integer) end as offset_value,
        case when duration_int then cast(cast(n_duration as decimal(12, 0)) as bigint) end as duration_value,
        case when season_int then cast(cast(n_season as decimal(12, 0)) as bigint) end as season_value,
        case when episode_int then cast(cast(n_episode as decimal(12, 0)) as bigint) end as episode_value
    from shape
    /*+ fence */
),

clock as (
    select
        *,
        ts_ymd / 10000 as ts_y,
        ts_ymd / 100 % 100 as ts_m,
        ts_ymd % 100 as ts_d,
        ts_hms / 10000 as ts_hh,
        ts_hms / 100 % 100 as ts_mi,
        ts_hms % 100 as ts_ss,
        ts_zone_hhmm / 100 as ts_zh,
        ts_zone_hhmm % 100 as ts_zm
    from part
    /*+ fence */
),

calendar as (
    select
        *,
        coalesce(
            ts_hh <= 23
            and ts_mi <= 59
            and ts_ss <= 59
            and (ts_zh is null or (ts_zh <= 23 and ts_zm <= 59))
            and ts_y >= 1
            and ts_m between 1 and 12
            and ts_d between 1 and case
                when ts_m in (4, 6, 9, 11) then 30
                when ts_m = 2 and ((ts_y % 4 = 0 and ts_y % 100 <> 0) or ts_y % 400 = 0) then 29
                when ts_m = 2 then 28
                else 31
            end,
            false
        ) as ts_ok,
        coalesce(
            d_y >= 1
            and d_m between 1 and 12
            and d_d between 1 and case
                when d_m in (4, 6, 9, 11) then 30
                when d_m = 2 and ((d_y % 4 = 0 and d_y % 100 <> 0) or d_y % 400 = 0) then 29
                when d_m = 2 then 28
                else 31
            end,
            false
        ) as date_ok,
        -- lengths, not <> '': Redshift takes ' ' for '' (trailing blanks)
        coalesce(octet_length(s_device_id) between 1 and 64, false) as device_id_ok,
        -- stored lowercased: the limit holds for the stored text
        coalesce(octet_length(s_device_type) >= 1 and octet_length(lower(s_device_type)) <= 64, false) as device_type_ok,
        -- for the civil-date arithmetic: the year counted from March, the zone in seconds
        ts_y - case when ts_m <= 2 then 1 else 0 end as ts_ey,
        coalesce(ts_zsign * (ts_zh * 3600 + ts_zm * 60), 0) as ts_zone_s
    from clock
    /*+ fence */
),

verdict as (
    -- string limits count UTF-8 bytes (octet_length), the unit of Redshift's varchar(n): a
    -- value that passes always fits its column, on both engines. For ASCII, as every id
    -- seen so far, that is the spec's character count (docs/decisions.md W16)
    select
        *,
        case
            when not is_object then 'malformed_json'
            when is_ev and t_event_type = 'string' and not known_type then 'unknown_event_type'
            when is_ev then case
                when not coalesce(octet_length(s_event_id) between 1 and 64, false) then 'event_id'
                when s_event_type is null then 'event_type'
                when not ts_ok then 'event_ts'
                when not coalesce(octet_length(s_user_id) between 1 and 64, false) then 'user_id'
                when not coalesce(octet_length(s_content_id) between 1 and 64, false) then 'content_id'
                when coalesce(t_device, 'null') <> 'object' then 'device'
                when not device_id_ok then 'device.device_id'
                when not device_type_ok then 'device.device_type'
                when t_os <> 'null' and not coalesce(octet_length(s_os) <= 256, false) then 'device.os'
                when t_app_version <> 'null' and not coalesce(octet_length(s_app_version) <= 256, false)
                    then 'device.app_version'
                when t_offset <> 'null' and not coalesce(offset_value between -840 and 840, false)
                    then 'utc_offset_minutes'
                when s_event_type <> 'rate' and not coalesce(octet_length(s_session_id) between 1 and 64, false)
                    then 'session_id'
                when s_event_type <> 'rate' and not position_ok then 'position_sec'
                when s_event_type = 'seek' and t_from_position <> 'null' and not from_position_ok
                    then 'from_position_sec'
                when s_event_type = 'rate' and not rating_ok then 'rating'
            end
            when is_us then case
                when not coalesce(octet_length(s_user_id) between 1 and 64, false) then 'user_id'
                when not ts_ok then 'updated_at'
                when not coalesce(octet_length(s_country) = 2 and s_country ~ '^[A-Z]{2}$', false) then 'country'
                when not coalesce(octet_length(s_plan) between 1 and 256, false) then 'plan'
                when
                    not coalesce(
                        s_status in ('active', 'paused', 'canceled') and octet_length(rtrim(s_status)) = octet_length(s_status),
                        false
                    )
                    then 'subscription_status'
                when t_date <> 'null' and not date_ok then 'signup_date'
                when t_birth_year <> 'null' and not birth_year_int then 'birth_year'
                when t_gender <> 'null' and not coalesce(octet_length(s_gender) <= 256, false) then 'gender'
            end
            when is_ca then case
                when not coalesce(octet_length(s_content_id) between 1 and 64, false) then 'content_id'
                when
                    not coalesce(
                        s_content_type in ('movie', 'episode') and octet_length(rtrim(s_content_type)) = octet_length(s_content_type),
                        false
                    )
                    then 'content_type'
                when not coalesce(octet_length(s_title) between 1 and 1024, false) then 'title'
                when not coalesce(duration_value > 0, false) then 'duration_sec'
                when not genres_ok then 'genres'
                when s_content_type = 'episode' and not coalesce(octet_length(s_series_id) between 1 and 64, false)
                    then 'series_id'
                when s_content_type = 'episode' and not coalesce(octet_length(s_series_title) between 1 and 1024, false)
                    then 'series_title'
                when s_content_type = 'episode' and not coalesce(season_value >= 1, false) then 'season_number'
                when s_content_type = 'episode' and not coalesce(episode_value >= 1, false) then 'episode_number'
                when t_date <> 'null' and not date_ok then 'release_date'
                when t_maturity <> 'null' and not coalesce(octet_length(s_maturity) <= 256, false) then 'maturity_rating'
                when t_production_country <> 'null' and not coalesce(octet_length(s_production_country) <= 256, false)
                    then 'production_country'
            end
        end as bad,
        -- the local minute of the text's own day, plus two days so that it stays positive: the
        -- text's zone and the event's offset each move it by less than a day either way
        ts_hh * 60 + ts_mi - ts_zone_s / 60 + coalesce(offset_value, 0) + 2880 as local_minute_2d,
        -- UTC microseconds since the epoch, from the validated text by integer arithmetic
        -- (days from the civil date, era-based), never through a session time zone
        case
            when ts_ok
                then
                    (
                        (
                            (ts_ey / 400) * 146097
                            + (ts_ey % 400) * 365
                            + (ts_ey % 400) / 4
                            - (ts_ey % 400) / 100
                            + (153 * ((ts_m + 9) % 12) + 2) / 5 + ts_d - 1
                            - 719468
                        ) * cast(86400 as bigint)
                        -- the seconds of the day summed as integers first: one bigint addition
                        + (ts_hh * 3600 + ts_mi * 60 + ts_ss - ts_zone_s)
                    ) * 1000000
                    + ts_frac_us
        end as ts_us
    from calendar
    /*+ fence */
),

typed as (
    select
        *,
        case
            when bad = 'malformed_json' or bad = 'unknown_event_type' then bad
            when bad is not null then 'invalid_field'
        end as reason_code,
        case when bad is null and is_ev then coalesce(offset_value, 0) end as offset_minutes
    from verdict
),

localized as (
    select
        *,
        timestamp 'epoch'
        + (ts_us / 1000000) * interval '1 second'
        + (ts_us % 1000000) * interval '1 microsecond' as ts_utc
    from typed
)

select
    line_no,
    object_no,
    source,
    kind,
    reason_code as reason,
    case when reason_code = 'invalid_field' then bad when reason_code = 'unknown_event_type' then 'event_type' end
    as detail,
    case when is_ev and bad is null then s_event_id end as event_id,
    case when is_ev and bad is null then s_event_type end as event_type,
    case when is_ev and bad is null then ts_utc end as event_ts,
    case when is_ev and bad is null then ts_us end as event_us,
    case when bad is null then s_user_id end as user_id,
    case when bad is null then s_content_id end as content_id,
    case when is_ev and bad is null then s_device_id end as device_id,
    case when is_ev and bad is null then lower(s_device_type) end as device_type,
    case when is_ev and bad is null then s_os end as os,
    case when is_ev and bad is null then s_app_version end as app_version,
    offset_minutes as utc_offset_minutes,
    case when is_ev and bad is null and s_event_type <> 'rate' then s_session_id end as session_id,
    -- positions are cut to milliseconds on their text, not rounded by the cast: a session's
    -- max_position_sec is its highest position rounded down (1595.9996 stays 1595)
    case
        when is_ev and bad is null and s_event_type <> 'rate'
            then cast(split_part(n_position, '.', 1) || '.' || rpad(split_part(n_position, '.', 2), 3, '0') as decimal(18, 3))
    end as position_sec,
    case
        when is_ev and bad is null and s_event_type = 'seek' and from_position_ok
            then
                cast(
                    split_part(n_from_position, '.', 1) || '.' || rpad(split_part(n_from_position, '.', 2), 3, '0')
                    as decimal(18, 3)
                )
    end as from_position_sec,
    case
        when is_ev and bad is null and s_event_type = 'rate'
            then cast(cast(n_rating as decimal(12, 0)) as smallint)
    end as rating,
    -- the local date is nearly always the text's own date (yyyymmdd, already an integer):
    -- only an event the offset moves to another day has it formatted
    case
        when is_ev and bad is null and local_minute_2d / 1440 = 2 then ts_ymd
        when is_ev and bad is null
            then
                cast(
                    to_char(
                        to_date(lpad(cast(ts_ymd as varchar(8)), 8, '0'), 'YYYYMMDD')
                        + (local_minute_2d / 1440 - 2) * interval '1 day',
                        'YYYYMMDD'
                    ) as integer
                )
    end as local_date_key,
    case
        when is_ev and bad is null
            then cast(local_minute_2d % 1440 / 60 * 100 + local_minute_2d % 60 as smallint)
    end as local_time_key,
    case when is_us and bad is null then ts_utc end as updated_at,
    case when is_us and bad is null then s_country end as country,
    case when is_us and bad is null then s_plan end as plan,
    case when is_us and bad is null then s_status end as subscription_status,
    case when is_us and bad is null and date_ok then cast(s_date as date) end as signup_date,
    case
        when is_us and bad is null and birth_year_int then cast(cast(n_birth_year as decimal(12, 0)) as integer)
    end as birth_year,
    case when is_us and bad is null then s_gender end as gender,
    case when is_ca and bad is null then s_content_type end as content_type,
    case when is_ca and bad is null then s_title end as title,
    case when is_ca and bad is null then cast(duration_value as integer) end as duration_sec,
    case when is_ca and bad is null then a_genres end as genres,
    case when is_ca and bad is null and s_content_type = 'episode' then s_series_id end as series_id,
    case when is_ca and bad is null and s_content_type = 'episode' then s_series_title end
    as series_title,
    case when is_ca and bad is null and s_content_type = 'episode' then cast(season_value as integer) end
    as season_number,
    case
        when is_ca and bad is null and s_content_type = 'episode' then cast(episode_value as integer)
    end as episode_number,
    case when is_ca and bad is null and date_ok then cast(s_date as date) end as release_date,
    case when is_ca and bad is null then s_maturity end as maturity_rating,
    case when is_ca and bad is null then s_production_country end as production_country
from localized;
