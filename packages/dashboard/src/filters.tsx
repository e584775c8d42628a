import { labelOf } from './i18n.js';
import { useApp } from './context.js';

export const MISSIONS = ['MONUSCO', 'MINUSCA', 'UNMISS', 'UNIFIL', 'UNISFA', 'MINURSO', 'UNFICYP', 'UNMIK', 'UNDOF', 'UNTSO', 'MINUSMA'] as const;
export const NARRATIVES = [
  'collusion_armed_groups', 'covert_arms_transport', 'resource_plunder', 'failure_to_protect', 'expulsion_demand', 'incitement_violence', 'espionage',
  'partiality_contingent', 'sovereignty_partition', 'false_flag', 'disease_health', 'sexual_exploitation_abuse', 'forged_media', 'geopolitical_proxy', 'hate_speech',
] as const;
export const STATUSES = ['open', 'acknowledged', 'responding', 'resolved', 'dismissed'] as const;
export const LANGUAGES = ['en', 'fr', 'ar', 'sw', 'ln', 'sg', 'bm', 'und'] as const;
export const OUTCOMES = ['no_action', 'rebutted', 'prebunked', 'referred_to_platform', 'referred_to_security'] as const;

/** A labelled <select> whose empty value means "all". */
export function Select(props: { id: string; label: string; value: string; options: readonly string[]; render?: (v: string) => string; onChange: (v: string) => void; allLabel?: string }) {
  const { t } = useApp();
  return (
    <label class="field" for={props.id}>
      <span>{props.label}</span>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.allLabel !== '' && <option value="">{props.allLabel ?? t('common.all')}</option>}
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.render ? props.render(o) : o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SeverityBadge({ severity }: { severity: string | null }) {
  const { t } = useApp();
  if (!severity) return <span class="badge">—</span>;
  return (
    <span class={`badge sev sev-${severity}`} title={labelOf(t, 'severity', severity)}>
      {severity}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useApp();
  return <span class={`badge status status-${status}`}>{labelOf(t, 'status', status)}</span>;
}
