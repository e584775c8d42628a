/** The reports' message catalogue (EN, FR). Keys are stable; add a language by adding a column. */
export const REPORT_LANGS = ['en', 'fr'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const MESSAGES = {
  briefTitle: { en: 'Response brief', fr: 'Note de réponse' },
  claim: { en: 'What the narrative claims', fr: 'Ce que le récit affirme' },
  origin: { en: 'Where and when it started', fr: 'Où et quand il a commencé' },
  spread: { en: 'How fast it spreads', fr: 'Vitesse de propagation' },
  topSources: { en: 'Top sources', fr: 'Principales sources' },
  examples: { en: 'Example items', fr: 'Exemples de contenus' },
  missionsPlaces: { en: 'Missions and places named', fr: 'Missions et lieux cités' },
  severityWhy: { en: 'Severity and why', fr: 'Gravité et pourquoi' },
  related: { en: 'Related past alerts and what was done', fr: 'Alertes passées liées et mesures prises' },
  counterMessaging: { en: 'Approved counter-messaging', fr: 'Contre-messages approuvés' },
  responses: { en: 'Responses', fr: 'Réponses' },
  responseEffect: { en: 'Response effect', fr: 'Effet de la réponse' },
  firstSeen: { en: 'First seen', fr: 'Première observation' },
  lastSeen: { en: 'Last seen', fr: 'Dernière observation' },
  items: { en: 'Items', fr: 'Contenus' },
  sources: { en: 'Sources', fr: 'Sources' },
  languages: { en: 'Languages', fr: 'Langues' },
  status: { en: 'Status', fr: 'Statut' },
  severity: { en: 'Severity', fr: 'Gravité' },
  mission: { en: 'Mission', fr: 'Mission' },
  narrative: { en: 'Narrative', fr: 'Récit' },
  missions: { en: 'Missions', fr: 'Missions' },
  places: { en: 'Places', fr: 'Lieux' },
  matchedTerms: { en: 'Matched terms', fr: 'Termes détectés' },
  signal: { en: 'Early-warning signal', fr: 'Signal d’alerte précoce' },
  window: { en: 'Window', fr: 'Fenêtre' },
  before: { en: 'Before', fr: 'Avant' },
  after: { en: 'After', fr: 'Après' },
  volume: { en: 'Volume', fr: 'Volume' },
  spreadSources: { en: 'Spread (sources)', fr: 'Diffusion (sources)' },
  harmfulShare: { en: 'Harmful share', fr: 'Part nuisible' },
  change: { en: 'Change (hourly rate)', fr: 'Variation (rythme horaire)' },
  incomplete: { en: 'incomplete: figures so far', fr: 'incomplet : chiffres à ce jour' },
  published: { en: 'Published', fr: 'Publiée' },
  channel: { en: 'Channel', fr: 'Canal' },
  outcome: { en: 'Outcome', fr: 'Issue' },
  none: { en: 'None.', fr: 'Aucun.' },
  noData: { en: 'No data.', fr: 'Aucune donnée.' },
  noDefinition: { en: 'No catalogue definition for this narrative.', fr: 'Pas de définition au catalogue pour ce récit.' },
  generated: { en: 'Generated', fr: 'Généré le' },
  perHour: { en: 'items per hour', fr: 'contenus par heure' },
  perDay: { en: 'items per day', fr: 'contenus par jour' },
  tier: { en: 'Catalogue tier', fr: 'Niveau au catalogue' },
  print: { en: 'Print or save as PDF from your browser.', fr: 'Imprimez ou enregistrez en PDF depuis votre navigateur.' },
  // Digest
  digestTitle: { en: 'Weekly digest', fr: 'Synthèse hebdomadaire' },
  allMissions: { en: 'All missions', fr: 'Toutes les missions' },
  week: { en: 'Week', fr: 'Semaine' },
  summary: { en: 'What changed', fr: 'Ce qui a changé' },
  newNarratives: { en: 'New narratives', fr: 'Nouveaux récits' },
  escalating: { en: 'Escalating', fr: 'En hausse' },
  declining: { en: 'Declining', fr: 'En baisse' },
  resolved: { en: 'Resolved alerts', fr: 'Alertes résolues' },
  recurring: { en: 'Recurring', fr: 'Récurrents' },
  s1Incidents: { en: 'S1 incidents', fr: 'Incidents S1' },
  coverageGaps: { en: 'Coverage gaps', fr: 'Lacunes de couverture' },
  failingSources: { en: 'Sources failing', fr: 'Sources en échec' },
  silentSources: { en: 'Sources silent for a week', fr: 'Sources muettes depuis une semaine' },
  missingLanguages: { en: 'Languages with no data', fr: 'Langues sans données' },
  handling: { en: 'Alert handling', fr: 'Traitement des alertes' },
  raised: { en: 'Raised', fr: 'Ouvertes' },
  acknowledged: { en: 'Acknowledged', fr: 'Prises en charge' },
  resolvedCount: { en: 'Resolved', fr: 'Résolues' },
  medianAck: { en: 'Median time to acknowledge', fr: 'Délai médian de prise en charge' },
  medianResolve: { en: 'Median time to resolve', fr: 'Délai médian de résolution' },
  moments: { en: 'High-risk moments in the next 14 days', fr: 'Moments à risque dans les 14 prochains jours' },
  volume8w: { en: 'Volume per narrative over 8 weeks', fr: 'Volume par récit sur 8 semaines' },
  shareByLanguage: { en: 'Share by language', fr: 'Répartition par langue' },
  perMission: { en: 'Per mission', fr: 'Par mission' },
  thisWeek: { en: 'This week', fr: 'Cette semaine' },
  lastWeek: { en: 'Last week', fr: 'Semaine précédente' },
  failures: { en: 'consecutive failures', fr: 'échecs consécutifs' },
  lastItem: { en: 'last item', fr: 'dernier contenu' },
  never: { en: 'never', fr: 'jamais' },
  date: { en: 'Date', fr: 'Date' },
  title: { en: 'Title', fr: 'Titre' },
  kind: { en: 'Kind', fr: 'Type' },
  expected: { en: 'Expected narratives', fr: 'Récits attendus' },
  alerts: { en: 'Alerts', fr: 'Alertes' },
  noChange: { en: 'Nothing to report.', fr: 'Rien à signaler.' },
  effectOf: { en: 'Effect of', fr: 'Effet de' },
  // Prebunk brief
  prebunkTitle: { en: 'Prebunk brief', fr: 'Note de prébunking' },
  moment: { en: 'The moment', fr: 'Le moment' },
  momentWindow: { en: 'Watch window (lowered alert thresholds)', fr: 'Fenêtre de vigilance (seuils d’alerte abaissés)' },
  momentDeleted: { en: 'The moment has been removed from the calendar since this task opened.', fr: 'Le moment a été retiré du calendrier depuis l’ouverture de cette tâche.' },
  taskDue: { en: 'Task due', fr: 'Échéance de la tâche' },
  inDays: { en: 'Days until the moment', fr: 'Jours avant le moment' },
  expectedIntro: {
    en: 'Narratives that usually surge around this kind of moment. Get the approved lines out before they do.',
    fr: 'Récits qui montent d’ordinaire autour de ce type de moment. Diffusez les messages approuvés avant eux.',
  },
  recentVolume: { en: 'Recent volume', fr: 'Volume récent' },
  last7d: { en: 'last 7 days', fr: '7 derniers jours' },
  previous7d: { en: 'previous 7 days', fr: '7 jours précédents' },
  daysShown: { en: 'days shown', fr: 'jours affichés' },
  pastAlerts: { en: 'Past alerts in this mission and what was done', fr: 'Alertes passées dans cette mission et mesures prises' },
} as const satisfies Record<string, Record<ReportLang, string>>;

export type MessageKey = keyof typeof MESSAGES;

export function t(lang: ReportLang, key: MessageKey): string {
  return MESSAGES[key][lang];
}

const STATUS: Record<string, Record<ReportLang, string>> = {
  open: { en: 'open', fr: 'ouverte' },
  acknowledged: { en: 'acknowledged', fr: 'prise en charge' },
  responding: { en: 'responding', fr: 'réponse en cours' },
  resolved: { en: 'resolved', fr: 'résolue' },
  dismissed: { en: 'dismissed', fr: 'écartée' },
  draft: { en: 'draft', fr: 'brouillon' },
  approved: { en: 'approved', fr: 'approuvée' },
  published: { en: 'published', fr: 'publiée' },
  press_release: { en: 'press release', fr: 'communiqué de presse' },
  radio: { en: 'radio', fr: 'radio' },
  social: { en: 'social media', fr: 'réseaux sociaux' },
  community_meeting: { en: 'community meeting', fr: 'réunion communautaire' },
};

/** Status and channel words; unknown values come back unchanged (callers escape them). */
export function term(lang: ReportLang, value: string): string {
  return STATUS[value]?.[lang] ?? value;
}

/** Narrative keys as readable words ("collusion armed groups"); the key itself stays visible in tables. */
export function narrativeLabel(key: string): string {
  return key.replace(/_/g, ' ');
}

export function formatDate(_lang: ReportLang, d: Date | null): string {
  if (!d) return '—';
  // UTC, explicit: a brief travels between time zones; ISO-like order reads the same in FR and EN.
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatPct(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 1000) / 10} %`;
}
