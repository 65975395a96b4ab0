import { Writable } from 'node:stream';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbound, OutboundDeliveries, type OutboundConfig } from '../../src/outbound/index.ts';
import { openStore } from '../../src/store/open.ts';
import { STORES } from '../store/postgres.ts';
import { startReceiver, TEST_SECRET } from './receiver.ts';

// Outbound webhooks end to end: real HTTP to a local receiver, which checks each delivery with
// the Standard Webhooks reference library (`standardwebhooks`), not with Boucle's own signing.

function logLines() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

describe.each(STORES)('outbound webhooks (%s)', (_name, location) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  async function setup(config: OutboundConfig, at = Date.now()) {
    const store = await openStore({ dbPath: ':memory:', ...(await location()) });
    cleanup.push(() => store.close());
    const clock = { now: at };
    const { lines, logger } = logLines();
    const outbound = new Outbound({ store, config, logger, clock: () => clock.now });
    const deliveries = new OutboundDeliveries({
      store,
      config,
      logger,
      clock: () => clock.now,
      random: () => 0.5, // no jitter: each delay is the base doubled per attempt
      backoffBaseMs: 1_000,
      maxAttempts: 3,
    });
    return { store, clock, lines, outbound, deliveries };
  }

  async function receiver(reply?: () => number) {
    const r = await startReceiver(reply);
    cleanup.push(r.close);
    return r;
  }

  it('delivers an event once, signed so that the reference library verifies it', async () => {
    const r = await receiver();
    const { outbound, deliveries } = await setup({ survey: { url: r.url, secret: TEST_SECRET } });
    const sent = await outbound.send({
      target: 'survey',
      type: 'survey.requested',
      key: 'survey-request:sr-1',
      data: { email: 'claire@acme.example', touchpoint: 'after-sale' },
    });
    expect(sent.duplicate).toBe(false);
    await deliveries.runOnce();

    expect(r.received).toHaveLength(1);
    const [delivery] = r.received;
    const payload = new Webhook(TEST_SECRET).verify(
      delivery!.body,
      delivery!.headers as Record<string, string>,
    );
    expect(payload).toEqual({
      type: 'survey.requested',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      data: { email: 'claire@acme.example', touchpoint: 'after-sale' },
    });
    expect(delivery!.headers['webhook-id']).toBe(sent.id);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(await outbound.get(sent.id)).toMatchObject({ status: 'delivered', attempts: 0 });
  });

  it('refuses a delivery signed with another secret (the receiver checks, not trusts)', async () => {
    const r = await receiver();
    const { outbound, deliveries } = await setup({ survey: { url: r.url, secret: TEST_SECRET } });
    await outbound.send({ target: 'survey', type: 'survey.requested', key: 'k', data: {} });
    await deliveries.runOnce();
    const other = `whsec_${Buffer.from('another-secret-of-thirty-two-byt').toString('base64')}`;
    expect(() =>
      new Webhook(other).verify(
        r.received[0]!.body,
        r.received[0]!.headers as Record<string, string>,
      ),
    ).toThrow(/No matching signature/);
  });

  it('sends the same key once: a second send is a duplicate, not a second delivery', async () => {
    const r = await receiver();
    const { outbound, deliveries } = await setup({ alerts: { url: r.url, secret: TEST_SECRET } });
    const event = {
      target: 'alerts' as const,
      type: 'sync.alert',
      key: 'alert:salesforce:down:2026-12-02T01',
      data: { crm: 'salesforce' },
    };
    const first = await outbound.send(event);
    const second = await outbound.send(event);
    expect(second).toEqual({ id: first.id, duplicate: true });
    await deliveries.runOnce();
    await deliveries.runOnce();
    expect(r.received).toHaveLength(1);
  });

  it('retries a refusing receiver with a growing backoff, then dead-letters the delivery', async () => {
    const r = await receiver(() => 500);
    const { outbound, deliveries, clock, store } = await setup({
      survey: { url: r.url, secret: TEST_SECRET },
    });
    const { id } = await outbound.send({
      target: 'survey',
      type: 'survey.requested',
      key: 'refused',
      data: {},
    });
    await deliveries.runOnce();
    expect(r.received).toHaveLength(1);
    expect(await outbound.get(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('answered 500'),
    });

    // The first retry is due 1 s later, the second 2 s after that: none is sent before.
    let sent = 1;
    for (const delayMs of [1_000, 2_000]) {
      clock.now += delayMs - 1;
      await deliveries.runOnce();
      expect(r.received).toHaveLength(sent);
      clock.now += 1;
      await deliveries.runOnce();
      expect(r.received).toHaveLength(++sent);
    }
    expect(r.received).toHaveLength(3);
    expect(await outbound.get(id)).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastError: expect.stringMatching(/^after 3 attempts: .* answered 500$/),
    });
    const dead = await store.listDead(10);
    expect(dead).toEqual([
      expect.objectContaining({ crm: 'outbound', kind: 'delivery', ref: id, attempts: 3 }),
    ]);

    // Dead for good: nothing more is sent, however long one waits.
    clock.now += 86_400_000;
    await deliveries.runOnce();
    expect(r.received).toHaveLength(3);
  });

  it('delivers a dead-lettered event once it is replayed and the receiver is back', async () => {
    let status = 503;
    const r = await receiver(() => status);
    const { outbound, deliveries, clock, store } = await setup({
      survey: { url: r.url, secret: TEST_SECRET },
    });
    const { id } = await outbound.send({
      target: 'survey',
      type: 'survey.requested',
      key: 'replayed',
      data: {},
    });
    for (let i = 0; i < 3; i++) {
      await deliveries.runOnce();
      clock.now += 60_000;
    }
    expect((await outbound.get(id))?.status).toBe('dead');
    status = 204;
    await store.replay('all', clock.now);
    await deliveries.runOnce();
    expect(await outbound.get(id)).toMatchObject({ status: 'delivered' });
    expect(r.received).toHaveLength(4);
  });

  it('records the events of a target without a URL as skipped, and says so once in the log', async () => {
    const { outbound, deliveries, lines, store } = await setup({});
    const first = await outbound.send({
      target: 'alerts',
      type: 'sync.alert',
      key: 'a1',
      data: { n: 1 },
    });
    await outbound.send({ target: 'alerts', type: 'sync.alert', key: 'a2', data: { n: 2 } });
    expect(await outbound.get(first.id)).toMatchObject({ status: 'skipped', data: { n: 1 } });
    expect(await deliveries.runOnce()).toBe(0);
    expect((await store.queueStats())['outbound.ready']).toBeUndefined();
    expect(lines.filter((l) => l.msg.includes('BOUCLE_ALERT_WEBHOOK_URL'))).toHaveLength(1);
    expect(outbound.unconfigured).toEqual(['survey', 'alerts']);
  });

  it('never logs the secret, even when a delivery fails', async () => {
    const r = await receiver(() => 500);
    const { outbound, deliveries, lines } = await setup({
      survey: { url: r.url, secret: TEST_SECRET },
    });
    await outbound.send({ target: 'survey', type: 'survey.requested', key: 's', data: {} });
    await deliveries.runOnce();
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain(TEST_SECRET.slice(6, 20));
  });

  it('refuses an event that is not one, naming the field', async () => {
    const { outbound } = await setup({});
    await expect(
      outbound.send({ target: 'nowhere' as 'survey', type: 'x', key: '', data: {} }),
    ).rejects.toThrow(/target: .*type: .*key: /);
  });
});
