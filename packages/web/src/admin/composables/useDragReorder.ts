import { onBeforeUnmount, ref, type Ref } from 'vue';

/** How near the window's top or bottom edge (px) a dragged row scrolls the page. */
const EDGE = 48;

/**
 * Reordering a list by dragging a row's handle, with pointer events (a mouse,
 * a pen or a finger alike). The rows are the list's `[data-key]` children; the
 * order shown follows the pointer (`onMove`), and `onDrop` gets the new order
 * once, on release, if it changed. Escape, or the browser taking the pointer
 * back (pointercancel), puts the order back (`onCancel`).
 *
 * The listeners sit on the window, not on the handle: Vue moves the dragged
 * row's element as the order changes, and an element taken out of the
 * document, even to be put back at once, loses its pointer capture.
 */
export function useDragReorder(options: {
  list: Ref<HTMLElement | null>;
  /** The keys in the order shown when the drag starts. */
  order: () => string[];
  onMove: (order: string[]) => void;
  onDrop: (order: string[], key: string) => void;
  onCancel: () => void;
}) {
  /** The key of the row being dragged. */
  const dragging = ref<string | null>(null);
  let start: string[] = [];
  let current: string[] = [];
  let pointerId: number | null = null;
  let lastY = 0;
  let frame = 0;

  /** Where the dragged row goes for the pointer at `y`: after every other row whose middle is above it. */
  function orderAt(y: number, key: string): string[] {
    const others = [...(options.list.value?.querySelectorAll<HTMLElement>('[data-key]') ?? [])]
      .filter((el) => el.dataset.key !== key)
      .map((el) => {
        const box = el.getBoundingClientRect();
        return { key: el.dataset.key!, middle: box.top + box.height / 2 };
      });
    const before = others.filter((o) => o.middle < y).length;
    const keys = others.map((o) => o.key);
    return [...keys.slice(0, before), key, ...keys.slice(before)];
  }

  function follow(y: number) {
    const key = dragging.value;
    if (key === null) return;
    const next = orderAt(y, key);
    if (next.join() !== current.join()) {
      current = next;
      options.onMove(next);
    }
  }

  // Near an edge, the page scrolls (a long list on a phone), and the order follows.
  function scrollNearEdge() {
    if (dragging.value === null) return;
    const by = lastY < EDGE ? -8 : lastY > window.innerHeight - EDGE ? 8 : 0;
    if (by !== 0) {
      window.scrollBy(0, by);
      follow(lastY);
    }
    frame = requestAnimationFrame(scrollNearEdge);
  }

  function onPointerMove(event: PointerEvent) {
    if (event.pointerId !== pointerId) return;
    event.preventDefault();
    lastY = event.clientY;
    follow(event.clientY);
  }

  function finish(drop: boolean) {
    const key = dragging.value;
    stop();
    if (key === null) return;
    if (drop && current.join() !== start.join()) options.onDrop(current, key);
    else options.onCancel();
  }

  const onPointerUp = (event: PointerEvent) => event.pointerId === pointerId && finish(true);
  const onPointerCancel = (event: PointerEvent) => event.pointerId === pointerId && finish(false);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    finish(false);
  };

  function stop() {
    dragging.value = null;
    pointerId = null;
    cancelAnimationFrame(frame);
    window.removeEventListener('pointermove', onPointerMove);
    window.removeEventListener('pointerup', onPointerUp);
    window.removeEventListener('pointercancel', onPointerCancel);
    window.removeEventListener('keydown', onKeyDown);
  }

  /** From a handle's pointerdown: starts dragging the row of `key`. */
  function begin(key: string, event: PointerEvent) {
    // The main button (or a touch, or a pen's tip) only; one drag at a time.
    if (event.button !== 0 || dragging.value !== null) return;
    event.preventDefault();
    start = options.order();
    current = start;
    dragging.value = key;
    pointerId = event.pointerId;
    lastY = event.clientY;
    window.addEventListener('pointermove', onPointerMove);
    window.addEventListener('pointerup', onPointerUp);
    window.addEventListener('pointercancel', onPointerCancel);
    window.addEventListener('keydown', onKeyDown);
    frame = requestAnimationFrame(scrollNearEdge);
  }

  onBeforeUnmount(stop);
  return { dragging, begin };
}
