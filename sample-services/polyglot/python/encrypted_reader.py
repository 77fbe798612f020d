#!/usr/bin/env python3
"""Reads an encrypted Bus topic from Python: takes the topic in a queue of its own group, decrypts each payload with
the topic's Tink keyset and prints it (docs/interop.md, docs/security.md).

    AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2F TOPIC=orders.created KEYSET=orders-topics.json \\
      python3 encrypted_reader.py [messages, then exit]

A payload Bus encrypted is a Tink AEAD ciphertext (AES-256-GCM) whose associated data binds it to its topic, its
message id and, when the header `bus-encryption` says `tink-aead-publisher`, to the broker-verified publisher
(`user_id`): the same bytes under another topic, id or publisher do not decrypt. A message that does not decrypt
(tampered, truncated, moved, an unknown key) is never printed: it is rejected without requeueing, which sends it to
the queue's dead-letter exchange when the queue has one (Bus's own queues do), and counted.

Decryption uses Google's tink-py (`pip install tink`) when it is installed: the maintained library, and the one to
use. Where it cannot be installed (this project's test machines reach no Python package index) it falls back to
`TinkAesGcm` below, which reads Tink's documented wire format for an AES-GCM key with Debian's python3-cryptography:
the fallback exists so the example runs, and is checked against the ciphertexts Java's Tink makes (PolyglotIT).

KEYSET is the topic's keyset in Tink's cleartext JSON form (a Kubernetes secret, say): treat it as the secret it is.
"""
import base64
import json
import os
import sys

import pika

import bus_token

url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
exchange = os.environ.get("BUS_EXCHANGE", "bus")
topic = os.environ["TOPIC"]
group = os.environ.get("GROUP", "encrypted-reader")
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
scopes = os.environ.get("SCOPES", "").split() or [
    "rabbitmq.configure:*/bus", f"rabbitmq.configure:*/{group}.*", f"rabbitmq.read:*/bus/{topic}",
    f"rabbitmq.read:*/{group}.*", f"rabbitmq.write:*/{group}.*"]


class TinkAesGcm:
    """Tink's AEAD for a keyset of AES-GCM keys, from its documented wire format
    (https://developers.google.com/tink/wire-format): a ciphertext is a 5-byte prefix (0x01 and the key id, big
    endian, for output prefix TINK; none for RAW), a 12-byte IV, then the AES-GCM ciphertext with its 16-byte tag.
    An AesGcmKey's value is a protocol buffer whose field 3 is the key."""

    TYPE_URL = "type.googleapis.com/google.crypto.tink.AesGcmKey"

    def __init__(self, keyset_json):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.keys = {}
        self.raw = []
        for key in json.loads(keyset_json)["key"]:
            if key["status"] != "ENABLED" or key["keyData"]["typeUrl"] != self.TYPE_URL:
                continue
            aead = AESGCM(self._key_value(base64.b64decode(key["keyData"]["value"])))
            if key["outputPrefixType"] == "TINK":
                self.keys[b"\x01" + key["keyId"].to_bytes(4, "big")] = aead
            elif key["outputPrefixType"] == "RAW":
                self.raw.append(aead)

    @staticmethod
    def _key_value(serialized):
        """Field 3 (bytes) of an AesGcmKey protocol buffer; its other fields are the version and params."""
        i = 0
        while i < len(serialized):
            tag, i = TinkAesGcm._varint(serialized, i)
            field, wire_type = tag >> 3, tag & 7
            if wire_type == 0:
                _, i = TinkAesGcm._varint(serialized, i)
            elif wire_type == 2:
                length, i = TinkAesGcm._varint(serialized, i)
                if field == 3:
                    return serialized[i:i + length]
                i += length
            else:
                raise ValueError("not an AesGcmKey")
        raise ValueError("an AesGcmKey without key bytes")

    @staticmethod
    def _varint(data, i):
        value, shift = 0, 0
        while True:
            byte = data[i]
            i += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value, i
            shift += 7

    def decrypt(self, ciphertext, associated_data):
        aead = self.keys.get(ciphertext[:5])
        if aead is not None:
            return aead.decrypt(ciphertext[5:17], ciphertext[17:], associated_data)
        for aead in self.raw:
            try:
                return aead.decrypt(ciphertext[:12], ciphertext[12:], associated_data)
            except Exception:
                continue
        raise ValueError("no key of the keyset decrypts it (an unknown key id, or tampered)")


def load_aead(path):
    with open(path) as file:
        keyset_json = file.read()
    try:
        import tink
        from tink import aead, secret_key_access
        aead.register()
        handle = tink.json_proto_keyset_format.parse(keyset_json, secret_key_access.TOKEN)
        print("encrypted-reader: decrypting with tink-py", flush=True)
        return handle.primitive(aead.Aead)
    except ImportError:
        print("encrypted-reader: tink-py is not installed; decrypting with the wire-format reader", flush=True)
        return TinkAesGcm(keyset_json)


def associated_data(properties, own_user):
    """What Bus bound the ciphertext to (PayloadEncryption in the starter)."""
    headers = properties.headers or {}
    message_id = properties.message_id or ""
    if str(headers.get("bus-encryption")) == "tink-aead-publisher":
        # a message Bus moved on for another user (a retry, say) names its first publisher
        original = headers.get("bus-original-user-id")
        publisher = str(original) if original and properties.user_id == own_user else properties.user_id
        if not publisher:
            raise ValueError("bound to its publisher, and it has no user_id")
        return f"bus/v2\0{topic}\0{message_id}\0{publisher}".encode("utf-8")
    if str(headers.get("bus-encryption")) == "tink-aead":
        return f"bus/v1\0{topic}\0{message_id}".encode("utf-8")
    raise ValueError("in clear on an encrypted topic")


def parameters():
    params = pika.URLParameters(url)
    if bus_token.configured():
        params.credentials = pika.PlainCredentials(bus_token.client_id(), bus_token.fetch(scopes))
    return params


aead_primitive = load_aead(os.environ["KEYSET"])
own_user = bus_token.client_id() if bus_token.configured() else pika.URLParameters(url).credentials.username
connection = pika.BlockingConnection(parameters())
channel = connection.channel()
channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True)
queue = f"{group}.{topic}"  # Bus's queue naming: <group>.<topic>
channel.queue_declare(queue=queue, durable=True)
channel.queue_bind(queue=queue, exchange=exchange, routing_key=topic)
channel.basic_qos(prefetch_count=50)
decrypted = 0
refused = 0


def on_message(ch, method, properties, body):
    global decrypted, refused
    try:
        payload = json.loads(aead_primitive.decrypt(body, associated_data(properties, own_user)))
    except Exception as error:  # never the payload or the key in the message: only why
        refused += 1
        reason = str(error) if isinstance(error, ValueError) else "it does not authenticate"
        print(f"encrypted-reader: refused {properties.message_id}: {reason}", flush=True)
        ch.basic_reject(delivery_tag=method.delivery_tag, requeue=False)
    else:
        decrypted += 1
        print(f"encrypted-reader: decrypted {properties.message_id} from {properties.user_id}: "
              f"{json.dumps(payload, sort_keys=True)}", flush=True)
        ch.basic_ack(delivery_tag=method.delivery_tag)
    if limit and decrypted + refused >= limit:
        ch.stop_consuming()


channel.basic_consume(queue=queue, on_message_callback=on_message)
print(f"encrypted-reader: consuming {queue}", flush=True)
print("encrypted-reader: ready", flush=True)
channel.start_consuming()
connection.close()
print(f"encrypted-reader: decrypted {decrypted}, refused {refused}, done", flush=True)
