#!/usr/bin/env python3
"""An invoicing service in Python (pika) on the same bus as the Java and Node services: it takes
`shipping.scheduled` in a queue of its own group and publishes `invoice.issued`, which Bus listeners read.

It declares the exchange as Bus does (durable topic: pika's default is not durable), acks after the broker has
confirmed what it published, and sets the AMQP properties Bus reads (message_id, content_type, app_id, timestamp).

    AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2F BUS_EXCHANGE=bus python3 invoicing.py [messages, then exit]
"""
import json
import os
import sys
import time
import uuid

import pika

url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
exchange = os.environ.get("BUS_EXCHANGE", "bus")
group = os.environ.get("GROUP", "invoicing")
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0

connection = pika.BlockingConnection(pika.URLParameters(url))
channel = connection.channel()
channel.confirm_delivery()  # basic_publish then raises if the broker refuses or returns the message
channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
queue = f"{group}.shipping.scheduled"  # Bus's queue naming: <group>.<topic>
channel.queue_declare(queue=queue, durable=True)
channel.queue_bind(queue=queue, exchange=exchange, routing_key="shipping.scheduled")
channel.basic_qos(prefetch_count=50)
handled = 0


def on_message(ch, method, properties, body):
    global handled
    scheduled = json.loads(body)
    print(f"invoicing: received {properties.message_id} source={properties.app_id} order={scheduled['orderId']}",
          flush=True)
    invoice = {"orderId": scheduled["orderId"], "carrier": scheduled["carrier"],
               "amountCents": 100 * scheduled["units"]}
    ch.basic_publish(exchange=exchange, routing_key="invoice.issued", body=json.dumps(invoice).encode("utf-8"),
                     properties=pika.BasicProperties(message_id=str(uuid.uuid4()), content_type="application/json",
                                                     app_id="/invoicing", timestamp=int(time.time()),
                                                     delivery_mode=2),
                     mandatory=True)
    ch.basic_ack(delivery_tag=method.delivery_tag)
    handled += 1
    if limit and handled >= limit:
        ch.stop_consuming()


channel.basic_consume(queue=queue, on_message_callback=on_message)
print(f"invoicing: consuming {queue}", flush=True)
print("invoicing: ready", flush=True)
channel.start_consuming()
connection.close()
print(f"invoicing: handled {handled}, done", flush=True)
