#!/usr/bin/env python3
"""A simulated warehouse thermometer: an MQTT device (Eclipse Paho, MQTT 3.1.1) on the same bus as the services.

It publishes a reading every INTERVAL seconds on `warehouse/<site>/temperature` at QoS 1, a small JSON document
(`{"celsius": 4.2, "takenAt": "2026-11-28T20:00:00Z"}`) with no message id and no content type, as devices do. The
broker's MQTT plugin puts it on the bus exchange with the topic `warehouse.<site>.temperature`, where a Bus
listener reads it (docs/mqtt.md). QoS 1: each reading is sent until the broker acknowledges it (PUBACK), so a
reading is never lost while the device runs, and may arrive twice; Bus gives it an id derived from its topic and
body, so the listener's inbox sees a resend as the same message.

    MQTT_HOST=127.0.0.1 MQTT_PORT=1885 SITE=eu-1 python3 thermometer.py [readings, then exit]

On a secured broker it logs in with an OAuth2 token as its password (BUS_ISSUER, CLIENT_ID, CLIENT_SECRET; see
bus_token.py), whose one scope lets it publish its readings and nothing else; without BUS_ISSUER it uses
MQTT_USER/MQTT_PASSWORD. A connection that drops (its token expired, say) is made again with a fresh token.
"""
import json
import os
import random
import sys
import threading
import time
from datetime import datetime, timezone

import paho.mqtt.client as mqtt

import bus_token

host = os.environ.get("MQTT_HOST", "127.0.0.1")
port = int(os.environ.get("MQTT_PORT", "1885"))
site = os.environ.get("SITE", "eu-1")
interval = float(os.environ.get("INTERVAL", "1"))
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
# An MQTT topic level must not contain a dot: the plugin would turn it into a level separator (docs/mqtt.md).
if "." in site or "/" in site:
    sys.exit(f"thermometer: SITE {site!r} must be one topic level (no '.' or '/')")
topic = f"warehouse/{site}/temperature"
scopes = ["rabbitmq.write:*/bus/warehouse.*"]
connected = threading.Event()


def log_in(client):
    if bus_token.configured():
        client.username_pw_set(bus_token.client_id(), bus_token.fetch(scopes))
    else:
        client.username_pw_set(os.environ.get("MQTT_USER", "guest"), os.environ.get("MQTT_PASSWORD", "guest"))


def on_connect(client, userdata, flags, rc):
    if rc == 0:
        connected.set()
        print(f"thermometer: connected, publishing on {topic}", flush=True)
    else:
        print(f"thermometer: the broker refused the login ({mqtt.connack_string(rc)})", flush=True)


def on_disconnect(client, userdata, rc):
    connected.clear()
    if rc != 0:
        print("thermometer: connection lost, connecting again with a fresh token", flush=True)
        log_in(client)  # Paho reconnects with these credentials


client = mqtt.Client(client_id=f"thermometer-{site}", clean_session=True, protocol=mqtt.MQTTv311)
client.on_connect = on_connect
client.on_disconnect = on_disconnect
client.reconnect_delay_set(min_delay=1, max_delay=10)
log_in(client)
client.connect(host, port, keepalive=30)
client.loop_start()
if not connected.wait(15):
    sys.exit(f"thermometer: could not connect to the MQTT listener on {host}:{port} (scripts/infra up starts it)")

celsius = 4.0
sent = 0
while not limit or sent < limit:
    # a chilled warehouse drifting around 4 °C, now and then too warm
    celsius = round(min(12.0, max(1.0, celsius + random.uniform(-0.6, 0.6))), 1)
    reading = {"celsius": celsius, "takenAt": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    info = client.publish(topic, json.dumps(reading), qos=1)
    info.wait_for_publish()  # Paho sends it again after a reconnection until the broker acknowledges it
    sent += 1
    print(f"thermometer: reading {sent} acknowledged: {celsius} °C", flush=True)
    if not limit or sent < limit:
        time.sleep(interval)
client.loop_stop()
client.disconnect()
print(f"thermometer: sent {sent}, done", flush=True)
