-- Bus outbox (PostgreSQL). ${table} is bus.outbox.table.
create table if not exists ${table} (
    id bigserial primary key,
    topic varchar(255) not null,
    message_id varchar(255) not null,
    envelope bytea not null,
    created_at timestamp not null
);
