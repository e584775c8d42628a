/** Severity order for the triage queue: S1 (incitement/threat) first, then by most recent activity. */
export const SEVERITIES = ['S1', 'S2', 'S3', 'S4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: string | null | undefined): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? SEVERITIES.length : i;
}

/**
 * The API's `sort=triage` order, reproduced for rows merged on the client (live updates): most severe first,
 * then most recently seen, then id (newest first) so the order is total and stable.
 */
export function compareTriage(a: { severity: string; lastSeenAt: string; id: string }, b: { severity: string; lastSeenAt: string; id: string }): number {
  return severityRank(a.severity) - severityRank(b.severity) || Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
