#!/usr/bin/env node
// A shipping service in Node (amqplib) on the same bus as the Java services: it takes `inventory.reserved` from the
// Bus exchange in a queue of its own group, and for each publishes `shipping.scheduled`, which Bus listeners read.
// It declares the exchange as Bus does (durable topic), acks after handling, and publishes with the AMQP properties
// Bus reads (message_id, content_type, app_id, timestamp) and the mandatory flag.
//
//   AMQP_URL=amqp://guest:guest@127.0.0.1:5672 BUS_EXCHANGE=bus node shipping.js [messages to handle, then exit]
//
// On a secured broker (docs/security.md, docs/interop.md) it logs in with an OAuth2 token as its password: set
// BUS_ISSUER (the token endpoint's base URL), CLIENT_ID and CLIENT_SECRET, and it asks for the scopes below (or
// SCOPES). With an amqps:// URL and BUS_PKI (a directory with ca.pem and its own shipping.pem, shipping-key.pem) it
// also presents its client certificate (mutual TLS). A broker may close a connection whose token expired (docs/interop.md), and
// amqplib cannot replace the token on a live connection (connection.update-secret), so the service reconnects with a
// fresh token when its connection closes; a reservation it had not acked is delivered again, and handling one twice
// only schedules the same shipment twice (a real service would be idempotent, or use Bus).
//
//   AMQP_URL=amqps://127.0.0.1:5674 BUS_ISSUER=http://127.0.0.1:9000 CLIENT_ID=shipping \
//     CLIENT_SECRET=shipping-secret BUS_PKI=~/.cache/bus-infra/pki node shipping.js
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const os = require('os');
// amqplib from the project's npm prefix (scripts/infra up), or from wherever node finds it
const home = process.env.BUS_INFRA_HOME || path.join(os.homedir(), '.cache', 'bus-infra');
let amqp;
try { amqp = require('amqplib'); } catch (e) { amqp = require(path.join(home, 'npm', 'node_modules', 'amqplib')); }

const url = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const exchange = process.env.BUS_EXCHANGE || 'bus';
const group = process.env.GROUP || 'shipping';
const limit = Number(process.argv[2] || 0);
// What this service does on the bus, as RabbitMQ scopes: declare the exchange and its own queues, read
// reservations, publish shipments.
const scopes = process.env.SCOPES || ['rabbitmq.configure:*/bus', `rabbitmq.configure:*/${group}.*`,
  'rabbitmq.read:*/bus/inventory.reserved', `rabbitmq.read:*/${group}.*`, 'rabbitmq.write:*/bus/shipping.scheduled',
  `rabbitmq.write:*/${group}.*`].join(' ');

// A client-credentials token from the issuer (never printed: it is a password).
async function token() {
  const response = await fetch(`${process.env.BUS_ISSUER}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic '
        + Buffer.from(`${process.env.CLIENT_ID}:${process.env.CLIENT_SECRET}`).toString('base64'),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes }),
  });
  if (!response.ok) throw new Error(`the issuer refused a token to ${process.env.CLIENT_ID}: HTTP ${response.status}`);
  return (await response.json()).access_token;
}

async function connect() {
  const target = new URL(url);
  if (process.env.BUS_ISSUER) {
    target.username = process.env.CLIENT_ID;
    target.password = await token();
  }
  const pki = process.env.BUS_PKI;
  const read = (name) => fs.readFileSync(path.join(pki, name));
  // the test broker's certificate names localhost
  const tls = pki ? { ca: [read('ca.pem')], cert: read('shipping.pem'), key: read('shipping-key.pem'),
    servername: target.hostname === '127.0.0.1' ? 'localhost' : target.hostname } : {};
  return amqp.connect(target.toString(), tls);
}

let handled = 0;

// One connection's life: resolves true when the limit is reached, false when the connection closed under it.
async function serve() {
  const connection = await connect();
  const closed = new Promise((resolve) => connection.on('close', () => resolve(false)));
  connection.on('error', (error) => console.error(`shipping: connection failed: ${error.message}`));
  const channel = await connection.createConfirmChannel();
  // RabbitMQ 3.10 keeps a connection whose token expired, but refuses the next operation it has not authorised yet
  // by closing that channel (403): treated as the connection going, so the service connects again with a fresh token.
  channel.on('close', () => connection.close().catch(() => {}));
  channel.on('error', (error) => console.error(`shipping: channel closed by the broker: ${error.message}`));
  await channel.assertExchange(exchange, 'topic', { durable: true });
  // Bus's queue naming, <group>.<topic>: a Bus listener in group "shipping" would share it
  const queue = `${group}.inventory.reserved`;
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, 'inventory.reserved');
  await channel.prefetch(50);
  channel.on('return', (message) => console.error(`unroutable: ${message.fields.routingKey}`));
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  console.log(`shipping: consuming ${queue}`);
  await channel.consume(queue, (message) => handle(channel, message, done).catch((error) =>
    // the connection went (its close ends serve()); the broker delivers the message again
    console.error(`shipping: not handled, ${error.message}`)));
  console.log('shipping: ready');
  const outcome = await Promise.race([finished, closed]);
  if (outcome) await connection.close();
  return outcome;
}

async function handle(channel, message, done) {
  const reserved = JSON.parse(message.content.toString('utf8'));
  const p = message.properties;
  console.log(`shipping: received ${p.messageId} type=${p.type || message.fields.routingKey} source=${p.appId} ` +
    `order=${reserved.orderId}`);
  const scheduled = { orderId: reserved.orderId, carrier: 'node-express', units: reserved.units };
  channel.publish(exchange, 'shipping.scheduled', Buffer.from(JSON.stringify(scheduled)), {
    // user_id: the broker checks it against the authenticated user, and Bus listeners then see a verified publisher
    ...(process.env.BUS_ISSUER ? { userId: process.env.CLIENT_ID } : {}),
    messageId: crypto.randomUUID(), contentType: 'application/json', appId: '/shipping',
    timestamp: Math.floor(Date.now() / 1000), persistent: true, mandatory: true,
  });
  await channel.waitForConfirms(); // the broker has it before the reservation is acked
  channel.ack(message);
  handled += 1;
  if (limit > 0 && handled >= limit) done(true);
}

(async () => {
  let served = false;
  for (;;) {
    try {
      if (await serve()) break;
      served = true;
      console.log('shipping: connection closed, connecting again with a fresh token');
    }
    catch (error) {
      if (!served) throw error; // the first connection failing is a configuration error: say so and stop
      console.error(`shipping: could not connect again (${error.message}), trying again`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.log(`shipping: handled ${handled}, done`);
})().catch((error) => { console.error(`shipping: ${error.message}`); process.exit(1); });
