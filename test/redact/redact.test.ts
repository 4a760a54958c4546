import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/redact/redact.js';

const redact = createRedactor(['s3cr3t-db-password', 'abc']);

describe('redaction', () => {
  it.each([
    ['token xoxb-123456789012-1234567890123-AbCdEfGh', 'xoxb-'],
    ['app xapp-1-A0123-1234-abcdef012345', 'xapp-1-A0123'],
    ['aws AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['gh ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'ghp_0123'],
    ['Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4fw', 'eyJhbGciOi'],
    ['db postgres://app:hunter22@db.internal:5432/app', 'hunter22'],
    ['DB_PASSWORD=hunter22 next', 'hunter22'],
    ['"api_key": "k-123456"', 'k-123456'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'MIIEow'],
    ['connecting with s3cr3t-db-password now', 's3cr3t-db-password'],
  ])('hides the secret in %j', (input, secret) => {
    expect(redact(input)).not.toContain(secret);
    expect(redact(input)).toContain('[redacted');
  });

  it('leaves ordinary text alone, including short configured values', () => {
    const text = 'api-gateway in prod: 3/3 ready, revision 4, abc image registry.example.com/api:1.4.2';
    expect(redact(text)).toBe(text);
  });

  it('keeps the user of a URL so the reader knows which account it was', () => {
    expect(redact('postgres://app:hunter22@db:5432/x')).toBe('postgres://app:[redacted]@db:5432/x');
  });
});
