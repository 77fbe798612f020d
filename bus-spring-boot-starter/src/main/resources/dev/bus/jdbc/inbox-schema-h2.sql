-- Bus inbox (H2). ${table} is bus.inbox.jdbc.table.
create table if not exists ${table} (
    consumer varchar(255) not null,
    message_id varchar(255) not null,
    processed_at timestamp not null,
    primary key (consumer, message_id)
);
create index if not exists ${table_id}_processed_at on ${table} (processed_at);
