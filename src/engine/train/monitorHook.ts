// Connects the catastrophic-overfitting monitor to the trainer for adversarial methods.
import type { SanityWarning } from '../../protocol';
import { OverfitMonitor } from './overfitMonitor';
import type { EpochHook } from './trainer';

export function makeOverfitHook(method: string, warn: (w: SanityWarning) => void): EpochHook | undefined {
  if (method === 'none') return undefined;
  const monitor = new OverfitMonitor();
  return (epoch, acc) => {
    const r = monitor.update(epoch, acc);
    if (!r.collapsed) return undefined;
    const reason = r.reason ?? `PGD accuracy on a training batch collapsed at epoch ${epoch}`;
    warn({ code: 'catastrophic-overfitting', field: 'method', message: `${reason}; training stopped and the model was rolled back to epoch ${r.bestEpoch} (Wong, Rice & Kolter 2020). Use a smaller step, random init, or PGD training.` });
    return reason;
  };
}
