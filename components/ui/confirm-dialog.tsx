'use client';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ErrorAlert } from './error-alert';

export interface ConfirmDialogProps {
  open: boolean;
  /** The question, e.g. "Cancel this run?" — the dialog's accessible name. */
  title: string;
  /** What will happen, in plain words — the dialog's accessible description. */
  children?: ReactNode;
  /** The confirming button's label: the action itself ("Cancel run"), never just "OK". */
  confirmLabel: string;
  /** The button that backs out ("Keep running"); Escape does the same. */
  cancelLabel?: string;
  /** 'danger' for destructive actions (the confirm button turns red). */
  tone?: 'danger' | 'primary';
  /** While the action runs: both buttons are disabled and the confirm button says so. */
  pending?: boolean;
  /** Why the action failed, shown inside the dialog (it stays open). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation on the native <dialog>: the rest of the page is inert while it is open (focus
 * stays inside), Escape and the cancel button close it, focus starts on the cancel button (the safe
 * choice) and returns to whatever opened it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  tone = 'danger',
  pending = false,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (open && !el.open) {
      opener.current = document.activeElement;
      el.showModal();
      cancelButton.current?.focus();
    } else if (!open && el.open) {
      el.close();
      if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
    }
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={children ? bodyId : undefined}
      onCancel={(event) => {
        // Escape: let React state decide (the effect closes it), and never while the action runs.
        event.preventDefault();
        if (!pending) onCancel();
      }}
    >
      <div className="dialog-body">
        <h2 id={titleId}>{title}</h2>
        {children && (
          <div id={bodyId} className="stack-tight">
            {children}
          </div>
        )}
        <ErrorAlert message={error} />
        <div className="dialog-actions">
          <button ref={cancelButton} type="button" className="button" onClick={onCancel} disabled={pending}>
            {cancelLabel}
          </button>
          <button
            type="button"
            className={`button ${tone === 'danger' ? 'button-danger-solid' : 'button-primary'}`}
            onClick={onConfirm}
            disabled={pending}
          >
            {pending ? `${confirmLabel}…` : confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}

/**
 * A button that asks before it acts: it opens a ConfirmDialog and runs `onConfirm` on yes. If
 * `onConfirm` returns a promise the dialog waits for it, closes when it resolves, and shows the error
 * (turned into words by `describeError`) when it rejects.
 */
export function ConfirmButton({
  label,
  buttonClassName = 'button button-danger',
  describeError = (err) => (err instanceof Error ? err.message : 'Something went wrong; try again.'),
  onConfirm,
  ...dialog
}: Omit<ConfirmDialogProps, 'open' | 'onCancel' | 'onConfirm' | 'pending' | 'error'> & {
  /** The button's own label. */
  label: string;
  buttonClassName?: string;
  describeError?: (err: unknown) => string;
  onConfirm: () => unknown;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { disabled, ...dialogProps } = dialog;

  async function confirm() {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <button type="button" className={buttonClassName} onClick={() => setOpen(true)} disabled={disabled} aria-haspopup="dialog">
        {label}
      </button>
      <ConfirmDialog
        {...dialogProps}
        open={open}
        pending={pending}
        error={error}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setOpen(false);
          setError(null);
        }}
      />
    </>
  );
}
