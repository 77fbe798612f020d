-- Bus outbox (MySQL 8+, MariaDB 10.6+: the relay locks with FOR UPDATE SKIP LOCKED). ${table} is bus.outbox.table.
create table if not exists ${table} (
    id bigint not null auto_increment primary key,
    topic varchar(255) not null,
    message_id varchar(255) not null,
    envelope longblob not null,
    created_at timestamp(6) not null
) engine = InnoDB;
