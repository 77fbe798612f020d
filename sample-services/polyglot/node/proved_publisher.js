#!/usr/bin/env node
// A publisher in Node (amqplib, and Node's own crypto) on topics whose Bus listeners require per-message tokens
// (docs/security.md, "A token bound to its message"; docs/interop.md): it logs in to the broker with one token, and
// sends with each message a second one, for the bus, bound to this process's key (RFC 9449 DPoP), plus a proof made
// with that key that covers the message's id, topic and body, as a Bus publisher does. It proves each message alone
// (a tree of one leaf, path "0"); Bus proves bursts together.
//
//   AMQP_URL=amqp://127.0.0.1:5673 BUS_ISSUER=http://127.0.0.1:9000 CLIENT_ID=orders CLIENT_SECRET=... \
//     TOPIC=orders.created node proved_publisher.js 3 [tamper]
//
// BROKER_SCOPES and MESSAGE_SCOPES name the two tokens' scopes (by default write on the topic, and bus.publish on it).
// With "tamper" it sends one more message whose body is changed after its proof was made: listeners dead-letter it.
const crypto = require('crypto');
const path = require('path');
const os = require('os');
const home = process.env.BUS_INFRA_HOME || path.join(os.homedir(), '.cache', 'bus-infra');
let amqp;
try { amqp = require('amqplib'); } catch (e) { amqp = require(path.join(home, 'npm', 'node_modules', 'amqplib')); }

const issuer = process.env.BUS_ISSUER;
const clientId = process.env.CLIENT_ID;
const exchange = process.env.BUS_EXCHANGE || 'bus';
const topic = process.env.TOPIC;
const count = Number(process.argv[2] || 1);
const tamper = process.argv[3] === 'tamper';
const brokerScopes = process.env.BROKER_SCOPES || `rabbitmq.write:*/${exchange}/${topic}`;
const messageScopes = process.env.MESSAGE_SCOPES || `bus.publish:${topic}`;

// The key the bus token is bound to: made here, never written anywhere.
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const { kty, n, e } = publicKey.export({ format: 'jwk' });
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const sha256 = (...parts) => parts.reduce((hash, part) => hash.update(part), crypto.createHash('sha256')).digest();

// A JWS signed PS256 with the key, the public key in its header (as in a DPoP proof).
function sign(type, claims) {
  const input = `${b64url(JSON.stringify({ typ: type, alg: 'PS256', jwk: { kty, n, e } }))}.`
    + b64url(JSON.stringify(claims));
  const signature = crypto.sign('sha256', Buffer.from(input),
    { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return `${input}.${b64url(signature)}`;
}

const now = () => Math.floor(Date.now() / 1000);

// A client-credentials token (never printed: it is a password); with a DPoP proof, the issuer binds it to the key.
async function token(scope, bound) {
  const url = `${issuer}/oauth2/token`;
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${clientId}:${process.env.CLIENT_SECRET}`).toString('base64')}`,
  };
  if (bound) headers.dpop = sign('dpop+jwt', { jti: crypto.randomUUID(), htm: 'POST', htu: url, iat: now() });
  const response = await fetch(url, { method: 'POST', headers,
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }) });
  if (!response.ok) throw new Error(`the issuer refused a token to ${clientId}: HTTP ${response.status}`);
  return (await response.json()).access_token;
}

// The proof of one message: its leaf, SHA-256(0x00 || "bus-proof/v1" NUL id NUL topic NUL SHA-256(body)), is the
// root of a tree of one.
function proof(busToken, id, body) {
  const nul = Buffer.from([0]);
  const leaf = sha256(Buffer.from([0]), Buffer.from('bus-proof/v1'), nul, Buffer.from(id), nul, Buffer.from(topic),
    nul, sha256(body));
  return sign('bus-proof+jwt', { ath: b64url(sha256(Buffer.from(busToken))), iat: now(), root: b64url(leaf),
    leaves: 1 });
}

async function main() {
  const target = new URL(process.env.AMQP_URL || 'amqp://127.0.0.1:5672');
  target.username = clientId;
  target.password = await token(brokerScopes, false);
  const busToken = await token(messageScopes, true);
  const connection = await amqp.connect(target.toString());
  const channel = await connection.createConfirmChannel();
  for (let i = 1; i <= count + (tamper ? 1 : 0); i++) {
    const id = crypto.randomUUID();
    const body = Buffer.from(JSON.stringify({ id: `node-${i}` }));
    const headers = { 'bus-authorization': busToken, 'bus-proof': proof(busToken, id, body), 'bus-proof-path': '0' };
    const sent = (tamper && i > count) ? Buffer.from(JSON.stringify({ id: 'node-tampered' })) : body;
    channel.publish(exchange, topic, sent, { messageId: id, contentType: 'application/json', userId: clientId,
      timestamp: now(), persistent: true, mandatory: true, headers });
  }
  await channel.waitForConfirms();
  console.log(`proved_publisher: sent ${count + (tamper ? 1 : 0)}`);
  await connection.close();
}

main().catch((error) => { console.error(`proved_publisher: ${error.message}`); process.exit(1); });
