#!/usr/bin/env python3
"""An invoicing service in Python (pika) on the same bus as the Java and Node services: it takes
`shipping.scheduled` in a queue of its own group and publishes `invoice.issued`, which Bus listeners read.

It declares the exchange as Bus does (durable topic: pika's default is not durable), acks after the broker has
confirmed what it published, and sets the AMQP properties Bus reads (message_id, content_type, app_id, timestamp).

    AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2F BUS_EXCHANGE=bus python3 invoicing.py [messages, then exit]

On a secured broker (docs/security.md, docs/interop.md) it logs in with an OAuth2 token as its password: set
BUS_ISSUER, CLIENT_ID and CLIENT_SECRET (bus_token.py). With an amqps:// URL and BUS_PKI (a directory with ca.pem
and its own invoicing.pem, invoicing-key.pem) it also presents its client certificate (mutual TLS). A broker may close a connection
whose token expired (docs/interop.md) and Debian's pika 1.2 cannot replace the token on a live connection
(connection.update-secret), so the service connects again with a fresh token when its connection closes; a shipment
it had not acked is delivered again.

    AMQP_URL=amqps://127.0.0.1:5674/%2F BUS_ISSUER=http://127.0.0.1:9000 CLIENT_ID=invoicing \\
      CLIENT_SECRET=invoicing-secret BUS_PKI=~/.cache/bus-infra/pki python3 invoicing.py
"""
import json
import os
import ssl
import sys
import time
import uuid

import pika

import bus_token

url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
exchange = os.environ.get("BUS_EXCHANGE", "bus")
group = os.environ.get("GROUP", "invoicing")
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
# What this service does on the bus, as RabbitMQ scopes: declare the exchange and its own queues, read shipments,
# publish invoices.
scopes = os.environ.get("SCOPES", "").split() or [
    "rabbitmq.configure:*/bus", f"rabbitmq.configure:*/{group}.*", "rabbitmq.read:*/bus/shipping.scheduled",
    f"rabbitmq.read:*/{group}.*", "rabbitmq.write:*/bus/invoice.issued", f"rabbitmq.write:*/{group}.*"]
handled = 0
connected = False


def parameters():
    params = pika.URLParameters(url)
    if bus_token.configured():
        params.credentials = pika.PlainCredentials(bus_token.client_id(), bus_token.fetch(scopes))
    pki = os.environ.get("BUS_PKI")
    if pki:
        context = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
        context.load_cert_chain(os.path.join(pki, "invoicing.pem"), os.path.join(pki, "invoicing-key.pem"))
        # the test broker's certificate names localhost
        params.ssl_options = pika.SSLOptions(context, "localhost" if params.host == "127.0.0.1" else params.host)
    return params


def on_message(ch, method, properties, body):
    global handled
    scheduled = json.loads(body)
    print(f"invoicing: received {properties.message_id} source={properties.app_id} order={scheduled['orderId']}",
          flush=True)
    invoice = {"orderId": scheduled["orderId"], "carrier": scheduled["carrier"],
               "amountCents": 100 * scheduled["units"]}
    ch.basic_publish(exchange=exchange, routing_key="invoice.issued", body=json.dumps(invoice).encode("utf-8"),
                     # user_id: the broker checks it against the authenticated user, and Bus listeners then see
                     # a verified publisher
                     properties=pika.BasicProperties(message_id=str(uuid.uuid4()), content_type="application/json",
                                                     app_id="/invoicing", timestamp=int(time.time()),
                                                     user_id=bus_token.client_id() if bus_token.configured() else None,
                                                     delivery_mode=2),
                     mandatory=True)
    ch.basic_ack(delivery_tag=method.delivery_tag)
    handled += 1
    if limit and handled >= limit:
        ch.stop_consuming()


def serve():
    """One connection's life: returns when the limit is reached, raises when the connection goes."""
    global connected
    connection = pika.BlockingConnection(parameters())
    connected = True
    channel = connection.channel()
    channel.confirm_delivery()  # basic_publish then raises if the broker refuses or returns the message
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
    queue = f"{group}.shipping.scheduled"  # Bus's queue naming: <group>.<topic>
    channel.queue_declare(queue=queue, durable=True)
    channel.queue_bind(queue=queue, exchange=exchange, routing_key="shipping.scheduled")
    channel.basic_qos(prefetch_count=50)
    channel.basic_consume(queue=queue, on_message_callback=on_message)
    print(f"invoicing: consuming {queue}", flush=True)
    print("invoicing: ready", flush=True)
    channel.start_consuming()
    connection.close()


while True:
    try:
        serve()
        break
    except (pika.exceptions.AMQPConnectionError, pika.exceptions.AMQPChannelError) as error:
        # RabbitMQ 3.10 keeps a connection whose token expired, but refuses the next operation it has not
        # authorised yet by closing that channel (403): handled like the connection going.
        if not connected:
            raise  # the first connection failing is a configuration error: say so and stop
        print(f"invoicing: {type(error).__name__}, connecting again with a fresh token", flush=True)
    time.sleep(1)
print(f"invoicing: handled {handled}, done", flush=True)
