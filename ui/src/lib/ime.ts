// Enter submits a form, except while an input method is composing (拼音 candidates): pressing
// Enter then only commits the characters.
export function isComposing(e: KeyboardEvent): boolean {
  return e.isComposing || e.keyCode === 229
}

export function enterToSubmit(submit: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || isComposing(e) || e.shiftKey) return
    const t = e.target as HTMLElement | null
    if (t && t.tagName === 'TEXTAREA') return
    e.preventDefault()
    submit()
  }
}
