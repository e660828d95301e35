// Long lists a page at a time. Element Plus tables render every row they are given; an office
// with 3,000 subjects has ~9,000 open duties in a month, which would take the home page many
// seconds to draw. The data stays whole (counts, filters); only the drawn rows are a page.
import { computed, ref, watch } from 'vue'

export const PAGE_SIZE = 20

export function usePaged<T>(rows: () => T[], size = PAGE_SIZE) {
  const page = ref(1)
  const all = computed(rows)
  // A new list (search, filter, reload) starts at its first page.
  watch(all, () => {
    page.value = 1
  })
  const pageRows = computed(() => all.value.slice((page.value - 1) * size, page.value * size))
  const total = computed(() => all.value.length)
  return { page, pageRows, total, size }
}
