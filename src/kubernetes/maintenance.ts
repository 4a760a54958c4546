/** What the maintenance commands ask of a cluster: finished work to clean up and TLS certificates. */

/** One namespace of one environment (maintenance acts on a namespace, not on a service). */
export interface Scope {
  env: string;
  kubeContext: string;
  namespace: string;
}

export interface FinishedObject {
  kind: 'Pod' | 'Job';
  name: string;
  /** Succeeded or Failed for pods; Complete for jobs. */
  state: string;
  createdAt?: string;
}

export interface TlsSecret {
  name: string;
  /** tls.crt, decoded: a PEM chain, leaf first. */
  certificatePem: string;
}

/** A Secret's name, type and age: never its data. */
export interface SecretInfo {
  name: string;
  type: string;
  createdAt?: string;
}

export interface ClusterMaintenance {
  /**
   * Pods that ended (Succeeded or Failed) and Jobs that completed, as the seed's
   * `kubectl delete pods --field-selector=status.phase=Succeeded` and completed-jobs cleanup find them.
   * Failed Jobs and their pods are kept: they are what someone will investigate.
   */
  finishedWork(scope: Scope): Promise<FinishedObject[]>;
  /** Deletes them: Jobs with background propagation (as kubectl does) so their pods go too. Returns what was deleted. */
  deleteFinished(
    scope: Scope,
    objects: readonly FinishedObject[],
  ): Promise<{ deleted: FinishedObject[]; alreadyGone: number }>;
  /** The namespace's kubernetes.io/tls Secrets. */
  tlsSecrets(scope: Scope): Promise<TlsSecret[]>;
  /** Every Secret of the namespace, without its data (for the age check of the monthly rotation). */
  secrets(scope: Scope): Promise<SecretInfo[]>;
}
