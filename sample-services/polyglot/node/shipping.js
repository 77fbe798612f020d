#!/usr/bin/env node
// A shipping service in Node (amqplib) on the same bus as the Java services: it takes `inventory.reserved` from the
// Bus exchange in a queue of its own group, and for each publishes `shipping.scheduled`, which Bus listeners read.
// It declares the exchange as Bus does (durable topic), acks after handling, and publishes with the AMQP properties
// Bus reads (message_id, content_type, app_id, timestamp) and the mandatory flag.
//
//   AMQP_URL=amqp://guest:guest@127.0.0.1:5672 BUS_EXCHANGE=bus node shipping.js [messages to handle, then exit]
const crypto = require('crypto');
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

(async () => {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  // Bus's queue naming, <group>.<topic>: a Bus listener in group "shipping" would share it
  const queue = `${group}.inventory.reserved`;
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, 'inventory.reserved');
  await channel.prefetch(50);
  channel.on('return', (message) => console.error(`unroutable: ${message.fields.routingKey}`));
  let handled = 0;
  console.log(`shipping: consuming ${queue}`);
  await channel.consume(queue, async (message) => {
    const reserved = JSON.parse(message.content.toString('utf8'));
    const p = message.properties;
    console.log(`shipping: received ${p.messageId} type=${p.type || message.fields.routingKey} source=${p.appId} ` +
      `order=${reserved.orderId}`);
    const scheduled = { orderId: reserved.orderId, carrier: 'node-express', units: reserved.units };
    channel.publish(exchange, 'shipping.scheduled', Buffer.from(JSON.stringify(scheduled)), {
      messageId: crypto.randomUUID(), contentType: 'application/json', appId: '/shipping',
      timestamp: Math.floor(Date.now() / 1000), persistent: true, mandatory: true,
    });
    await channel.waitForConfirms(); // the broker has it before the reservation is acked
    channel.ack(message);
    handled += 1;
    if (limit > 0 && handled >= limit) {
      await channel.close();
      await connection.close();
      console.log(`shipping: handled ${handled}, done`);
    }
  });
  console.log('shipping: ready');
})().catch((error) => { console.error(error); process.exit(1); });
