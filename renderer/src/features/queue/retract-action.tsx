import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Delivery } from '../../../../shared/domain/queue.ts';
import { useClient } from '../../client-context.tsx';
import { useHasRole } from '../auth/session-context.tsx';
import { safeHttpUrl } from './time-london.ts';

/**
 * "Remove from the website" (issue 7): for a delivered delivery whose channel
 * can remove what it published, a button that opens a confirmation dialog
 * (a modal `<dialog>`: focus moves into it and Escape closes it). On "Yes,
 * remove it" the core asks the channel to remove the page; its refusal is
 * shown in the dialog as it was given.
 */
export function RetractAction({ delivery, title }: { delivery: Delivery; title: string }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const author = useHasRole('author');
  const approver = useHasRole('approver');
  const publisher = author || approver;
  const kinds = useQuery({ queryKey: ['channels', 'kinds'], queryFn: () => client.call('channels.kinds', {}) });
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const headingId = useId();
  const retract = useMutation({
    mutationFn: () => client.call('queue.retract', { deliveryId: delivery.id }),
    onSuccess: () => setOpen(false),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['queue', 'get', delivery.publicationId] }),
  });
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const info = kinds.data?.find((k) => k.kind === delivery.targetKind);
  if (delivery.status !== 'delivered' || !publisher || !info?.canRetract) {
    return retract.isSuccess ? <Removed name={delivery.targetName} /> : null;
  }
  if (delivery.retractedAt) return retract.isSuccess ? <Removed name={delivery.targetName} /> : null;
  const website = info.contentKind === 'website';
  const where = website ? 'the website' : delivery.targetName;
  const link = safeHttpUrl(delivery.externalUrl);

  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => {
          retract.reset();
          setOpen(true);
        }}
      >
        Remove from {where}
        {website && <span className="visually-hidden"> ({delivery.targetName})</span>}…
      </button>
      <dialog ref={dialogRef} className="confirm-dialog" aria-labelledby={headingId} onClose={() => setOpen(false)}>
        <h2 id={headingId}>
          Remove “{title || 'Untitled update'}” from {where}?
        </h2>
        <p>
          Town Crier will ask {delivery.targetName} to remove it
          {link ? (
            <>
              {' '}
              (<span className="break-anywhere">{link}</span>)
            </>
          ) : null}
          {website ? ', and take it out of the site’s index and feeds.' : '.'} Posts on other channels are not removed,
          and the queue keeps its history.
        </p>
        {retract.isError && (
          <p role="alert" className="error-text">
            {retract.error.message}
          </p>
        )}
        <div className="button-row">
          <button type="button" className="button danger" disabled={retract.isPending} onClick={() => retract.mutate()}>
            {retract.isPending ? 'Removing…' : 'Yes, remove it'}
          </button>
          <button type="button" className="button" onClick={() => setOpen(false)}>
            Keep it
          </button>
        </div>
      </dialog>
    </>
  );
}

function Removed({ name }: { name: string }) {
  return (
    <p role="status" className="notice">
      Removed from {name}.
    </p>
  );
}
