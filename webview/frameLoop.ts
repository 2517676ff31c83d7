// Messages and events only mark sections dirty; one animation frame renders whatever is dirty, so
// a fast run never floods the panel with redraws.
import type { Section } from './model';

export type Dirty = Section | 'compare' | 'picker' | 'clock' | 'experiments';

export class FrameLoop {
  private dirty = new Set<Dirty>();
  private frame = 0;

  constructor(private readonly render: (dirty: Set<Dirty>) => void) {}

  request(...sections: Dirty[]): void {
    for (const s of sections) this.dirty.add(s);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.now());
  }

  private now(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    this.render(dirty);
  }
}
