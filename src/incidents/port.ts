/**
 * What incident commands may ask of opsbot (RunContext.incidents). The commands in commands/incident-*.ts
 * parse and explain; this port keeps the state in PostgreSQL and talks to the chat.
 */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export interface IncidentInfo {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  services: string[];
  environment: string | null;
  commander: string;
  roles: Record<string, string>;
  channelId: string | null;
  channelName: string | null;
  summaryTs: string | null;
  announcementTs: string | null;
  declaredBy: string;
  declaredAt: Date;
  acknowledgedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
  resolution: string | null;
  lastUpdateAt: Date;
  lastNudgeAt: Date | null;
}

export interface DeclareInput {
  severity: Severity;
  title: string;
  services: string[];
  environment?: string | undefined;
  commander?: string | undefined;
}

/** Who does it: a verified Slack user id (or 'schedule:<name>'). */
export interface IncidentActor {
  userId: string;
  teamId: string;
}

export interface IncidentPort {
  declare(input: DeclareInput, actor: IncidentActor): Promise<IncidentInfo>;
  /**
   * The incident a command is about: the one named, else the one whose channel it was typed in.
   * Refuses with what to type when there is none.
   */
  find(named: string | undefined, channelId: string | undefined): Promise<IncidentInfo>;
  list(): Promise<IncidentInfo[]>;
  setStatus(
    incident: IncidentInfo,
    status: IncidentStatus,
    update: string,
    actor: IncidentActor,
  ): Promise<IncidentInfo>;
  setSeverity(incident: IncidentInfo, severity: Severity, actor: IncidentActor): Promise<IncidentInfo>;
  /** 'commander' or another role name (comms, scribe, …). */
  setRole(incident: IncidentInfo, role: string, userId: string, actor: IncidentActor): Promise<IncidentInfo>;
  note(incident: IncidentInfo, text: string, actor: IncidentActor): Promise<void>;
  task(incident: IncidentInfo, text: string, owner: string | undefined, actor: IncidentActor): Promise<number>;
  resolve(incident: IncidentInfo, summary: string, actor: IncidentActor): Promise<IncidentInfo>;
  /** The timeline as lines for Slack, oldest first. */
  timeline(incident: IncidentInfo): Promise<string[]>;
  /** Builds the postmortem markdown and uploads it to the incident channel; returns the file name. */
  postmortem(
    incident: IncidentInfo,
    actor: IncidentActor,
    timeZone?: string,
  ): Promise<{ filename: string; markdown: string }>;
}
