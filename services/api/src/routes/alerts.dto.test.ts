import { describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { AlertDto, AlertSummaryDto } from '@vigie/contracts';
import { alertSummaryToDto, alertToDto, LIST_EVIDENCE_ROWS } from './alerts.routes.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute));
const row = (n: number) => ({
  itemId: new Types.ObjectId(),
  sourceId: new Types.ObjectId(),
  title: `item ${n}`,
  url: `https://radio.example/${n}`,
  language: 'fr',
  score: 0.9,
  severity: 'S2',
  stance: 'endorse',
  addedAt: at(n),
});

function storedAlert(rows: number) {
  return {
    _id: new Types.ObjectId(),
    dedupKey: 'MONUSCO:collusion_armed_groups',
    mission: 'MONUSCO',
    narrative: 'collusion_armed_groups',
    status: 'acknowledged',
    severity: 'S2',
    severityRank: 2,
    itemCount: rows,
    sourceCount: rows,
    languages: ['fr'],
    firstSeenAt: at(0),
    lastSeenAt: at(rows),
    evidence: Array.from({ length: rows }, (_, n) => row(n)),
    history: [{ at: at(30), actor: 'amina', actorRole: 'analyst', action: 'acknowledge', from: 'open', to: 'acknowledged', reason: null, detail: {} }],
  } as unknown as Parameters<typeof alertToDto>[0];
}

describe('alert DTOs', () => {
  it('lists an alert with its newest evidence rows, newest first, and without its history', () => {
    const summary = alertSummaryToDto(storedAlert(50));
    expect(summary.latestEvidence.map((e) => e.title)).toEqual(['item 49', 'item 48', 'item 47']);
    expect(summary.latestEvidence).toHaveLength(LIST_EVIDENCE_ROWS);
    expect(summary).not.toHaveProperty('evidence');
    expect(summary).not.toHaveProperty('history');
    expect(AlertSummaryDto.safeParse(summary).success).toBe(true);
  });

  it('lists an alert with fewer rows than that as it is, and gives the single alert every row and its history', () => {
    expect(alertSummaryToDto(storedAlert(2)).latestEvidence.map((e) => e.title)).toEqual(['item 1', 'item 0']);
    const full = alertToDto(storedAlert(50));
    expect(full.evidence).toHaveLength(50);
    expect(full.history).toEqual([expect.objectContaining({ action: 'acknowledge', from: 'open', to: 'acknowledged' })]);
    expect(AlertDto.safeParse(full).success).toBe(true);
  });
});
