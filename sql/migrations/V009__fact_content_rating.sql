-- Transaction fact: one row per valid rate event.
create table if not exists streamflix.fact_content_rating (
    rating_event_id varchar(64) not null encode zstd,
    user_key bigint not null encode az64,
    content_key bigint not null encode az64,
    device_key bigint not null encode az64,
    rating_date_key integer not null encode raw,
    rating_time_key smallint not null encode az64,
    rated_at timestamp not null encode az64,
    rating_value smallint not null encode az64,
    batch_id bigint not null encode az64,
    primary key (rating_event_id),
    foreign key (user_key) references streamflix.dim_user (user_key),
    foreign key (content_key) references streamflix.dim_content (content_key),
    foreign key (device_key) references streamflix.dim_device (device_key),
    foreign key (rating_date_key) references streamflix.dim_date (date_key),
    foreign key (rating_time_key) references streamflix.dim_time_of_day (time_key)
)
distkey (user_key)
compound sortkey (rating_date_key, rated_at);
