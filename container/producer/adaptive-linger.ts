/** Weight of the newest send in the running share of sends that came within a linger of the last. */
const CLOSE_SEND_SMOOTHING = 0.2;
/** Sends count as dense (lingering finds company) when at least this share came close together. */
const DENSE_SHARE = 0.5;

/** Options of an `AdaptiveLinger`. */
export interface AdaptiveLingerOptions {
  /** How long a partial batch waits for company while sends are dense. */
  lingerMs: number;
  /** How long it waits while sends are sparse (0: the next timer tick). */
  idleLingerMs: number;
  /** Called when an armed window ends: the partial batch is due. */
  onExpire: () => void;
  now?: () => number;
}

/**
 * The linger window of a partial batch, which adapts to the traffic. A
 * running share of the sends that came within `lingerMs` of the one before
 * tells dense traffic (lingering finds company, so wait `lingerMs`) from
 * sparse (it would not, so wait only `idleLingerMs`). Once a window ends the
 * linger stays `expired` — partial batches go out at once — until nothing is
 * ready any more (`disarm`).
 *
 * @example
 * ```ts
 * const linger = new AdaptiveLinger({ lingerMs: 5, idleLingerMs: 0, onExpire: () => pump() });
 * linger.noteSend(Date.now());
 * if (!full && !linger.expired) linger.arm();
 * ```
 */
export class AdaptiveLinger {
  readonly #lingerMs: number;
  readonly #idleLingerMs: number;
  readonly #onExpire: () => void;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (epoch ms). */
  #deadline = 0;
  /** Running share of sends that came within `lingerMs` of the one before (0 to 1). */
  #closeShare = 0;
  #lastSendAt: number | undefined;
  #expired = false;

  constructor(options: AdaptiveLingerOptions) {
    this.#lingerMs = options.lingerMs;
    this.#idleLingerMs = options.idleLingerMs;
    this.#onExpire = options.onExpire;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a window ended since the last `disarm`: partial batches are due. */
  get expired(): boolean {
    return this.#expired;
  }

  /** The window `arm` would wait now: `lingerMs` while sends are dense, else `idleLingerMs`. */
  get windowMs(): number {
    return this.#closeShare >= DENSE_SHARE ? this.#lingerMs : this.#idleLingerMs;
  }

  /** Counts a send at `now` into the running share of sends that came close together. */
  noteSend(now: number): void {
    if (this.#lastSendAt !== undefined) {
      const close = now - this.#lastSendAt <= this.#lingerMs ? 1 : 0;
      this.#closeShare += CLOSE_SEND_SMOOTHING * (close - this.#closeShare);
    }
    this.#lastSendAt = now;
  }

  /**
   * Starts a window of `windowMs` unless one ends sooner already, or a window
   * has expired. A shorter window than the one armed (sends became sparse)
   * takes over.
   */
  arm(): void {
    if (this.#expired) return;
    const windowMs = this.windowMs;
    const deadline = this.#now() + windowMs;
    if (this.#timer !== undefined && this.#deadline <= deadline) return;
    clearTimeout(this.#timer);
    this.#deadline = deadline;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expired = true;
      this.#onExpire();
    }, windowMs);
  }

  /** Nothing is waiting: drops the timer, and the next partial batch lingers again. */
  disarm(): void {
    this.#expired = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
