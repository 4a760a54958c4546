import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest, suggestions } from '../../src/suggest.js';

const environments = ['dev', 'staging', 'prod'];
const services = ['api-gateway', 'neural-engine', 'backend', 'frontend', 'worker'];

describe('suggest', () => {
  it('finds the close name', () => {
    expect(suggest('prd', environments)).toBe('prod');
    expect(suggest('api-gatway', services)).toBe('api-gateway');
    expect(suggest('api-gaetway', services)).toBe('api-gateway'); // swapped letters
    expect(suggest('Prod', environments)).toBe('prod');
    expect(suggest('stg', environments)).toBe('staging');
    expect(suggest('neural', services)).toBe('neural-engine');
    expect(suggest('frontned', services)).toBe('frontend');
  });

  it('finds nothing for unrelated words', () => {
    expect(suggest('banana', environments)).toBeUndefined();
    expect(suggest('banana', services)).toBeUndefined();
    expect(suggest('qa', environments)).toBeUndefined();
    expect(suggest('database', services)).toBeUndefined();
    expect(suggest('', services)).toBeUndefined();
  });

  it('ranks several candidates, best first', () => {
    const ranked = suggestions('deploy', ['deploy-status', 'deploys', 'delay', 'status']);
    expect(ranked[0]).toBe('deploys');
    expect(ranked).toContain('deploy-status');
    expect(ranked).not.toContain('status');
  });

  it('words the hint for messages', () => {
    expect(didYouMean('prd', environments)).toBe(' (did you mean "prod"?)');
    expect(didYouMean('zzz', environments)).toBe('');
  });

  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('prod', 'rpod')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
