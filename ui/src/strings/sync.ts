// User-visible strings of the sync page (同步) and the status line in the header. Messages of
// refusals come from jiaowu-app / the county server through the backend.
export const Y = {
  nav: '与县级同步',
  title: '与县级社区矫正机构同步',
  intro: '本机记录全部保存在本机。联网时自动上报县级平台并接收县级的审批决定、交付和移交的对象；断网期间照常工作，不会丢失任何记录。',
  enrolTitle: '登记本机',
  enrolIntro: '请负责人填写县级社区矫正机构发放的登记单上的平台地址和登记码（72小时内有效，只能使用一次）。',
  url: '县级平台地址',
  urlHint: '如 https://sqjz.example.gov.cn',
  code: '登记码',
  codeHint: '12位，如 7K3M-Q9RT-2WXA，不区分大小写',
  deviceName: '本机名称',
  deviceNameDefault: '办公室电脑',
  enrol: '登记本机',
  enrolled: '本机已登记',
  headOnly: '只有负责人可以登记本机',
  county: '县级平台',
  lastSync: '上次同步（县级时间）',
  never: '从未同步',
  waiting: '待上报',
  needsAttention: '需要处理',
  conflicts: '未解决冲突',
  skew: '本机时钟偏差',
  pin: '县级证书指纹（前16位，应与登记单一致）',
  noPin: '本机测试地址，无证书',
  delegation: '7日以内外出',
  delegated: '县级已委托本所审批（《社区矫正法实施办法》第二十七条），以县级平台设定为准',
  notDelegated: '由县级社区矫正机构审批（未委托本所），以县级平台设定为准',
  /** A clock difference in the largest unit that reads naturally ("快约3分钟", "慢约6天"). */
  skewText: (ms: number) => {
    const a = Math.abs(ms)
    const dir = ms > 0 ? '快' : '慢'
    if (a < 60_000) return `${dir}${(a / 1000).toFixed(1)}秒`
    if (a < 3_600_000) return `${dir}约${Math.round(a / 60_000)}分钟`
    if (a < 86_400_000) return `${dir}约${Math.round(a / 3_600_000)}小时`
    return `${dir}约${Math.round(a / 86_400_000)}天`
  },
  syncNow: '立即同步',
  syncing: '正在同步…',
  phase: { push: '正在上报', pull: '正在接收县级数据', repair: '正在核对数据' } as Record<string, string>,
  pushed: (done: number, total: number) => `已上报 ${done} / ${total} 条`,
  pulled: (n: number) => `已接收 ${n} 条`,
  result: (r: { pushed: number; rejected: number; conflicts: number; pulled: number }) =>
    `同步完成：上报 ${r.pushed} 条（退回 ${r.rejected}，冲突 ${r.conflicts}），接收 ${r.pulled} 条。`,
  rejectedTitle: '需要处理：县级平台退回的记录',
  rejectedIntro: '这些记录仍保存在本机，没有丢失。请按退回原因核对；如县级已处理了退回原因（例如已委托本所审批7日以内外出），可“重新提交”，下次同步时再报；如有疑问请联系县级社区矫正机构。',
  resubmit: '重新提交',
  resubmitted: (n: number) => (n > 1 ? `已重新提交 ${n} 条（含依赖它的记录），下次同步时上报。` : '已重新提交，下次同步时上报。'),
  kind: '记录类别',
  reason: '退回原因',
  conflictsTitle: '冲突：县级与本所的值不同',
  conflictsIntro: '两边的值都已保存，由县级社区矫正机构核对处理。',
  field: '项目',
  countyValue: '县级的值',
  officeValue: '本所的值',
  outcome: '处理',
  resolved: '已处理',
  open: '待处理',
  noneRejected: '没有被退回的记录',
  noneConflicts: '没有冲突',
  headerWaiting: (n: number) => `待上报 ${n}`,
  headerLast: (t: string | null) => (t ? `上次同步 ${t.slice(5)}` : '尚未同步'),
  headerNotEnrolled: '未登记县级平台',
}
