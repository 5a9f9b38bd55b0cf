'use client';
import { useEffect, useRef } from 'react';
import type { CreatedApiKey } from '@/lib/types';
import { CopyButton } from '@/components/ui/copy-button';

/**
 * The secret of a key just created. The server returns it this once and stores only a hash, so the
 * box says so plainly and stays until the user dismisses it.
 */
export function NewKeySecret({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);

  // Move focus here so keyboard and screen-reader users land on the secret they must copy now.
  useEffect(() => {
    heading.current?.focus();
  }, [created.id]);

  return (
    <section className="card secret stack" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading" ref={heading} tabIndex={-1}>
        Key “{created.name}” created
      </h2>
      <div className="secret-row">
        <code className="secret-value" data-testid="new-key-secret">
          {created.key}
        </code>
        <CopyButton text={created.key} label="Copy key" />
      </div>
      <p className="secret-note">
        <strong>Copy this key now. It will not be shown again.</strong> If you lose it, revoke it and create a new one.
      </p>
      <div>
        <button type="button" className="button" onClick={onDismiss}>
          I have saved the key
        </button>
      </div>
    </section>
  );
}
