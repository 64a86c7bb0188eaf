// Whether the window is phone-narrow (≤ 600 px, the pages' phone breakpoint), following rotation and
// resizing: for what CSS alone cannot change, e.g. which columns an Element Plus table draws.
import { onUnmounted, ref, type Ref } from 'vue'

export function useNarrow(query = '(max-width: 600px)'): Ref<boolean> {
  const media = window.matchMedia(query)
  const narrow = ref(media.matches)
  const follow = (e: MediaQueryListEvent): void => {
    narrow.value = e.matches
  }
  media.addEventListener('change', follow)
  onUnmounted(() => media.removeEventListener('change', follow))
  return narrow
}
