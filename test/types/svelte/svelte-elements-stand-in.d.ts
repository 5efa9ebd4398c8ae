// Svelte is not installed here: a stand-in for the two names of `svelte/elements` that
// recs-widget/svelte uses, so the generated file's own syntax and type references
// (element classes, event details) are checked. svelte-check itself is not run.
declare module 'svelte/elements' {
  export interface HTMLAttributes<T extends EventTarget> {
    class?: string | null;
    id?: string | null;
    slot?: string | null;
    onclick?: (event: MouseEvent & { currentTarget: T }) => void;
  }
  export interface SvelteHTMLElements {
    div: HTMLAttributes<HTMLDivElement>;
  }
}
