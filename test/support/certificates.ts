/** Real X.509 certificates for tests, made by the openssl CLI (argv, no shell) in a temporary folder. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export interface KeyPair {
  cert: string;
  key: string;
}

/** A self-signed certificate for `host`, valid from now for `days` days. */
export async function selfSignedKeyPair(host: string, days: number): Promise<KeyPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-cert-'));
  try {
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    await execa('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(days),
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`,
    ]);
    return { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const selfSignedCertificate = async (host: string, days: number) => (await selfSignedKeyPair(host, days)).cert;
