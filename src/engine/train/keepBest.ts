// How training ends: back to the best epoch's weights when the overfitting monitor rolled back,
// early stopping fired, or early stopping is on and a later epoch was worse (Rice et al. 2020).
import { checkpointModelFile, loadCheckpointModel, type Generation, type TrainState } from './checkpoint';
import type { TrainRun } from './trainRun';

export async function keepBest(run: TrainRun, state: TrainState, best: Generation | undefined, ended: { rolledBack?: string; stoppedEarly: boolean }): Promise<void> {
  const { tf, layers, opts, emitter, control } = run;
  // With early stopping on, the model kept is the best epoch's even when patience never ran out.
  const keepBestEpoch = opts.earlyStoppingPatience > 0 && !control.stopRequested && state.bestEpoch < state.epoch;
  if (!((ended.rolledBack || ended.stoppedEarly || keepBestEpoch) && state.bestEpoch > 0)) return;
  if (best) {
    emitter.emit({ type: 'log', level: 'info', message: `restoring the best checkpoint: epoch ${state.bestEpoch} (${checkpointModelFile(best)})` });
    const restored = await loadCheckpointModel(tf, best);
    layers.setWeights(restored.layers!.getWeights());
    restored.layers!.dispose();
  } else {
    emitter.emit({ type: 'log', level: 'warn', message: `the best checkpoint (epoch ${state.bestEpoch}) is gone: keeping the last weights` });
  }
}
