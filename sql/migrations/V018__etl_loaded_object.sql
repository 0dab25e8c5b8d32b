-- The durable record of loaded object keys: an object is never loaded twice.
create table if not exists streamflix.etl_loaded_object (
    object_key varchar(1024) not null encode raw,
    kind varchar(16) not null encode zstd,
    batch_id bigint not null encode az64,
    loaded_at timestamp not null encode az64,
    lines_read bigint not null encode az64,
    quarantined bigint not null encode az64,
    primary key (object_key),
    foreign key (batch_id) references streamflix.etl_batch (batch_id)
)
diststyle all
sortkey (object_key);
