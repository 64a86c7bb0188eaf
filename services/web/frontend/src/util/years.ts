// The years the program can have records for: every service refuses another (422, naming the
// year), as vc_contracts.catalogue.fields.YEAR_MIN / YEAR_MAX say. A year field held at 2000 let a
// county pick 2000-2017, and each read of that year was refused with only 请求内容有误 on the page.

/** The first year of the program (2018) and the last a service takes (2100). */
export const YEAR_MIN = 2018
export const YEAR_MAX = 2100
