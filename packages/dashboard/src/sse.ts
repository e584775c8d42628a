/**
 * Server-Sent Events over `fetch`, because EventSource cannot send the Authorization header. Calls `onEvent`
 * for each event; resolves when the stream ends and rejects when it cannot be opened (404 when the server
 * has no stream yet: the caller falls back to polling).
 */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

export async function readSse(url: string, key: string, signal: AbortSignal, onOpen: () => void, onEvent: (e: SseEvent) => void): Promise<void> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
  onOpen();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut: number;
    while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
      const parsed = parseSseBlock(block);
      if (parsed) onEvent(parsed);
    }
  }
}

/** One event block (lines up to a blank line); comments (`: ping`) give null. */
export function parseSseBlock(block: string): SseEvent | null {
  let event = 'message';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  return data.length || event !== 'message' ? { event, data: data.join('\n'), id } : null;
}
