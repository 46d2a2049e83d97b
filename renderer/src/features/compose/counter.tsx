import { StatusIcon } from '../../components/status-icon.tsx';
import type { Measurement } from '../../../../shared/channels/limits.ts';

/** "241 / 280 ✓ fits": never colour alone, always an icon and a word. */
export function Counter({ measure, id }: { measure: Measurement; id?: string }) {
  const state = !measure.ok ? 'over' : measure.warning ? 'warn' : 'ok';
  const word = state === 'over' ? `${-measure.remaining} over` : state === 'warn' ? 'long' : 'fits';
  const icon = state === 'over' ? 'blocked' : state === 'warn' ? 'warn' : 'ok';
  return (
    <span className={`counter counter-${state}`} id={id}>
      {measure.used} / {measure.limit} <StatusIcon kind={icon} /> {word}
      <span className="visually-hidden"> {measure.unit}</span>
    </span>
  );
}
