// A textarea that grows with its text while it is typed in, and never changes size on blur.
//
// Vant's `autosize` measures the textarea again on every blur by setting its height to `auto` for a
// moment. In a dialog or sheet taller than the screen (a long reason), that moment shrinks the
// dialog's scrolling content, the browser clamps its scroll position, and everything below moves
// up: the tap that blurred the field (the press on 提交) is released over another spot, so the
// first tap sends nothing. Here the height follows input only; a measurement keeps the scroll
// position of every scrolled ancestor; the height stops at `MAX_SHARE` of the screen, beyond which
// the field scrolls inside itself and the dialog's buttons stay within reach.
import type { Directive } from 'vue'

const MAX_SHARE = 0.35

function textareaOf(el: HTMLElement): HTMLTextAreaElement | null {
  return el instanceof HTMLTextAreaElement ? el : el.querySelector('textarea')
}

function fit(area: HTMLTextAreaElement): void {
  const kept: Array<[Element, number]> = []
  for (let node = area.parentElement; node; node = node.parentElement) {
    if (node.scrollTop > 0) kept.push([node, node.scrollTop])
  }
  area.style.height = 'auto'
  const height = Math.min(area.scrollHeight, Math.round(window.innerHeight * MAX_SHARE))
  area.style.height = `${Math.max(height, 0)}px`
  area.style.overflowY = area.scrollHeight > height ? 'auto' : 'hidden'
  for (const [node, top] of kept) node.scrollTop = top
}

const fitted = new WeakMap<HTMLTextAreaElement, string>()

function refit(area: HTMLTextAreaElement | null): void {
  if (!area || fitted.get(area) === area.value) return // a re-render (focus, blur, error): no change
  fitted.set(area, area.value)
  fit(area)
}

/** `v-auto-grow` on a Vant Field of type textarea (without its `autosize`) or on a textarea. */
export const vAutoGrow: Directive<HTMLElement> = {
  mounted(el) {
    const area = textareaOf(el)
    if (!area) return
    area.addEventListener('input', () => refit(area))
    refit(area)
  },
  updated(el) {
    refit(textareaOf(el)) // a value set by the page (a form opened again, cleared after sending)
  },
}
