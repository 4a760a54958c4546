import { describe, expect, it } from 'vitest';
import { finishRequest, getRequest, insertRequest, newRequestId } from '../../src/store/requests.js';
import { testDbLanes, useTestDb } from '../support/test-db.js';

const rollback = {
  command: 'rollback',
  args: { service: 'api-gateway', env: 'prod', revision: 41 },
  environment: 'prod',
  target: 'api-gateway',
  requester: 'U0ALICE',
  teamId: 'T0OPS',
  channel: 'C0OPS',
  threadTs: '1700000000.000100',
  state: 'running',
};

describe('newRequestId', () => {
  it('is short and typeable', () => {
    expect(newRequestId()).toMatch(/^r-[a-z0-9]{6}$/);
  });
});

describe.each(testDbLanes)('requests on $name', ({ create }) => {
  const t = useTestDb(create);

  it('inserts a run with a fresh id and reads it back', async () => {
    const inserted = await insertRequest(t.db, rollback);
    expect(inserted).toEqual({
      id: expect.stringMatching(/^r-[a-z0-9]{6}$/),
      ...rollback,
      createdAt: expect.any(Date),
      finishedAt: null,
      outcome: null,
      summary: null,
    });
    expect(await getRequest(t.db, inserted.id)).toEqual(inserted);
    expect(await getRequest(t.db, 'r-unknown')).toBeNull();
  });

  it('keeps a given id and refuses it twice', async () => {
    await insertRequest(t.db, { ...rollback, id: 'r-given1' });
    await expect(insertRequest(t.db, { ...rollback, id: 'r-given1' })).rejects.toThrow(/r-given1 already exists/);
  });

  it('finishes a run once, with the database time', async () => {
    const { id, createdAt } = await insertRequest(t.db, {
      command: 'status',
      args: {},
      requester: 'U0BOB',
      state: 'running',
    });
    const finished = await finishRequest(t.db, id, 'succeeded', '3/3 replicas ready');
    expect(finished).toMatchObject({ id, state: 'finished', outcome: 'succeeded', summary: '3/3 replicas ready' });
    expect(finished?.finishedAt?.getTime()).toBeGreaterThanOrEqual(createdAt.getTime());
    expect(await finishRequest(t.db, id, 'failed', 'late')).toBeNull();
    expect(await getRequest(t.db, id)).toMatchObject({ outcome: 'succeeded' });
    expect(await finishRequest(t.db, 'r-nothere', 'failed', 'x')).toBeNull();
  });
});
