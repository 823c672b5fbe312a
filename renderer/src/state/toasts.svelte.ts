/** The short messages the window shows in its corner: errors stay longer than news. */
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export class Toasts {
  list = $state.raw<Toast[]>([]);
  #id = 0;

  show(kind: Toast['kind'], text: string): void {
    const toast = { id: ++this.#id, kind, text };
    this.list = [...this.list, toast];
    setTimeout(
      () => (this.list = this.list.filter((x) => x.id !== toast.id)),
      kind === 'error' ? 9000 : 4000,
    );
  }
}
