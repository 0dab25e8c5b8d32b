-- One row per (content item, genre); genre_rank 1 is the primary genre.
create table if not exists streamflix.bridge_content_genre (
    content_key bigint not null encode raw,
    genre varchar(256) not null encode zstd,
    genre_rank integer not null encode az64,
    primary key (content_key, genre),
    foreign key (content_key) references streamflix.dim_content (content_key)
)
diststyle all
sortkey (content_key);
