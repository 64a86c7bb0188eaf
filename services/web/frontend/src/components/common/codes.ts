// Division codes as the services read them (vc_contracts.codes): a village or community is 12
// digits not ending in 000. Pages that take a code from their address check it before asking the
// API, whose answer for a malformed code ("out of scope") would mislead.
export function isVillageCode(code: string): boolean {
  return /^\d{12}$/.test(code) && !code.endsWith('000')
}

export const BAD_VILLAGE_CODE = '地址中的村（社区）代码不正确'
