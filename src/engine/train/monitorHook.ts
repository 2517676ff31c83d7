// Connects the catastrophic-overfitting monitor to the trainer for adversarial methods.
import type { SanityWarning } from '../../protocol';
import type { EpochHook } from './trainer';

interface MonitorLike {
  update(epoch: number, acc: number): { collapsed: boolean; bestEpoch: number; reason?: string };
}

function loadMonitor(): (new () => MonitorLike) | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./overfitMonitor') as { OverfitMonitor?: new () => MonitorLike }).OverfitMonitor;
  } catch {
    return undefined;
  }
}

export function makeOverfitHook(method: string, warn: (w: SanityWarning) => void): EpochHook | undefined {
  if (method === 'none') return undefined;
  const Monitor = loadMonitor();
  if (!Monitor) return undefined;
  const monitor = new Monitor();
  return (epoch, acc) => {
    const r = monitor.update(epoch, acc);
    if (!r.collapsed) return undefined;
    const reason = r.reason ?? `PGD accuracy on a training batch collapsed at epoch ${epoch}`;
    warn({ code: 'catastrophic-overfitting', field: 'method', message: `${reason}; training stopped and the model was rolled back to epoch ${r.bestEpoch} (Wong, Rice & Kolter 2020). Use a smaller step, random init, or PGD training.` });
    return reason;
  };
}
