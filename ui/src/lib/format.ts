// Chinese date display: 2026-11-23 → 2026年11月23日.
export function cnDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso
}

export function isoToday(info: { today: string } | null): string {
  return info?.today ?? new Date().toISOString().slice(0, 10)
}

/** Pinyin-order comparison for Chinese names (zh collation of the WebView). */
export const byPinyin = new Intl.Collator('zh-CN-u-co-pinyin').compare
