'use client';
import { useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies text with the async Clipboard API. That API exists only in secure contexts (https or
 * localhost), so a failure tells the user to copy by hand instead of failing silently.
 */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<CopyState>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <span className="copy">
      <button type="button" className="button" onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="copy-status" role="status">
        {state === 'failed' ? 'Copying is not available here; select the text and copy it yourself.' : ''}
      </span>
    </span>
  );
}
