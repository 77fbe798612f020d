-- Bus inbox (MySQL 8+, MariaDB 10.6+). ${table} is bus.inbox.jdbc.table.
create table if not exists ${table} (
    consumer varchar(255) not null,
    message_id varchar(255) not null,
    processed_at timestamp(6) not null,
    primary key (consumer, message_id),
    index ${table_id}_processed_at (processed_at)
) engine = InnoDB;
