/**
 * The live alert stream: the notifier publishes each processed alert event on a Redis pub/sub channel, and every
 * API process relays it to its Server-Sent Events clients, filtered by their missions.
 */
import { z } from 'zod';
import { ALERT_EVENT_KINDS } from './queues.js';
import { MissionCode, NarrativeKey, Severity } from './taxonomy.js';

/** The pub/sub channel, under the deployment's queue prefix so stacks sharing a Redis stay apart. */
export function alertEventsChannel(queuePrefix: string): string {
  return `${queuePrefix}:alert-events`;
}

/** One message on the channel, and the `data` of one SSE `alert` event. */
export const StreamAlertEvent = z.object({
  /** The event key (alertEventKey): also the SSE event id. */
  id: z.string(),
  alertId: z.string(),
  type: z.enum(ALERT_EVENT_KINDS),
  /** When it happened (ISO 8601). */
  at: z.string(),
  mission: MissionCode,
  narrative: NarrativeKey,
  severity: Severity,
  status: z.string(),
  itemCount: z.number().int(),
  /** True when a silence muted its notification (the alert still counts). */
  silenced: z.boolean(),
});
export type StreamAlertEvent = z.infer<typeof StreamAlertEvent>;
