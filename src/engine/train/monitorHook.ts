// Connects the catastrophic-overfitting monitor to the trainer for adversarial methods.
import type { SanityWarning } from '../../protocol';
import { OverfitMonitor } from './overfitMonitor';
import type { EpochHook } from './trainer';

export function makeOverfitHook(method: string, warn: (w: SanityWarning) => void): EpochHook | undefined {
  if (method === 'none') return undefined;
  const monitor = new OverfitMonitor();
  let warnedGap = false;
  return (epoch, m) => {
    const r = monitor.update(epoch, m.monitorAcc, m.fullEps ? m.trainAccAdv : undefined);
    if (r.suspected && !warnedGap) {
      // Once per run: the live dashboard and the report show it, training goes on (nothing to roll back to).
      warnedGap = true;
      warn({
        code: 'training-attack-overfitting',
        field: 'method',
        message: `${r.suspected}. The run continues (only a fall below the best PGD accuracy rolls back); check the final evaluation's multi-step attacks. Train longer or on more data, lower the step, add an eps warm-up, or use PGD training.`,
      });
    }
    if (!r.collapsed) return undefined;
    const reason = r.reason ?? `PGD accuracy on a training batch collapsed at epoch ${epoch}`;
    warn({
      code: 'catastrophic-overfitting',
      field: 'method',
      message: `${reason}; training stopped and the model was rolled back to its best checkpoint (highest robust validation accuracy; Wong, Rice & Kolter 2020). Use a smaller step, random init, or PGD training.`,
    });
    return reason;
  };
}
