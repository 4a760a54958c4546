/**
 * Certificate expiry (seed 001 "Certificate Expiring": WARN under 30 days, CRITICAL under 7),
 * read from kubernetes.io/tls Secrets and from the certificate HTTPS endpoints present.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import type { RunContext } from '../define.js';
import type { Scope } from '../kubernetes/maintenance.js';
import type { HealthLevel } from './check-health.js';

const DAY_MS = 86_400_000;
export const WARN_DAYS = 30;
export const CRITICAL_DAYS = 7;
const TLS_TIMEOUT_MS = 5_000;

export interface CertificateFinding {
  /** "prod/edge secret api-tls" or an https:// URL. */
  source: string;
  level: HealthLevel;
  detail: string;
  notAfter?: Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export function judgeCertificate(source: string, cert: X509Certificate, now: Date): CertificateFinding {
  const notAfter = new Date(cert.validTo);
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  const names = cert.subjectAltName?.replaceAll('DNS:', '') || cert.subject.replace(/\n/g, ', ');
  const when = notAfter.toISOString().slice(0, 10);
  const detail =
    notAfter <= now
      ? `${names}: EXPIRED on ${when}`
      : `${names}: expires ${when} (in ${days} day${days === 1 ? '' : 's'})`;
  const level: HealthLevel = days < CRITICAL_DAYS ? 'CRITICAL' : days < WARN_DAYS ? 'WARN' : 'OK';
  return { source, level, detail, notAfter };
}

export function certificateFromPem(source: string, pem: string, now: Date): CertificateFinding {
  const leaf = PEM_BLOCK.exec(pem)?.[0];
  if (!leaf) return { source, level: 'CRITICAL', detail: 'tls.crt holds no PEM certificate' };
  try {
    return judgeCertificate(source, new X509Certificate(leaf), now);
  } catch (error) {
    return { source, level: 'CRITICAL', detail: `tls.crt is not a readable certificate (${(error as Error).message})` };
  }
}

/** The leaf certificate an HTTPS endpoint presents (not verified: an expired one must still be read). */
export function httpsCertificate(url: string, now: Date): Promise<CertificateFinding> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname,
      port: Number(port || 443),
      servername: hostname,
      rejectUnauthorized: false,
    });
    const done = (finding: CertificateFinding) => {
      socket.destroy();
      resolve(finding);
    };
    socket.setTimeout(TLS_TIMEOUT_MS, () =>
      done({ source: url, level: 'CRITICAL', detail: 'no TLS handshake within 5 s' }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ source: url, level: 'CRITICAL', detail: `unreachable: ${error.code ?? error.message}` }),
    );
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      done(
        cert
          ? judgeCertificate(url, cert, now)
          : { source: url, level: 'CRITICAL', detail: 'no certificate presented' },
      );
    });
  });
}

/** Every TLS Secret in the environment's namespaces, and every https:// health check URL of the catalog. */
export async function checkCertificates(ctx: RunContext, env: string, now = new Date()): Promise<CertificateFinding[]> {
  const scopes = new Map<string, Scope>();
  for (const service of Object.keys(ctx.catalog.services)) {
    const t = ctx.target(service, env);
    scopes.set(t.namespace, { env, kubeContext: t.kubeContext, namespace: t.namespace });
  }
  const fromSecrets = await Promise.all(
    [...scopes.values()].map(async (scope) =>
      (await ctx.k8s.tlsSecrets(scope)).map((s) =>
        certificateFromPem(`${env}/${scope.namespace} secret ${s.name}`, s.certificatePem, now),
      ),
    ),
  );
  return fromSecrets.flat();
}

export async function checkEndpointCertificates(ctx: RunContext, now = new Date()): Promise<CertificateFinding[]> {
  const urls = new Set(
    Object.values(ctx.catalog.services).flatMap((s) =>
      s.healthChecks.map((c) => c.url).filter((u) => u.startsWith('https:')),
    ),
  );
  return Promise.all([...urls].map((url) => httpsCertificate(url, now)));
}
