import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/redact/redact.js';
import { createOutputCollector, type OutputStream } from '../../src/scripts/collect-output.js';

function collector(maxBytes = 1024) {
  const lines: Array<[string, OutputStream]> = [];
  const output = createOutputCollector({
    redact: createRedactor(['s3cret-value']),
    onLine: (line, stream) => lines.push([line, stream]),
    maxBytes,
    excerptLines: 3,
    onLineError: () => {},
  });
  return { output, lines };
}

describe('output lines', () => {
  it('joins chunks into lines per stream: split characters, CRLF, a last line without newline', () => {
    const { output, lines } = collector();
    const euro = Buffer.from('€');
    output.write(Buffer.concat([Buffer.from('price 5'), euro.subarray(0, 1)]), 'stdout');
    output.write(Buffer.from('partial err'), 'stderr');
    output.write(Buffer.concat([euro.subarray(1), Buffer.from('\r\nno newline')]), 'stdout');
    output.write(Buffer.from(' s3cret'), 'stderr');
    output.write(Buffer.from('-value\n'), 'stderr');
    output.end('stdout');
    output.end('stderr');

    expect(lines).toEqual([
      ['price 5€', 'stdout'],
      ['partial err [redacted]', 'stderr'],
      ['no newline', 'stdout'],
    ]);
    expect(output.result()).toEqual({
      output: 'price 5€\npartial err [redacted]\nno newline',
      excerpt: 'price 5€\npartial err [redacted]\nno newline',
      outputTruncated: false,
    });
  });

  it('drops the body of a private key printed over several lines, and what follows stays', () => {
    const { output, lines } = collector();
    output.write('key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\nAAAAB3NzaC1\n', 'stdout');
    output.write('-----END OPENSSH PRIVATE KEY-----\ndone\n', 'stdout');

    expect(lines.map(([line]) => line)).toEqual(['key:', '[redacted private key]', 'done']);
  });

  it('cuts a line that never ends into pieces instead of holding it all', () => {
    const { output, lines } = collector(1024 * 1024);
    output.write('x'.repeat(150 * 1024), 'stdout');

    expect(lines.map(([line]) => line.length)).toEqual([64 * 1024, 64 * 1024]);
    output.end('stdout');
    expect(lines.map(([line]) => line.length)).toEqual([64 * 1024, 64 * 1024, 22 * 1024]);
  });
});
