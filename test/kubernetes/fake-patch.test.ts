import { describe, expect, it } from 'vitest';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
} from '../../src/kubernetes/fake-apiserver/patch.js';
import { parseFieldSelector, parseLabelSelector } from '../../src/kubernetes/fake-apiserver/selectors.js';

const spec = {
  containers: [
    {
      name: 'app',
      image: 'app:1',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      args: ['--x'],
    },
    { name: 'sidecar', image: 'side:1' },
  ],
};

describe('strategic merge patch', () => {
  it('merges lists with a patch merge key and replaces lists without one', () => {
    const patched = applyStrategicMergePatch(spec, {
      containers: [
        {
          name: 'app',
          env: [
            { name: 'B', value: '3' },
            { name: 'C', value: '4' },
          ],
          args: ['--y'],
        },
      ],
    });
    expect(patched).toEqual({
      containers: [
        {
          name: 'app',
          image: 'app:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
            { name: 'C', value: '4' },
          ],
          args: ['--y'],
        },
        { name: 'sidecar', image: 'side:1' },
      ],
    });
  });

  it('honours $patch: delete, null, $setElementOrder and $patch: replace', () => {
    const patched = applyStrategicMergePatch(spec, {
      '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
      containers: [
        { name: 'app', env: [{ name: 'A', $patch: 'delete' }], args: null },
        { name: 'sidecar', image: 'side:2' },
      ],
    });
    expect(patched).toEqual({
      containers: [
        { name: 'sidecar', image: 'side:2' },
        { name: 'app', image: 'app:1', env: [{ name: 'B', value: '2' }] },
      ],
    });
    expect(applyStrategicMergePatch({ a: { b: 1, c: 2 } }, { a: { $patch: 'replace', d: 3 } })).toEqual({
      a: { d: 3 },
    });
  });
});

describe('merge patch and JSON patch', () => {
  it('merge patch replaces lists wholesale and deletes with null (RFC 7396)', () => {
    expect(applyMergePatch(spec, { containers: [{ name: 'only' }] })).toEqual({ containers: [{ name: 'only' }] });
    expect(applyMergePatch({ a: 1, b: { c: 2 } }, { b: { c: null, d: 3 } })).toEqual({ a: 1, b: { d: 3 } });
  });

  it('JSON patch supports add, remove, replace, move, copy and test (RFC 6902)', () => {
    const doc = { list: [1, 2], obj: { 'a/b': 1 } };
    expect(
      applyJsonPatch(doc, [
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'remove', path: '/list/0' },
        { op: 'replace', path: '/obj/a~1b', value: 9 },
        { op: 'copy', from: '/obj', path: '/copy' },
        { op: 'move', from: '/copy', path: '/moved' },
        { op: 'test', path: '/list', value: [2, 3] },
      ]),
    ).toEqual({ list: [2, 3], obj: { 'a/b': 9 }, moved: { 'a/b': 9 } });
    expect(doc.list).toEqual([1, 2]);
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/list', value: [] }])).toThrow(/test failed/);
  });
});

describe('selectors', () => {
  it('label selectors: equality, set-based and existence', () => {
    const labels = { app: 'api', tier: 'edge' };
    expect(parseLabelSelector('app=api,tier!=db')(labels)).toBe(true);
    expect(parseLabelSelector('app in (api, web),!canary')(labels)).toBe(true);
    expect(parseLabelSelector('tier notin (edge)')(labels)).toBe(false);
    expect(parseLabelSelector('release')(labels)).toBe(false);
    expect(() => parseLabelSelector('app in in')).toThrow(/unable to parse requirement/);
  });

  it('field selectors on any dotted path', () => {
    const event = { involvedObject: { name: 'api', kind: 'Deployment' }, type: 'Normal' };
    expect(parseFieldSelector('involvedObject.name=api,type!=Warning')(event)).toBe(true);
    expect(parseFieldSelector('involvedObject.kind==Pod')(event)).toBe(false);
  });
});
